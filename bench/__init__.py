"""newsbench: evaluation harness for news extraction."""
