"""The options ``newsbench run`` and ``newsbench bench`` share, declared once as ``Annotated`` types.

A command declares ``timeout: Timeout = runner.DEFAULT_TIMEOUT``; Typer reads the option (its
flag, bounds and help) from the type.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bench import runner
from bench.cost import PRICE_IN_HELP, PRICE_OUT_HELP

Timeout = Annotated[
    float, typer.Option(min=0.1, help="Seconds per document before it is recorded as a failure.")
]
MaxMemory = Annotated[
    int | None, typer.Option(min=0, metavar="MB", help="Memory per worker process in MB; a document that needs more "
                             "fails alone and its worker is replaced (default: this machine's memory; 0: no limit).")
]
LogSamples = Annotated[bool, typer.Option("--log-samples", help=runner.LOG_SAMPLES_HELP)]
Executor = Annotated[runner.ExecutorName, typer.Option(help=runner.EXECUTOR_HELP, case_sensitive=False)]
PriceIn = Annotated[list[str] | None, typer.Option(metavar="[SYSTEM=]USD", help=PRICE_IN_HELP)]
PriceOut = Annotated[list[str] | None, typer.Option(metavar="[SYSTEM=]USD", help=PRICE_OUT_HELP)]
