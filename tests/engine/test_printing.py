"""Tensor printing against PyTorch's own output, recorded by scripts/record_printing.py.

Each recorded case is rebuilt as a NumPy array inside a stand-in object carrying only
the attributes printing may read, printed under the same print options and default
dtype, and compared byte for byte. Every case is printed from a C-ordered array, a
Fortran-ordered one and a negatively strided view, since printing must not depend on
the memory layout.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from tensorsh.engine import dtypes, printing

CASES = json.loads((Path(__file__).parent / "printing_cases.json").read_text())["cases"]
BY_NAME = {case["name"]: case for case in CASES}


@pytest.fixture(autouse=True)
def default_options():
    printing.set_printoptions(profile="default")
    dtypes.set_default_dtype(dtypes.float32)
    yield
    printing.set_printoptions(profile="default")
    dtypes.set_default_dtype(dtypes.float32)


class _GradFn:
    def __init__(self, name: str):
        self._name = name

    def name(self) -> str:
        return self._name


def _decode(value):
    if isinstance(value, list):
        return complex(_decode(value[0]), _decode(value[1]))
    if isinstance(value, str):
        return float(value)
    return value


def _array(case: dict, layout: str) -> np.ndarray:
    dtype = dtypes.from_name(case["dtype"]).np
    values = [_decode(v) for v in case["values"]]
    array = np.array(values, dtype=dtype).reshape(case["shape"])
    if "broadcast_to" in case:
        return np.broadcast_to(array, case["broadcast_to"])
    if array.ndim == 0:
        return array  # a 0-dim array has one layout
    if layout == "fortran":
        return np.asfortranarray(array)
    if layout == "reversed":
        # A view with negative strides holding the same values.
        flipped = np.ascontiguousarray(array[(slice(None, None, -1),) * array.ndim])
        return flipped[(slice(None, None, -1),) * array.ndim]
    return array


def _fake_tensor(case: dict, layout: str = "c") -> SimpleNamespace:
    array = _array(case, layout)
    assert array.dtype == dtypes.from_name(case["dtype"]).np
    return SimpleNamespace(
        _data=array,
        dtype=dtypes.from_name(case["dtype"]),
        requires_grad=case["requires_grad"],
        grad_fn=_GradFn(case["grad_fn"]) if case["grad_fn"] else None,
        is_leaf=case["is_leaf"],
    )


def _apply_case_options(case: dict) -> None:
    if case["default_dtype"]:
        dtypes.set_default_dtype(dtypes.from_name(case["default_dtype"]))
    for kwargs in case["options"]:
        printing.set_printoptions(**kwargs)


@pytest.mark.parametrize("layout", ["c", "fortran", "reversed"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_pytorch(case, layout):
    t = _fake_tensor(case, layout)
    _apply_case_options(case)
    assert printing.tensor_repr(t) == case["repr"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_printoptions_match_pytorch(case):
    _apply_case_options(case)
    recorded = {k: (float(v) if v == "inf" else v) for k, v in case["printoptions"].items()}
    assert printing.get_printoptions() == recorded


def test_recording_covers_enough_cases():
    assert len(CASES) >= 150


def test_huge_broadcast_is_not_materialised():
    # 10**12 float32 elements would need 4 TB; summarising must read only the edges.
    case = BY_NAME["huge_scalar_broadcast"]
    t = _fake_tensor(case)
    assert t._data.size == 10**12
    assert printing.tensor_repr(t) == case["repr"]


def test_get_printoptions_defaults():
    assert printing.get_printoptions() == {
        "precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None,
    }


def test_full_profile_threshold_is_infinite():
    printing.set_printoptions(profile="full")
    assert math.isinf(printing.get_printoptions()["threshold"])


def test_printoptions_round_trip():
    printing.set_printoptions(precision=2, threshold=7, edgeitems=1, linewidth=33, sci_mode=True)
    saved = printing.get_printoptions()
    printing.set_printoptions(profile="default")
    printing.set_printoptions(**saved)
    assert printing.get_printoptions() == saved == {
        "precision": 2, "threshold": 7, "edgeitems": 1, "linewidth": 33, "sci_mode": True,
    }


@pytest.mark.parametrize("size", [1, 2, 5, 40])
def test_width_matches_widest_element(size):
    # The width is found from a few extreme values; check it against formatting every
    # element, over values that stress each mode (exponent digits, signs, rounding).
    rng = np.random.default_rng(size)
    for _ in range(200):
        exponents = rng.integers(-120, 120, size)
        values = rng.choice([-1.0, 1.0], size) * rng.random(size) * 10.0 ** exponents
        values[rng.random(size) < 0.2] = 9.99996
        for sci_mode in (None, True, False):
            printing.set_printoptions(sci_mode=sci_mode)
            formatter = printing._Formatter(values)
            shown = values[np.isfinite(values) & (values != 0)]
            if formatter.sci_mode:
                texts = [f"{v:.4e}" for v in shown.tolist()]
            elif formatter.int_mode:
                texts = [f"{v:.0f}." for v in shown.tolist()]
            else:
                texts = [f"{v:.4f}" for v in shown.tolist()]
            widest = max([1] + [len(text) for text in texts])
            assert formatter.width == widest


# ---------------------------------------------------------------- through the real Tensor

def _engine_cases():
    from tensorsh import engine as torch

    return {
        "float_nan": lambda: torch.tensor([1.5, -2.0, float("nan")]),
        "sum_2d": lambda: torch.arange(2000.).reshape(20, 100),
        "sci_big": lambda: torch.tensor([1e10, 1.0]),
        "neg_zero_int_mode": lambda: torch.tensor([-0.0, 1.0]),
        "requires_grad_leaf": lambda: torch.tensor([1., 2.], requires_grad=True),
        "grad_fn_mul": lambda: torch.tensor([1., 2.], requires_grad=True) * 2,
        "grad_fn_mean_float64": lambda: torch.ones(3, dtype=torch.float64, requires_grad=True).mean(),
        "grad_fn_long_line": lambda: torch.arange(15., requires_grad=True) * 1.5,
        "empty_int64_2d": lambda: torch.zeros(0, 2, dtype=torch.int64),
        "complex_simple": lambda: torch.tensor([1 + 2j, -3.5 - 4j]),
        "scalar_sum": lambda: torch.arange(5.).sum(),
        "bool_compare": lambda: torch.arange(6).reshape(2, 3) > 2,
        "uint8_2d": lambda: torch.arange(12, dtype=torch.uint8).reshape(3, 4),
        "layout_4d": lambda: torch.arange(24).reshape(2, 3, 2, 2),
        "float64_suffix_2d": lambda: torch.ones(2, 2, dtype=torch.float64),
    }


@pytest.mark.parametrize("name", list(_engine_cases()))
def test_engine_tensor_repr_matches_pytorch(name):
    t = _engine_cases()[name]()
    assert repr(t) == str(t) == BY_NAME[name]["repr"]


def test_engine_printoptions_apply_to_tensor_repr():
    from tensorsh import engine as torch

    torch.set_printoptions(precision=2)
    assert repr(torch.tensor([1.12345, 2.5])) == BY_NAME["opt_precision_2"]["repr"]
    torch.set_printoptions(profile="default", threshold=5)
    assert repr(torch.arange(10)) == BY_NAME["opt_threshold_5"]["repr"]
