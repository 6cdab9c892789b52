"""Gradient-check cases, one module per op family.

Each module defines CASES: a list of (op_name, fn, input_arrays). `fn` takes float64
tensors (one per input array) and returns a tensor or a tuple of tensors; every
differentiable op in the registry must appear in at least one case
(tests/engine/test_gradcheck.py fails otherwise).
"""

import importlib
import pkgutil


def all_cases():
    cases = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        cases.extend(module.CASES)
    return cases
