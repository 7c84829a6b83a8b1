"""One module per ``newsbench`` sub-command; each exposes ``register(app)``."""
