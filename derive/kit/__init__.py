"""The shared derivation kit: what more than one derivation needs, written once.

A derivation module imports from here (and from :mod:`derive.functions`, :mod:`derive.model`) and states
its model, steps, claims, code targets and plots; it defines no SymPy classes and no helpers that another
derivation also needs.

* :mod:`~derive.kit.symbols` — symbol, vector and matrix factories, unevaluated gradients;
* :mod:`~derive.kit.domains` — sampling domains with ties, constraints (Σy = 1) and conditions;
* :mod:`~derive.kit.numeric` — mpmath and NumPy references (stable softmax, random points with ties,
  central differences, formatting of vectors for evidence);
* :mod:`~derive.kit.recurrent` — float64 NumPy references of the plain RNN and the LSTM that searches,
  plots and verifications share.
"""
from .domains import simplex_domain, ties_domain
from .numeric import (central_difference, fmt_vec, max_rel_error, mp_softmax, np_softmax, random_point,
                      relative_error)
from .symbols import entries, gradient, jacobian, matrix_symbols, scalars, vector

__all__ = [
    "central_difference", "entries", "fmt_vec", "gradient", "jacobian", "matrix_symbols", "max_rel_error",
    "mp_softmax", "np_softmax", "random_point", "relative_error", "scalars", "simplex_domain", "ties_domain",
    "vector",
]
