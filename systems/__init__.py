"""Built-in system adapters: ``systems/<name>.py`` defines ``SYSTEM``, the system called ``<name>``.

The registry indexes these modules without importing them and imports one only when its
system is asked for (see :mod:`bench.registry.discovery`).
"""

#: Built-in systems whose module is named otherwise: system name → module name.
RENAMED = {"quantulum3": "quantulum", "spacy": "spacy_system", "textacy": "textacy_quotes"}
