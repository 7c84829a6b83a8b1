"""General English word lists for the rules baseline (common knowledge, not drawn from any gold text)."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    """The white-space separated words of ``text``."""
    return frozenset(text.split())

#: Capitalised words that start sentences without being names.
FUNCTION_WORDS = _words(
    """a an the this that these those there here it its he she his her him they them their we our us i you your
    my me in on at by for from with without into onto of to as and but or nor so yet if when while after before
    since until because although though however meanwhile also still then thus instead once now today yesterday
    tomorrow tonight last next every each all some many most more much few several both either neither no not
    what which who whom whose where why how one two three four five six seven eight nine ten mr mrs ms dr
    according despite during amid among between against under over about around near across along through
    following earlier later asked said says added even just only please yes thank thanks dear"""
)

#: Titles and roles that precede a person's name (stripped from the span; they mark PERSON).
TITLES = _words(
    """mr mrs ms miss dr prof professor sir dame lord lady president vice minister secretary senator sen rep
    representative governor gov mayor general gen colonel col major maj captain capt lieutenant lt sergeant sgt
    admiral adm commander judge justice king queen prince princess pope cardinal bishop rev reverend father
    sheikh chancellor premier ambassador chief spokesman spokeswoman spokesperson director chairman chairwoman
    chair ceo coach officer inspector deputy prime foreign defense defence interior finance health trade
    state attorney"""
)

#: Head words that make a capitalised sequence an organisation.
ORG_WORDS = _words(
    """ministry department agency council committee commission company corporation corp inc ltd llc plc co
    group bank university institute party army navy forces force police association union federation
    organization organisation office court parliament congress senate assembly foundation fund authority
    service services board club church school college front movement brigade brigades guard network
    television tv radio press times news post journal herald tribune gazette daily telegraph
    nations administration bureau coalition alliance league federation team airlines airways motors industries
    holdings partners systems technologies labs laboratory laboratories hospital"""
)
#: Head words of named facilities.
FAC_WORDS = _words(
    """airport bridge tower stadium station base palace square street road avenue highway building hall
    prison port harbour harbor dam tunnel plant mosque cathedral temple museum centre center arena hotel
    theatre theater library"""
)
#: Head words of named geographic places that are not political units.
LOC_WORDS = _words(
    """river sea ocean mountains mountain mount lake valley desert gulf bay island islands peninsula coast
    strait canal plain plains basin forest region heights"""
)
EVENT_WORDS = _words("war olympics games summit festival cup championship championships revolution crisis")
LAW_WORDS = _words("act treaty constitution amendment accord accords convention charter bill")
#: Nationality and group adjectives are recognised by these endings when not a country name.
NORP_ENDINGS = ("ian", "ean", "ese", "ish", "ican", "ians", "eans", "icans", "ite", "ites", "ist", "ists")

COUNTRIES = _words(
    """afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan bahamas bahrain
    bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia botswana brazil brunei bulgaria
    burundi cambodia cameroon canada chad chile china colombia comoros congo croatia cuba cyprus czechia
    denmark djibouti dominica ecuador egypt eritrea estonia eswatini ethiopia fiji finland france gabon gambia
    georgia germany ghana greece grenada guatemala guinea guyana haiti honduras hungary iceland india indonesia
    iran iraq ireland israel italy jamaica japan jordan kazakhstan kenya kiribati kosovo kuwait kyrgyzstan laos
    latvia lebanon lesotho liberia libya liechtenstein lithuania luxembourg madagascar malawi malaysia maldives
    mali malta mauritania mauritius mexico micronesia moldova monaco mongolia montenegro morocco mozambique
    myanmar namibia nauru nepal netherlands nicaragua niger nigeria norway oman pakistan palau palestine panama
    paraguay peru philippines poland portugal qatar romania russia rwanda samoa senegal serbia seychelles
    singapore slovakia slovenia somalia spain sudan suriname sweden switzerland syria taiwan tajikistan tanzania
    thailand togo tonga tunisia turkey turkmenistan tuvalu uganda ukraine uruguay uzbekistan vanuatu venezuela
    vietnam yemen zambia zimbabwe us usa uk uae england scotland wales britain america"""
) | {"south africa", "south korea", "north korea", "new zealand", "saudi arabia", "united states",
     "united kingdom", "united arab emirates", "sri lanka", "costa rica", "el salvador", "ivory coast",
     "south sudan", "czech republic", "dominican republic", "papua new guinea", "sierra leone",
     "great britain", "hong kong", "vatican city"}
#: Continents and large regions (LOC).
REGIONS = _words(
    """africa asia europe antarctica oceania arctic antarctic balkans caucasus caribbean scandinavia sahara
    sahel"""
) | {"middle east", "north america", "south america", "latin america", "central asia", "east asia",
     "southeast asia", "western europe", "eastern europe", "central america", "north africa", "west africa",
     "east africa", "southern africa", "horn of africa", "gulf coast", "far east"}

#: Prepositions after which a lone capitalised word is probably a place.
PLACE_PREPOSITIONS = _words("in at from to near outside inside across towards toward via into throughout")
#: Lower-case words that may join a multi-word name ("Bank of England", "Ministry for the Economy").
NAME_CONNECTORS = _words("of for the de du la le von van al del da upon and")

#: Reporting verbs in their inflected forms; the base forms are the lemmas.
REPORTING_VERBS = _words(
    """say says said saying tell tells told telling add adds added adding state states stated note notes noted
    claim claims claimed report reports reported announce announces announced explain explains explained
    insist insists insisted argue argues argued warn warns warned write writes wrote written confirm confirms
    confirmed deny denies denied declare declares declared stress stresses stressed emphasise emphasises
    emphasised emphasize emphasizes emphasized underline underlines underlined suggest suggests suggested
    reply replies replied respond responds responded acknowledge acknowledges acknowledged admit admits
    admitted allege alleges alleged estimate estimates estimated predict predicts predicted reveal reveals
    revealed tweet tweets tweeted post posts posted conclude concludes concluded caution cautions cautioned
    urge urges urged maintain maintains maintained observe observes observed recall recalls recalled remark
    remarks remarked comment comments commented disclose discloses disclosed indicate indicates indicated
    contend contends contended concede concedes conceded assert asserts asserted affirm affirms affirmed
    believe believes believed think thinks thought"""
)
#: Verbs that report speech but rarely take an inverted subject; excluded from "..., said X" matching.
AUXILIARIES = _words("has have had will would could should may might must did does do is was were are be been being")
PRONOUNS = _words("he she it they we i you")

CURRENCY_WORDS = {
    "dollar": "dollar", "dollars": "dollar", "euro": "euro", "euros": "euro", "pound": "pound",
    "pounds": "pound", "yen": "yen", "yuan": "yuan", "rouble": "rouble", "roubles": "rouble", "ruble": "ruble",
    "rubles": "ruble", "rupee": "rupee", "rupees": "rupee", "franc": "franc", "francs": "franc", "peso": "peso",
    "pesos": "peso", "lira": "lira", "won": "won", "shekel": "shekel", "shekels": "shekel", "dinar": "dinar",
    "dinars": "dinar", "riyal": "riyal", "riyals": "riyal", "rand": "rand", "krona": "krona", "kronor": "krona",
    "cent": "cent", "cents": "cent", "pence": "penny",
}
TIME_UNITS = _words("second minute hour day week month year decade century fortnight")
MEASURE_UNITS = _words(
    """km kilometre kilometer mile metre meter m cm mm kg kilogram gram g tonne ton lb litre liter barrel acre
    hectare degree foot inch yard mph kph gallon ounce calorie watt kilowatt megawatt gigawatt volt"""
)
MONTHS = _words(
    """january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec"""
)
#: Idioms that contain number words but state no number.
NUMBER_IDIOMS = ("first of all", "at first", "first and foremost", "one another", "one of a kind", "no one", "someone")
#: Nationality, religious and political group words that the endings in NORP_ENDINGS miss.
NORP_WORDS = _words(
    """german germans french dutch british irish welsh scottish greek greeks thai swiss iraqi iraqis israeli
    israelis pakistani pakistanis saudi saudis kuwaiti qatari yemeni omani emirati bangladeshi nepali somali
    somalis afghan afghans arab arabs kurd kurds kurdish czech turkish polish danish finnish spanish swedish
    norwegian jewish jews muslim muslims christian christians catholic catholics protestant protestants sunni
    sunnis shia shiite shiites hindu hindus buddhist buddhists sikh sikhs democrat democrats republican
    republicans conservative conservatives socialist socialists communist communists liberal liberals
    labour tory tories chinese japanese vietnamese lebanese sudanese portuguese congolese"""
)
