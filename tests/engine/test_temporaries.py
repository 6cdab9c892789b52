"""Operators write into a temporary left operand's memory (`a * b + c`), as NumPy does,
and never into anything a program can still see."""

from __future__ import annotations

import operator
import tracemalloc

import numpy as np
import pytest

from tensorsh import engine as torch
from tensorsh.engine.ops import common

N = 1 << 17  # 512 KiB of float32: above the size where reuse starts
rng = np.random.default_rng(7)


def arrays(count=3, n=N, dtype=np.float32):
    return [rng.standard_normal(n).astype(dtype) for _ in range(count)]


def peak_bytes(fn) -> int:
    """The most memory NumPy held at once while fn ran, beyond what it held before."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak - before


@pytest.mark.skipif(not common._CAN_REUSE, reason="this interpreter's reference counts cannot tell temporaries")
def test_a_times_b_plus_c_makes_one_array_not_two():
    a, b, c = map(torch.from_numpy, arrays())
    assert peak_bytes(lambda: a * b + c) < 1.5 * 4 * N
    assert peak_bytes(lambda: a * b * c) < 1.5 * 4 * N
    assert peak_bytes(lambda: a * b - c) < 1.5 * 4 * N
    assert peak_bytes(lambda: a * b / c) < 1.5 * 4 * N
    # The check is able to fail: with a variable in between there are two arrays.
    assert peak_bytes(lambda: operator.add(a * b, c)) >= 2 * 4 * N


def test_results_match_numpy():
    na, nb, nc = arrays()
    a, b, c = map(torch.from_numpy, (na, nb, nc))
    np.testing.assert_array_equal((a * b + c).numpy(), na * nb + nc)
    np.testing.assert_array_equal((a * b * c * 2.0 + 1.0).numpy(), na * nb * nc * np.float32(2.0) + np.float32(1.0))
    np.testing.assert_array_equal((a + b + c).numpy(), na + nb + nc)
    np.testing.assert_array_equal((a * b - c).numpy(), na * nb - nc)
    np.testing.assert_array_equal((a * b / c).numpy(), na * nb / nc)
    np.testing.assert_array_equal(torch.sub(a * b, c, alpha=2).numpy(), na * nb - 2 * nc)


def test_inputs_and_variables_are_never_written():
    na, nb, nc = arrays()
    a, b, c = map(torch.from_numpy, (na.copy(), nb.copy(), nc.copy()))
    product = a * b
    kept = product.numpy().copy()
    total = product + c
    np.testing.assert_array_equal(product.numpy(), kept)
    np.testing.assert_array_equal(total.numpy(), kept + nc)
    a + b + c
    for tensor, original in ((a, na), (b, nb), (c, nc)):
        np.testing.assert_array_equal(tensor.numpy(), original)


def test_an_operand_held_by_a_tuple_is_not_written():
    na, nb, nc = arrays()
    a, b, c = map(torch.from_numpy, (na, nb, nc))
    pair = (a * b, c)
    operator.add(*pair)
    torch.add(*pair)
    np.testing.assert_array_equal(pair[0].numpy(), na * nb)


def test_views_and_arrays_of_the_temporary_are_not_written():
    na, nb, nc = arrays()
    a, b, c = map(torch.from_numpy, (na, nb, nc))
    t = a * b
    view = t[: N // 2]
    expected = (na * nb)[: N // 2]
    (view + c[: N // 2])
    np.testing.assert_array_equal(view.numpy(), expected)
    np.testing.assert_array_equal(((a * b).view(-1) + c).numpy(), na * nb + nc)
    array = t.numpy()
    del t
    (torch.from_numpy(array) + c)
    np.testing.assert_array_equal(array, na * nb)


def test_promotion_and_broadcasting_still_make_a_new_array():
    ia, ib = (rng.integers(-100, 100, N).astype(np.int32) for _ in range(2))
    a, b = torch.from_numpy(ia), torch.from_numpy(ib)
    result = a * b + 0.5
    assert result.dtype == torch.float32
    np.testing.assert_allclose(result.numpy(), (ia * ib).astype(np.float32) + 0.5)
    m = torch.from_numpy(rng.standard_normal((N // 64, 64)).astype(np.float32))
    row = torch.from_numpy(rng.standard_normal(64).astype(np.float32))
    col = torch.from_numpy(rng.standard_normal((N // 64, 1)).astype(np.float32))
    np.testing.assert_array_equal((m * 2.0 + row).numpy(), m.numpy() * np.float32(2.0) + row.numpy())
    grown = row * 2.0 + col  # the result is larger than the temporary
    assert grown.shape == (N // 64, 64)
    np.testing.assert_array_equal(grown.numpy(), row.numpy() * np.float32(2.0) + col.numpy())


def test_gradients_are_unchanged_by_reuse():
    na, nb, nc = arrays()
    w = torch.from_numpy(na.copy()).requires_grad_()
    b, c = torch.from_numpy(nb), torch.from_numpy(nc)
    (w * b + c).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), nb)
    v = torch.from_numpy(nc.copy()).requires_grad_()
    (w.detach() * b * v).sum().backward()
    np.testing.assert_allclose(v.grad.numpy(), na * nb, rtol=1e-6)
