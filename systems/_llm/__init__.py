"""Parts of the ``llm`` system: grounding strings to offsets, the HTTP client, the prompt (see :mod:`systems.llm`)."""
