"""Generated NumPy modules (committed). Do not edit: regenerate with ``derive build``."""
