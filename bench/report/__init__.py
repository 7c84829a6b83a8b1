"""Reports of a bench run: one result object (:mod:`bench.report.model`), one renderer per output.

:func:`bench.report.build.build_result` assembles the result from the scorer's
:class:`~bench.score.CorpusScore` objects (splits by subsetting, intervals from
per-document counts); the renderers (terminal, markdown, html, chart, data)
only format it, and :func:`bench.report.write.write_reports` writes the files.
"""
