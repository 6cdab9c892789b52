"""arange, range and linspace: PyTorch's rounding (see ops/creation.py; scripts/check_ranges.py
compares thousands of random ranges with PyTorch itself, the golden cases a few)."""

import numpy as np
import pytest

from tensorsh import engine as torch
from tensorsh.engine.ops import creation
from tensorsh.engine.ops.summation import thread_ranges


def test_range_warns_once_per_call_on_stderr(capsys):
    assert torch.range(0, 2).tolist() == [0.0, 1.0, 2.0]
    err = capsys.readouterr().err
    assert err.startswith("UserWarning: torch.range is deprecated") and err.count("\n") == 1


def test_thread_ranges_split_as_parallel_for():
    assert thread_ranges(0) == [(0, 0)]
    assert thread_ranges(32768) == [(0, 32768)]
    assert thread_ranges(32769) == [(0, 16385), (16385, 32769)]


@pytest.mark.parametrize("index, value", [(9, 0.17999999225139618), (48, 0.9599999785423279)])
def test_arange_float32_rounds_as_the_vectorised_kernel(index, value):
    # Recorded from PyTorch 2.13: float32(0.02 * 9) is 0.18000000715255737.
    assert torch.arange(0, 1, 0.02)[index].item() == value


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64])
def test_plain_multiply_add_agrees_with_fma_where_products_are_exact(dtype, monkeypatch):
    # The fast path for steps like 0.5 must give what the emulated fused multiply-add gives.
    cases = [(0.1, 0.5, 100), (-3.0, 0.25, 40000), (2.5, -3.0, 77)]
    fast = [torch.arange(s, s + d * n, d, dtype=dtype).numpy() for s, d, n in cases]
    monkeypatch.setattr(creation, "_exact_multiples", lambda *args: False)
    slow = [torch.arange(s, s + d * n, d, dtype=dtype).numpy() for s, d, n in cases]
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a.view(np.uint8), b.view(np.uint8))
