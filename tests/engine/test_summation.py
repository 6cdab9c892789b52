"""The vectorised sums of summation.py against one-element-at-a-time transcriptions of
PyTorch's CPU loops (SumKernel.cpp, vec::reduce_all, LossNLL.cpp), written here as plain
scalar code. Recorded PyTorch values are in tests/golden/cases/reduction_order.tsh."""

from __future__ import annotations

import numpy as np
import pytest

from tensorsh.engine.ops import summation as S

F32 = np.float32


def _data(n: int, dtype=F32) -> np.ndarray:
    return (np.random.default_rng(n).standard_normal(n) * 10 + 3).astype(dtype)


# ---------------------------------------------------------------- scalar references


def ref_multi_row_sum(rows: list, width: int, zero) -> list:
    """multi_row_sum: `rows` is a list of `width`-long lists, summed column-wise."""
    size = len(rows)
    power = max(4, (size - 1).bit_length() // 4 if size > 1 else 0)
    step, mask = 1 << power, (1 << power) - 1
    acc = [[zero] * width for _ in range(4)]
    i = 0
    while i + step <= size:
        for _ in range(step):
            acc[0] = [a + v for a, v in zip(acc[0], rows[i])]
            i += 1
        for j in range(1, 4):
            acc[j] = [a + b for a, b in zip(acc[j], acc[j - 1])]
            acc[j - 1] = [zero] * width
            if i & (mask << (j * power)):
                break
    while i < size:
        acc[0] = [a + v for a, v in zip(acc[0], rows[i])]
        i += 1
    for j in range(1, 4):
        acc[0] = [a + b for a, b in zip(acc[0], acc[j])]
    return acc[0]


def ref_row_sum(items: list, zero):
    """row_sum over a list of scalars or of equal-length lists (vectors)."""
    vector = isinstance(items[0], list) if items else False
    width = len(items[0]) if vector else 1
    wrap = (lambda v: v) if vector else (lambda v: [v])
    whole = len(items) // 4
    rows = [[v for k in range(4) for v in wrap(items[4 * r + k])] for r in range(whole)]
    flat = ref_multi_row_sum(rows, 4 * width, zero)
    parts = [flat[k * width:(k + 1) * width] for k in range(4)]
    for i in range(whole * 4, len(items)):
        parts[0] = [a + v for a, v in zip(parts[0], wrap(items[i]))]
    for k in range(1, 4):
        parts[0] = [a + b for a, b in zip(parts[0], parts[k])]
    return parts[0] if vector else parts[0][0]


def ref_inner_sum(x: np.ndarray, lanes: int):
    """vectorized_inner_sum of one contiguous row (float32/64: one element per lane)."""
    zero = x.dtype.type(0)
    count = len(x) // lanes
    vectors = [list(x[v * lanes:(v + 1) * lanes]) for v in range(count)]
    lane_sums = ref_row_sum(vectors, zero) if vectors else [zero] * lanes
    total = zero
    for v in x[count * lanes:]:
        total = total + v
    for v in lane_sums:
        total = total + v
    return total


# ---------------------------------------------------------------- the sum kernel


@pytest.mark.parametrize("n", [1, 2, 5, 7, 8, 9, 16, 31, 32, 33, 63, 64, 65, 127, 128, 129,
                               255, 256, 257, 511, 1000, 4095, 4096, 4097, 20000])
def test_contiguous_float32_sum_follows_the_kernel(n):
    x = _data(n)
    expected = ref_inner_sum(x, 8) if n >= 8 else ref_row_sum(list(x), F32(0))
    assert S.torch_sum(x, (0,)).tobytes() == np.asarray(expected, F32).tobytes()


@pytest.mark.parametrize("n", [3, 4, 5, 17, 100, 1025])
def test_contiguous_float64_sum_has_four_lanes(n):
    x = _data(n, np.float64)
    expected = ref_inner_sum(x, 4) if n >= 4 else ref_row_sum(list(x), 0.0)
    assert S.torch_sum(x, (0,)).item() == expected


@pytest.mark.parametrize("n", [40000, 100003])
def test_large_sum_is_split_between_two_threads(n):
    x = _data(n)
    half = -(-n // 2)
    parts = [ref_inner_sum(x[:half], 8), ref_inner_sum(x[half:], 8)]
    assert S.torch_sum(x, (0,)).item() == float(F32(F32(0) + parts[0]) + parts[1])


@pytest.mark.parametrize("shape", [(9, 3), (40, 5), (40, 64), (40, 70), (300, 17)])
def test_columns_of_a_row_major_matrix(shape):
    # sum(0) of a C-contiguous matrix: columns run along memory, rows are the reduced loop.
    x = _data(shape[0] * shape[1]).reshape(shape)
    cols = shape[1]
    if cols >= 8:  # vectorized_outer_sum: groups of 32 columns share one multi_row_sum
        grouped = cols // 32 * 32
        expected = ref_multi_row_sum([list(r[:grouped]) for r in x], grouped, F32(0)) if grouped else []
        expected += [ref_row_sum(list(x[:, j]), F32(0)) for j in range(grouped, cols)]
    else:  # scalar_outer_sum: four columns at a time
        grouped = cols // 4 * 4
        expected = ref_multi_row_sum([list(r[:grouped]) for r in x], grouped, F32(0)) if grouped else []
        expected += [ref_row_sum(list(x[:, j]), F32(0)) for j in range(grouped, cols)]
    assert S.torch_sum(x, (0,)).tobytes() == np.asarray(expected, F32).tobytes()


def test_rows_of_a_row_major_matrix():
    x = _data(30 * 45).reshape(30, 45)
    expected = [ref_inner_sum(r, 8) for r in x]
    assert S.torch_sum(x, (1,)).tobytes() == np.asarray(expected, F32).tobytes()


def test_a_strided_run_is_summed_as_one_row():
    x = _data(20 * 40).reshape(20, 40)[:, ::2]  # 400 elements 2 apart: one strided row
    assert S.torch_sum(x, (0, 1)).item() == ref_row_sum(list(x.reshape(-1)), F32(0))


def test_a_full_sum_that_cannot_be_flattened_adds_row_sums_in_order():
    # Rows of 21 with stride 2, 41 apart: no single stride walks them all, so one loop per row.
    x = _data(20 * 41).reshape(20, 41)[:, ::2]
    total = F32(0)
    for r in x:
        total = total + ref_row_sum(list(r), F32(0))
    assert S.torch_sum(x, (0, 1)).item() == total


def test_float16_accumulates_in_float32_and_rounds_once():
    x = _data(1000).astype(np.float16)
    lanes = [F32(a) + F32(b) for a, b in zip(x[0::2], x[1::2])]  # a 16-wide vector loads as 8 floats
    vectors = [lanes[v * 8:(v + 1) * 8] for v in range(1000 // 16)]
    expected = np.float16(ref_row_sum(vectors, F32(0))[0])
    total = F32(0)
    for v in x[1000 // 16 * 16:]:
        total = total + F32(v)
    for v in ref_row_sum(vectors, F32(0)):
        total = total + v
    expected = np.float16(total)
    assert S.torch_sum(x, (0,)).tobytes() == np.asarray(expected).tobytes()


def test_sums_of_small_integers_are_exact_in_every_layout():
    a = np.arange(2 * 3 * 50 * 7, dtype=F32).reshape(2, 3, 50, 7) % 11
    for axes in [(0,), (1,), (2,), (3,), (0, 2), (1, 3), (0, 1, 2, 3)]:
        for view in (a, a.transpose(3, 1, 0, 2), a[:, :, ::3]):
            ax = tuple(i for i in axes if i < view.ndim)
            assert np.array_equal(S.torch_sum(view, ax), view.astype(np.float64).sum(ax))


def test_add_up_and_average_keep_dims():
    a = _data(60).reshape(3, 4, 5)
    assert S.add_up(a, (1,), keepdim=True).shape == (3, 1, 5)
    mean = S.average(a, (0, 2), keepdim=True)
    assert mean.shape == (1, 4, 1) and mean.dtype == F32
    assert np.allclose(mean, a.mean((0, 2), keepdims=True), rtol=1e-6)


# ---------------------------------------------------------------- other orders


def ref_reduce_all(x: list, lanes: int):
    """vec::reduce_all with addition."""
    n = len(x)
    if n < lanes:
        total = x[0]
        for v in x[1:]:
            total = total + v
        return total
    acc = list(x[:lanes])
    whole = n // lanes * lanes
    for d in range(lanes, whole, lanes):
        acc = [a + v for a, v in zip(acc, x[d:d + lanes])]
    for i, v in enumerate(x[whole:]):
        acc[i] = acc[i] + v
    while lanes > 1:
        lanes //= 2
        acc = [acc[i] + acc[i + lanes] for i in range(lanes)]
    return acc[0]


@pytest.mark.parametrize("n", [1, 2, 15, 16, 17, 40, 100])
def test_lane_sum_is_reduce_all(n):
    x = np.abs(_data(n))
    assert S.lane_sum(x[None, :], 16)[0] == ref_reduce_all(list(x), 16)


def ref_nll_sum(y: np.ndarray, counted: np.ndarray):
    zero = y.dtype.type(0)
    acc = [zero] * 8
    for b in range(len(y)):
        if not counted[b]:
            continue
        acc[0] = acc[0] + y[b]
        for j in range(7):
            if b & (15 << (4 * j)):
                break
            acc[j + 1] = acc[j + 1] + acc[j]
            acc[j] = zero
    total = zero
    for a in acc:
        total = total + a
    return total


@pytest.mark.parametrize("n", [1, 2, 16, 17, 100, 256, 257, 5000])
def test_flushed_sum_is_the_nll_cascade(n):
    y = _data(n)
    every = np.ones(n, bool)
    assert S.flushed_sum(y).item() == ref_nll_sum(y, every)
    some = np.arange(n) % 5 != 3  # ignored targets never on a flush
    assert S.flushed_sum(y, some).item() == ref_nll_sum(y, some)
    flush_skipped = np.arange(n) % 16 != 0
    assert S.flushed_sum(y, flush_skipped).item() == ref_nll_sum(y, flush_skipped)


def test_variance_of_float32_is_the_float64_value_rounded():
    a = _data(3 * 500).reshape(3, 500)
    x = a.astype(np.float64)
    for axes, corr in [((1,), 1), ((0,), 0), ((0, 1), 1)]:
        d = x - x.mean(axes, keepdims=True)
        expected = ((d * d).sum(axes) / (np.prod([a.shape[i] for i in axes]) - corr)).astype(F32)
        assert np.array_equal(S.variance(a, axes, corr, take_sqrt=False), expected)


def test_norm2_tail_uses_fused_multiply_adds():
    # Three elements, no whole vector: x0*x0 then two fused steps, all in float32.
    x = np.array([1.1, 2.3, 0.7], F32)
    total = F32(x[0] * x[0])
    for v in x[1:]:
        total = F32(np.float64(v) * np.float64(v) + np.float64(total))
    assert S.norm2(x, (0,)).item() == np.sqrt(total)
