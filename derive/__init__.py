"""derive: machine-checked derivations of the A6 exercises, rendered to a docs site and to NumPy code."""

__version__ = "0.1.0"
