"""``newsbench run SYSTEM...``: run systems over documents and write one predictions JSONL per system."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from bench import documents as document_files
from bench import gold, paths, run_options, runner
from bench.cost import CostRecord, cost_record, parse_prices
from bench.formatting import significant
from bench.report.markup import safe
from bench.schema import Document


def model_options(models: list[str], systems: list[str]) -> dict[str, Any]:
    """``--model NAME`` applies to every system that takes a model; ``--model SYSTEM=NAME`` to one.

    >>> model_options(["spacy=en_core_web_md", "gpt-4o-mini"], ["spacy", "llm"])
    {'spacy': {'model': 'en_core_web_md'}, 'model': 'gpt-4o-mini'}
    """
    options: dict[str, Any] = {}
    for value in models:
        system, sep, name = value.partition("=")
        if sep and system in systems:
            options.setdefault(system, {})["model"] = name
        else:
            options["model"] = value
    return options


def cost_line(cost: CostRecord) -> str:
    """Seconds, tokens and price per document, as far as they are known ("" when nothing is).

    >>> from bench.cost import DocumentCost, Price
    >>> cost_line(cost_record([DocumentCost(0.5, 1000, 200, 1), DocumentCost(1.5, 3000, 600, 1)], Price(0.15, 0.6)))
    '1.00 s/doc, 2,000 prompt + 400 completion tokens/doc, 1.00 requests/doc, $0.000540/doc (over 2 documents)'
    >>> cost_line(cost_record([DocumentCost(0.5, 1000, 200, 1), DocumentCost(1.5)]))
    '1.00 s/doc, 1,000 prompt + 200 completion tokens/doc, 1.00 requests/doc (seconds over 2 documents, tokens over 1)'
    """
    if not cost.documents and not cost.reports_tokens:
        return ""
    parts = [f"{significant(cost.seconds_per_document)} s/doc"]
    if cost.reports_tokens:
        parts.append(f"{significant(cost.prompt_tokens_per_document)} prompt + "
                     f"{significant(cost.completion_tokens_per_document)} completion tokens/doc")
        parts.append(f"{significant(cost.requests_per_document)} requests/doc")
    if cost.usd_per_document is not None:
        parts.append(f"${significant(cost.usd_per_document)}/doc")
    if cost.reports_tokens and cost.token_documents != cost.documents:  # each mean over its own documents
        return ", ".join(parts) + f" (seconds over {cost.documents} documents, tokens over {cost.token_documents})"
    return ", ".join(parts) + f" (over {cost.documents} documents)"


def run(
    systems: Annotated[list[str], typer.Argument(help="System names (see `newsbench systems`) or file:PATH.")],
    docs: Annotated[
        Path | None, typer.Option(help="A folder of .txt files, one .txt file (id = its stem), or a JSONL with doc_id and text (default: the gold texts).")
    ] = None,
    gold_path: Annotated[Path, typer.Option("--gold", help="Gold folder whose texts are used without --docs.", envvar=gold.GOLD_ENV)] = gold.SHIPPED_GOLD,
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder: <system>.jsonl and <system>.run.json (default: the project's predictions/; "
                     "predictions/<corpus>/ for the texts of other gold)."),
    ] = None,
    jobs: Annotated[int, typer.Option(min=0, help="Worker processes per system (0: in this process, no timeouts, full tracebacks).")] = 1,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore and do not update cached predictions.")] = False,
    model: Annotated[
        list[str] | None, typer.Option(help="Model name or path; SYSTEM=NAME for one system. Repeatable.")
    ] = None,
    base_url: Annotated[str | None, typer.Option(help="llm: OpenAI-compatible base URL (else NEWSBENCH_LLM_BASE_URL).")] = None,
    api_key: Annotated[
        str | None, typer.Option(help="llm: API key (prefer NEWSBENCH_LLM_API_KEY or OPENAI_API_KEY; never stored).")
    ] = None,
    timeout: run_options.Timeout = runner.DEFAULT_TIMEOUT,
    max_memory: run_options.MaxMemory = None,
    log_samples: run_options.LogSamples = False,
    executor: run_options.Executor = runner.ExecutorName.LOCAL,
    price_in: run_options.PriceIn = None,
    price_out: run_options.PriceOut = None,
) -> None:
    """Run systems; failures are recorded per document and the run goes on. Exit 0 even with failures.

    Each system's line ends with its cost per document (:func:`cost_line`).
    """
    prices = parse_prices(price_in or [], price_out or [], systems)
    golden = gold.load_gold(gold_path) if docs is None else ()
    documents: tuple[Document, ...] = document_files.load_documents(docs) if docs is not None else tuple(
        d.document for d in golden)
    options = {
        **model_options(model or [], systems),
        "base_url": base_url,
        "api_key": api_key,
        "response_cache": not no_cache,  # systems with their own caches (llm) ask again under --no-cache
        "document_timeout": timeout,  # llm: no retry starts that could not end within it
    }
    # the gold's own predictions folder for its texts; the project's predictions/ for --docs
    out_folder = paths.predictions_folder(gold_path, out) if docs is None else out or paths.PROJECT_ROOT / paths.PREDICTIONS
    console = Console(stderr=True)
    bar, progress = runner.rich_progress()
    with bar:
        results = runner.run_systems(
            systems, documents, out_dir=out_folder, jobs=jobs, use_cache=not no_cache, options=options,
            timeout=timeout, progress=progress, max_memory=runner.worker_memory(max_memory),
            log_samples=log_samples, splits={d.doc_id: d.split for d in golden}, executor=executor.value,
        )
    for result in results.values():
        for warning in result.warnings:
            console.print(f"[yellow]warning[/yellow] {safe(warning)}")
        console.print(
            f"{safe(result.system)}: {len(result.predictions)}/{result.documents} documents "
            f"({result.cached} cached), {len(result.failures)} failed → {safe(result.path)}"
        )
        cost = cost_line(cost_record(result.costs.values(), prices.get(result.system)))
        if cost:
            console.print(f"  cost: {cost}")
        limits = (result.usage or {}).get("limits")
        if isinstance(limits, dict) and any(value is not None for value in limits.values()):
            # e.g. llm: requests at most in flight per worker and the context window it asked under
            console.print("  limits: " + ", ".join(f"{safe(str(k))} {safe(str(v))}" for k, v in limits.items() if v is not None))
        if result.printed is not None:
            console.print(f"  what {result.system} printed to stdout: {safe(result.printed)}")
        for failure in result.failures[:10]:
            console.print(f"  [red]failed[/red] {safe(failure.doc_id)}: {safe(failure.reason)}")
        if len(result.failures) > 10:
            console.print(f"  … {len(result.failures) - 10} more in {result.manifest}")


def register(app: typer.Typer) -> None:
    app.command()(run)
