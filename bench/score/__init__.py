"""The newsbench scorer: entities, numbers and attributions against gold, with error lists.

Entry points::

    score_document(gold: Annotations, pred: Annotations, *, text: str) -> DocumentScore
    score_corpus(gold: Sequence[GoldDocument], predictions: Mapping[str, Annotations],
                 *, system: str, attempted: frozenset[Layer] | None = None) -> CorpusScore

``CorpusScore.per_document[doc_id].counts`` are addable :class:`ScoreCounts`;
:func:`metric_dict` turns any sum of them into the metric dictionary of the JSON, and
:func:`main_f1` gives the leaderboard F1 per layer (entities strict, numbers
value, attributions strict). ``CorpusScore.items()`` is the itemised error list.
"""

from bench.score.attributions import AttributionCounts, AttributionScore
from bench.score.corpus import score_corpus, score_document
from bench.score.entities import COARSE, COARSE_OF, LABELS, EntityCounts, EntityScore, Mode
from bench.score.items import Outcome, ScoredItem
from bench.score.metrics import MAIN_METRIC, SECONDARY_METRIC, f1_of, main_f1, metric_dict, secondary_f1
from bench.score.numbers import NumberCounts, NumberScore
from bench.score.result import CorpusScore, DocumentScore
from bench.score.sums import ScoreCounts, total

__all__ = [
    "COARSE",
    "COARSE_OF",
    "LABELS",
    "MAIN_METRIC",
    "SECONDARY_METRIC",
    "AttributionCounts",
    "AttributionScore",
    "CorpusScore",
    "DocumentScore",
    "EntityCounts",
    "EntityScore",
    "Mode",
    "NumberCounts",
    "NumberScore",
    "Outcome",
    "ScoreCounts",
    "ScoredItem",
    "f1_of",
    "main_f1",
    "metric_dict",
    "score_corpus",
    "score_document",
    "secondary_f1",
    "total",
]
