"""One module per derivation; each registers itself with ``derive.registry.register``."""
