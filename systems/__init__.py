"""Built-in system adapters."""
