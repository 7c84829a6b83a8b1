"""Stand-in adapters with known behaviour for the runner's tests.

They live in a module of their own (not a test module) so the runner's worker processes can unpickle them.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from bench import runner
from bench.registry import Adapter
from bench.schema import (
    Annotations,
    Attribution,
    Document,
    Entity,
    EntityLabel,
    Layer,
    Number,
    Span,
)

DOCS = [
    Document("a", "Alpha met Beta in Gamma."),
    Document("b", "Delta said nothing at all."),
    Document("c", "Epsilon left."),
]


class FirstWord(Adapter):
    """Tags the first word of each document as a PERSON; logs every call to ``log_dir``."""

    name = "first-word"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def __init__(self, log_dir: Path, *, version: str = "1", flavour: str = "plain") -> None:
        self.log_dir = str(log_dir)
        self.version = version
        self.flavour = flavour

    def config(self) -> dict[str, str]:
        return {"flavour": self.flavour}

    def predict(self, document: Document) -> Annotations:
        Path(self.log_dir, f"{document.doc_id}.{time.monotonic_ns()}").write_text("called")
        end = document.text.index(" ") if " " in document.text else len(document.text)
        return Annotations(document.doc_id, entities=(Entity(0, end, EntityLabel.PERSON),))


class Troublemaker(Adapter):
    """Behaves on most documents; misbehaves in the way a document's id names."""

    name = "troublemaker"
    version = "1"
    layers = frozenset({Layer.ENTITIES, Layer.NUMBERS})

    def predict(self, document: Document) -> Annotations:
        text, doc_id = document.text, document.doc_id
        if doc_id == "raises":
            raise ValueError("cannot read this one")
        if doc_id == "sleeps":
            time.sleep(60)
        if doc_id == "dies":
            os._exit(3)
        if doc_id == "out-of-range":
            return Annotations(doc_id, entities=(Entity(0, len(text) + 5, EntityLabel.ORG),))
        if doc_id == "backwards":
            return Annotations(doc_id, numbers=(Number(5, 2, value=1.0),))
        if doc_id == "bad-label":
            return Annotations(doc_id, entities=(Entity(0, 3, "COMPANY"),))  # type: ignore[arg-type]
        if doc_id == "wrong-id":
            return Annotations("someone-else", entities=())
        if doc_id == "undeclared":
            return Annotations(doc_id, entities=(), attributions=(Attribution((Span(0, 3),)),))
        if doc_id == "not-annotations":
            return {"doc_id": doc_id}  # type: ignore[return-value]
        return Annotations(doc_id, entities=(Entity(0, 3, EntityLabel.ORG),), numbers=())


class BrokenSetup(Adapter):
    name = "broken-setup"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def setup(self) -> None:
        raise ImportError("model files missing")

    def predict(self, document: Document) -> Annotations:
        return Annotations(document.doc_id, entities=())


class Witness(Adapter):
    """Records exactly what it is handed, to prove systems only ever see id and text."""

    name = "witness"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def __init__(self, log: Path) -> None:
        self.log = str(log)

    def _record(self, item: object) -> None:
        seen = {
            "type": f"{type(item).__module__}.{type(item).__qualname__}",
            "fields": sorted(f.name for f in fields(item)),  # type: ignore[arg-type]
            "attributes": sorted(a for a in dir(item) if not a.startswith("_")),
        }
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(seen) + "\n")

    def predict(self, document: Document) -> Annotations:
        self._record(document)
        return Annotations(document.doc_id, entities=())

    def predict_batch(self, documents: Sequence[Document]) -> list[Annotations]:
        return [self.predict(d) for d in documents]


class HashReporter(Adapter):
    """Logs the worker's hash seed and a string hash, to show workers hash strings the same way every run."""

    name = "hash-reporter"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def __init__(self, log: Path) -> None:
        self.log = str(log)

    def predict(self, document: Document) -> Annotations:
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.environ.get('PYTHONHASHSEED')} {hash('newsbench')}\n")
        return Annotations(document.doc_id, entities=())


class Sluggish(Adapter):
    """Sleeps as many seconds as the first word of the text says; hands out batches of four."""

    name = "sluggish"
    version = "1"
    layers = frozenset({Layer.ENTITIES})
    batch_size = 4

    def predict(self, document: Document) -> Annotations:
        time.sleep(float(document.text.split()[0]))
        return Annotations(document.doc_id, entities=())


class ModelTaker(FirstWord):
    """Takes a ``model`` option but, like many a first adapter, does not report it in ``config()``."""

    name = "model-taker"

    def __init__(self, *, model: str = "default", log_dir: str = "") -> None:
        super().__init__(Path(log_dir))
        self.model = model

    def config(self) -> dict[str, str]:
        return {}


