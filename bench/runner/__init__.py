"""Run systems over documents: cached, fault-contained, optionally parallel; one predictions JSONL per system.

One job per module:

* :mod:`bench.runner.run` — orchestration: :func:`run_systems`, :func:`run_system` (returns a
  :class:`RunResult`), :func:`write_run` (writes it), the run record;
* :mod:`bench.runner.checks` — the check of every output, and failure reasons as one line;
* :mod:`bench.runner.cache` — cache keys (code, config and option fingerprints) and the store;
* :mod:`bench.runner.executors` — where isolated systems run: local workers, or Ray (``--executor``);
* :mod:`bench.runner.pool` — worker processes, per-document timeouts, memory limits, chunks;
* :mod:`bench.runner.ray_executor` — ``--executor ray``: Ray actors, the pool's rules (imports Ray lazily);
* :mod:`bench.runner.worker` — what runs inside a worker, and the prediction of one chunk;
* :mod:`bench.runner.progress` — the progress protocol and the rich bar;
* :mod:`bench.runner.samples` — ``--log-samples``: one line per document, what went in and came out.

The prediction format is written and read in :mod:`bench.predictions`; documents for a run are
loaded by :mod:`bench.documents`. The names below are the runner's public interface.
"""

from bench.failures import Failure
from bench.paths import default_cache
from bench.runner.cache import (
    RUN_OPTIONS,
    PredictionCache,
    cache_key,
    code_fingerprint,
    key_options,
)
from bench.runner.checks import check_output
from bench.runner.executors import EXECUTOR_HELP, EXECUTORS, Executor, ExecutorName, open_executor
from bench.runner.pool import DEFAULT_TIMEOUT, died, physical_memory_mb, timed_out, worker_memory
from bench.runner.progress import Progress, rich_progress
from bench.runner.run import (
    DEFAULT_OUT,
    RunResult,
    read_run_record,
    run_record,
    run_system,
    run_systems,
    system_options,
    write_run,
)
from bench.runner.samples import LOG_SAMPLES_HELP, Sample, sample_line, samples_path
from bench.runner.worker import Answer, limit_memory, predict_chunk, traceback_printer

__all__ = [
    "DEFAULT_OUT", "DEFAULT_TIMEOUT", "EXECUTORS", "EXECUTOR_HELP", "LOG_SAMPLES_HELP", "RUN_OPTIONS", "Answer",
    "Executor", "ExecutorName", "Failure", "PredictionCache", "Progress", "RunResult", "Sample",
    "cache_key", "check_output", "code_fingerprint", "default_cache", "died", "key_options", "limit_memory",
    "open_executor", "physical_memory_mb", "predict_chunk", "read_run_record", "rich_progress", "run_record", "run_system",
    "run_systems", "sample_line", "samples_path", "system_options", "timed_out", "traceback_printer", "worker_memory",
    "write_run",
]
