"""The dependency-free ``rules`` baseline, one module per layer (see :mod:`systems.rules`)."""