class Chatty(Adapter):
    """Prints to stdout while it sets up and predicts, as careless libraries do."""

    name = "chatty"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def setup(self) -> None:
        print("CHATTER loading the model")

    def predict(self, document: Document) -> Annotations:
        print(f"CHATTER predicting {document.doc_id}")
        return Annotations(document.doc_id, entities=(Entity(0, 5, EntityLabel.PERSON),))


class WrongTypes(Adapter):
    """Returns objects of the wrong types, in the way a document's id names."""

    name = "wrong-types"
    version = "1"
    layers = frozenset({Layer.ENTITIES, Layer.ATTRIBUTIONS})

    def predict(self, document: Document) -> Annotations:
        wrong: dict[str, object] = {
            "string-offset": (Entity("0", 5, EntityLabel.ORG),),  # type: ignore[arg-type]
            "dict-entity": ({"start": 0, "end": 5, "label": "ORG"},),
            "not-a-tuple": "ORG",
            "number-as-entity": (Number(0, 5, value=1.0),),
        }
        if document.doc_id == "dict-source":
            return Annotations(document.doc_id, attributions=(Attribution((Span(0, 3),), source={"start": 0}),))  # type: ignore[arg-type]
        return Annotations(document.doc_id, entities=wrong.get(document.doc_id, ()))  # type: ignore[arg-type]


def run(adapter: Adapter, docs: Sequence[Document], tmp_path: Path, **options: object) -> runner.RunResult:
    """Run ``adapter`` over ``docs`` into ``tmp_path/out`` (cache in ``tmp_path/cache``) and write the run."""
    options.setdefault("cache_dir", tmp_path / "cache")
    return runner.write_run(runner.run_system(adapter, docs, out_dir=tmp_path / "out", **options))  # type: ignore[arg-type]


def calls(log_dir: Path) -> int:
    """How many predictions the stand-ins logged into ``log_dir``."""
    return len(list(log_dir.iterdir()))


class Diarist(Adapter):
    """Keeps a note per document for ``--log-samples``: its word count and the process that predicted it.

    Fails on ``raises`` after writing its note; on ``odd-detail`` its note is not JSON (a set).
    """

    name = "diarist"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def __init__(self) -> None:
        self._notes: dict[str, object] = {}

    def predict(self, document: Document) -> Annotations:
        self._notes[document.doc_id] = {"words": len(document.text.split()), "pid": os.getpid()}
        if document.doc_id == "raises":
            raise ValueError("cannot read this one")
        if document.doc_id == "odd-detail":
            self._notes[document.doc_id] = {"words": {1, 2}}
        return Annotations(document.doc_id, entities=(Entity(0, 3, EntityLabel.ORG),))

    def sample_detail(self, document: Document) -> dict[str, object] | None:  # type: ignore[override]
        return self._notes.pop(document.doc_id, None)  # type: ignore[return-value]


class Bare:
    """A plugin written against the protocol before ``sample_detail`` existed: no base class, no such member."""

    name = "bare"
    version = "1"
    layers = frozenset({Layer.ENTITIES})
    isolate = False

    def availability(self) -> object:
        from bench.registry import Availability

        return Availability.yes()

    def config(self) -> dict[str, str]:
        return {}

    def setup(self) -> None:
        return None

    def predict(self, document: Document) -> Annotations:
        return Annotations(document.doc_id, entities=())

    def predict_batch(self, documents: Sequence[Document]) -> list[Annotations]:
        return [self.predict(d) for d in documents]

    def run_summary(self, doc_ids: Sequence[str]) -> None:
        return None


class Metered(FirstWord):
    """Reports tokens like the ``llm`` system: 100 prompt tokens per word of the text, 20 completion, 1 request."""

    name = "metered"

    def run_summary(self, doc_ids: Sequence[str]) -> dict[str, object]:  # type: ignore[override]
        words = {d.doc_id: len(d.text.split()) for d in DOCS}
        return {"totals": {}, "documents": [
            {"doc_id": d, "prompt_tokens": 100 * words[d], "completion_tokens": 20, "requests": 1, "seconds": 99.0}
            for d in doc_ids]}


class SlowStarter(Adapter):
    """Takes ``seconds`` to set up (each set-up starts with a line appended to ``log``); hangs on the
    document ``hangs``, answers the others at once; one document per chunk."""

    name = "slow-starter"
    version = "1"
    layers = frozenset({Layer.ENTITIES})
    batch_size = 1

    def __init__(self, log: Path, seconds: float) -> None:
        self.log = str(log)
        self.seconds = seconds

    def setup(self) -> None:
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(f"set-up {os.getpid()}\n")
        time.sleep(self.seconds)

    def predict(self, document: Document) -> Annotations:
        if document.doc_id == "hangs":
            time.sleep(60)
        return Annotations(document.doc_id, entities=())
