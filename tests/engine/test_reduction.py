"""Reductions agree with NumPy and with PyTorch's rules for dtypes, dims, ties and errors."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorsh import engine as torch

FLOATS = st.floats(-100, 100, allow_nan=False, width=32)
INTS = st.integers(-50, 50)


@st.composite
def array_and_dims(draw, dtype=np.float64, elements=FLOATS, min_dims=1):
    """A random array and a random dim argument for it: None, an int or a tuple of distinct ints."""
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=4, min_side=1, max_side=4))
    a = draw(hnp.arrays(dtype, shape, elements=elements))
    ndim = len(shape)
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        dim = None
    elif kind == "int":
        dim = draw(st.integers(-ndim, ndim - 1))
    else:
        dim = tuple(draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True)))
    return a, dim, draw(st.booleans())


# ---------------------------------------------------------------- agreement with NumPy


@settings(max_examples=60, deadline=None)
@given(array_and_dims())
def test_sum_mean_amax_amin_agree_with_numpy(case):
    a, dim, keepdim = case
    t = torch.tensor(a)
    for ours, theirs in ((t.sum(dim, keepdim), np.sum(a, axis=dim, keepdims=keepdim)),
                         (t.mean(dim, keepdim), np.mean(a, axis=dim, keepdims=keepdim)),
                         (t.amax(dim if dim is not None else (), keepdim), np.max(a, axis=dim, keepdims=keepdim)),
                         (t.amin(dim if dim is not None else (), keepdim), np.min(a, axis=dim, keepdims=keepdim))):
        assert ours.shape == np.shape(theirs)
        np.testing.assert_allclose(ours.numpy(), theirs, rtol=1e-12, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(array_and_dims(dtype=np.int64, elements=INTS))
def test_integer_sums_are_int64_and_exact(case):
    a, dim, keepdim = case
    t = torch.tensor(a.astype(np.int32))
    out = t.sum(dim, keepdim)
    assert out.dtype == torch.int64
    np.testing.assert_array_equal(out.numpy(), np.sum(a, axis=dim, keepdims=keepdim))


@settings(max_examples=60, deadline=None)
@given(array_and_dims(elements=st.floats(-3, 3, width=32)))
def test_var_std_logsumexp_agree_with_numpy(case):
    a, dim, keepdim = case
    t = torch.tensor(a)
    axis = dim
    n = a.size if dim is None else int(np.prod([a.shape[d] for d in ((dim,) if isinstance(dim, int) else dim)]))
    if n > 1:
        np.testing.assert_allclose(t.var(dim, keepdim=keepdim).numpy(), np.var(a, axis=axis, ddof=1, keepdims=keepdim),
                                   rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(t.std(dim, keepdim=keepdim, correction=0).numpy(),
                               np.std(a, axis=axis, keepdims=keepdim), rtol=1e-9, atol=1e-12)
    expected = np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdim))
    np.testing.assert_allclose(t.logsumexp(dim if dim is not None else tuple(range(a.ndim)), keepdim).numpy(),
                               expected, rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(array_and_dims(elements=st.floats(-5, 5, width=32)))
def test_norms_agree_with_numpy(case):
    a, dim, keepdim = case
    t = torch.tensor(a)
    axis = dim
    mag = np.abs(a)
    np.testing.assert_allclose(t.norm(dim=dim, keepdim=keepdim).numpy(),
                               np.sqrt(np.sum(mag ** 2, axis=axis, keepdims=keepdim)), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(t.norm(p=1, dim=dim, keepdim=keepdim).numpy(),
                               np.sum(mag, axis=axis, keepdims=keepdim), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(t.norm(p=float("inf"), dim=dim, keepdim=keepdim).numpy(),
                               np.max(mag, axis=axis, keepdims=keepdim))


@settings(max_examples=60, deadline=None)
@given(array_and_dims(dtype=np.int64, elements=st.integers(-3, 3)))
def test_all_any_count_nonzero_agree_with_numpy(case):
    a, dim, keepdim = case
    t = torch.tensor(a)
    assert t.all(dim, keepdim).dtype == torch.bool
    np.testing.assert_array_equal(t.all(dim, keepdim).numpy(), np.all(a, axis=dim, keepdims=keepdim))
    np.testing.assert_array_equal(t.any(dim, keepdim).numpy(), np.any(a, axis=dim, keepdims=keepdim))
    np.testing.assert_array_equal(torch.count_nonzero(t, dim).numpy(), np.count_nonzero(a, axis=dim))


@settings(max_examples=60, deadline=None)
@given(array_and_dims(dtype=np.int64, elements=st.integers(-3, 3)))
def test_argmax_max_and_cumsum_agree_with_numpy(case):
    a, dim, keepdim = case
    t = torch.tensor(a)
    d = dim if isinstance(dim, int) else 0
    values, indices = t.max(d, keepdim)
    np.testing.assert_array_equal(values.numpy(), np.max(a, axis=d, keepdims=keepdim))
    np.testing.assert_array_equal(indices.numpy(), np.argmax(a, axis=d, keepdims=keepdim))  # first on ties
    np.testing.assert_array_equal(t.argmin(d, keepdim).numpy(), np.argmin(a, axis=d, keepdims=keepdim))
    assert t.argmax().item() == np.argmax(a)
    np.testing.assert_array_equal(t.cumsum(d).numpy(), np.cumsum(a, axis=d))
    np.testing.assert_array_equal(t.cumprod(d).numpy(), np.cumprod(a, axis=d))


@settings(max_examples=60, deadline=None)
@given(array_and_dims(dtype=np.int64, elements=st.integers(-4, 4)))
def test_sort_is_stable_and_topk_takes_its_head(case):
    a, dim, _ = case
    t = torch.tensor(a)
    d = dim if isinstance(dim, int) else -1
    values, indices = t.sort(d)
    np.testing.assert_array_equal(indices.numpy(), np.argsort(a, axis=d, kind="stable"))
    np.testing.assert_array_equal(values.numpy(), np.sort(a, axis=d))
    down = t.sort(d, descending=True)
    np.testing.assert_array_equal(down.values.numpy(), np.flip(np.sort(a, axis=d), d))
    # Descending ties keep their original order too.
    np.testing.assert_array_equal(down.indices.numpy(), np.argsort(-a, axis=d, kind="stable"))
    k = a.shape[d]
    top = t.topk(k, d)
    np.testing.assert_array_equal(top.values.numpy(), down.values.numpy())


DTYPES = [(np.bool_, torch.bool), (np.uint8, torch.uint8), (np.int16, torch.int16), (np.int32, torch.int32),
          (np.int64, torch.int64), (np.float32, torch.float32), (np.float64, torch.float64)]


@settings(max_examples=80, deadline=None)
@given(array_and_dims(dtype=np.int64, elements=st.integers(0, 4)), st.sampled_from(DTYPES))
def test_reductions_follow_pytorchs_dtype_rules_on_every_dtype(case, dtypes):
    ints, dim, keepdim = case
    np_dtype, dtype = dtypes
    a = ints.astype(np_dtype)
    t = torch.tensor(a)
    accumulate = np.float64 if a.dtype.kind == "f" else np.int64
    expected_dtype = dtype if a.dtype.kind == "f" else torch.int64  # bool and integers sum in int64
    d = dim if isinstance(dim, int) else 0
    for ours, theirs in ((t.sum(dim, keepdim), np.sum(a, axis=dim, keepdims=keepdim, dtype=accumulate)),
                         (t.prod(d, keepdim), np.prod(a, axis=d, keepdims=keepdim, dtype=accumulate)),
                         (t.cumsum(d), np.cumsum(a, axis=d, dtype=accumulate))):
        assert ours.dtype == expected_dtype
        np.testing.assert_allclose(ours.numpy().astype(np.float64), theirs.astype(np.float64), rtol=1e-6)
    assert t.amax(dim if dim is not None else (), keepdim).dtype == dtype  # extrema keep the dtype
    np.testing.assert_array_equal(t.amax(dim if dim is not None else (), keepdim).numpy(),
                                  np.max(a, axis=dim, keepdims=keepdim))
    assert t.any(dim, keepdim).dtype == (torch.uint8 if dtype == torch.uint8 else torch.bool)
    if dtype != torch.bool:
        np.testing.assert_array_equal(t.argmax(d, keepdim).numpy(), np.argmax(a, axis=d, keepdims=keepdim))


# ---------------------------------------------------------------- dtype rules and dims


def test_dtype_rules():
    assert torch.tensor([True, False]).sum().dtype == torch.int64
    assert torch.tensor([1, 2], dtype=torch.int8).prod().dtype == torch.int64
    assert torch.tensor([1, 2], dtype=torch.uint8).cumsum(0).dtype == torch.int64
    assert torch.tensor([1.0, 2.0], dtype=torch.float16).cumsum(0).dtype == torch.float16
    assert torch.tensor([1, 2]).cumsum(0, dtype=torch.float32).dtype == torch.float32
    assert torch.tensor([1, 2]).sum(dtype=torch.int8).dtype == torch.int8
    assert torch.tensor([1, 2]).logsumexp(0).dtype == torch.float32
    assert torch.tensor([1, 2], dtype=torch.uint8).all().dtype == torch.uint8
    assert torch.tensor([True, False]).max().dtype == torch.bool
    assert torch.tensor([1, 2]).mean(dtype=torch.float64).item() == 1.5
    assert torch.tensor([1 + 2j, 3j]).var().dtype == torch.float32


def test_empty_dim_list_reduces_everything_and_zero_dim_accepts_dim_0():
    t = torch.ones(2, 3)
    assert t.sum(dim=()).item() == 6.0
    assert t.sum(dim=[]).item() == 6.0
    assert t.amax(()).item() == 1.0
    s = torch.tensor(5.0)
    assert s.sum(0).item() == 5.0
    assert s.max(0).indices.item() == 0
    assert s.cumsum(-1).item() == 5.0
    assert s.argmax(0).item() == 0


def test_empty_tensors():
    assert torch.tensor([]).sum().item() == 0.0
    assert math.isnan(torch.tensor([]).mean().item())
    assert torch.tensor([]).prod().item() == 1.0
    assert torch.tensor([]).all().item() is True
    assert torch.tensor([]).any().item() is False
    assert torch.tensor([]).logsumexp(0).item() == -math.inf
    assert torch.zeros(0, 3).amax(1).shape == (0,)


def test_statistics_by_hand():
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert x.var().item() == pytest.approx(5 / 3)
    assert x.var(unbiased=False).item() == pytest.approx(1.25)
    assert x.std(correction=0).item() == pytest.approx(math.sqrt(1.25))
    assert x.std(0, True, True).shape == (1,)  # std(dim, unbiased, keepdim)
    assert x.std(False).item() == pytest.approx(math.sqrt(1.25))  # std(unbiased)
    assert math.isnan(torch.tensor([1.0]).std().item())
    assert torch.tensor([1000.0, 1000.0]).logsumexp(0).item() == pytest.approx(1000 + math.log(2))
    assert torch.tensor([-math.inf, -math.inf]).logsumexp(0).item() == -math.inf
    assert torch.tensor([3.0, 4.0]).norm(p=0).item() == 2.0
    assert torch.tensor([3.0, 4.0]).norm(p=-1).item() == pytest.approx(1 / (1 / 3 + 1 / 4))
    assert torch.ones(2, 2).norm(p="nuc").item() == pytest.approx(2.0)
    var, mean = torch.var_mean(torch.tensor([1.0, 2.0, 3.0]))
    assert (var.item(), mean.item()) == (1.0, 2.0)


def test_order_statistics_by_hand():
    assert torch.tensor([3, 1, 2, 4]).median().item() == 2  # the lower middle value
    r = torch.tensor([[1, 1, 2, 2], [3, 3, 3, 1]]).mode(1)
    assert r.values.tolist() == [1, 3] and r.indices.tolist() == [1, 2]  # smallest value, last index
    k = torch.tensor([5, 1, 4]).kthvalue(2)
    assert (k.values.item(), k.indices.item()) == (4, 2)
    assert torch.tensor([3.0, math.nan, 2.0]).sort().indices.tolist() == [2, 0, 1]  # NaN sorts last
    assert torch.tensor([3.0, math.nan, 2.0]).argmax().item() == 1  # NaN is the maximum
    assert math.isnan(torch.tensor([3.0, math.nan, 2.0]).median().item())
    u, inverse, counts = torch.tensor([3, 1, 3, 2]).unique(return_inverse=True, return_counts=True)
    assert (u.tolist(), inverse.tolist(), counts.tolist()) == ([1, 2, 3], [2, 0, 2, 1], [1, 1, 2])


def test_running_extremes():
    r = torch.tensor([1.0, 3.0, 2.0, 3.0, math.nan, 5.0]).cummax(0)
    assert r.indices.tolist() == [0, 1, 1, 3, 4, 4]  # ties move the index forward; NaN stays
    assert r.values.tolist()[:4] == [1.0, 3.0, 3.0, 3.0] and math.isnan(r.values[5].item())
    x = torch.tensor([[1.0, 3.0, 3.0], [2.0, 1.0, 0.0]], requires_grad=True)
    m = x.cummin(1)
    assert m.indices.tolist() == [[0, 0, 0], [0, 1, 2]]
    m.values.sum().backward()
    assert x.grad.tolist() == [[3.0, 0.0, 0.0], [1.0, 1.0, 1.0]]  # repeated indices accumulate


def test_max_with_dim_is_a_named_tuple_and_max_of_two_tensors_is_maximum():
    r = torch.tensor([[1, 5], [3, 2]]).max(1)
    assert type(r).__name__ == "max" and r.values.tolist() == [5, 3] and r.indices.tolist() == [1, 0]
    values, indices = r
    assert values is r[0] and indices is r.indices
    assert torch.max(torch.tensor([1, 4]), torch.tensor([3, 2])).tolist() == [3, 4]
    lo = torch.tensor([[0.5, -1.5], [2.0, 0.0]]).min(1, keepdim=True)
    assert lo.values.shape == (2, 1) and lo.indices.tolist() == [[1], [1]]


# ---------------------------------------------------------------- gradients that finite differences cannot check


def test_max_without_dim_shares_the_gradient_between_ties():
    x = torch.tensor([1.0, 3.0, 3.0], requires_grad=True)
    y = x.max()
    assert y.grad_fn.name() == "MaxBackward1"
    y.backward()
    assert x.grad.tolist() == [0.0, 0.5, 0.5]
    x = torch.tensor([2.0, 2.0, 5.0, 2.0], requires_grad=True)
    x.min().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1 / 3, 1 / 3, 0, 1 / 3])


def test_max_with_dim_sends_the_gradient_to_the_first_maximum():
    x = torch.tensor([[1.0, 4.0, 4.0], [2.0, 2.0, 0.0]], requires_grad=True)
    r = x.max(dim=1)
    assert r.values.grad_fn.name() == "MaxBackward0" and r.indices.grad_fn is None
    r.values.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]


def test_amax_and_inf_norm_share_between_ties():
    x = torch.tensor([[1.0, 3.0], [3.0, 3.0]], requires_grad=True)
    x.amax(1).sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0], [0.5, 0.5]]
    x = torch.tensor([-2.0, 2.0, 1.0], requires_grad=True)
    x.norm(p=float("inf")).backward()
    assert x.grad.tolist() == [-0.5, 0.5, 0.0]


def test_median_without_dim_shares_between_equal_values_and_with_dim_picks_one():
    x = torch.tensor([[1.0, 5.0], [5.0, 5.0]], requires_grad=True)
    x.median().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 1 / 3], [1 / 3, 1 / 3]])
    x = torch.tensor([[1.0, 5.0, 5.0]], requires_grad=True)
    x.median(1).values.sum().backward()
    assert x.grad.sum().item() == 1.0


def test_zero_norm_has_no_gradient_and_zero_dof_variance_is_nan():
    x = torch.tensor([0.0, -3.0, 3.0], requires_grad=True)
    x.norm(p=0).backward()
    assert x.grad is None
    y = torch.tensor([[2.0]], requires_grad=True)
    y.var().backward()
    assert math.isnan(y.grad.item())


def test_norm_gradient_at_zero_is_zero():
    x = torch.zeros(3, requires_grad=True)
    x.norm().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_prod_gradient_with_zeros_is_the_product_of_the_others():
    x = torch.tensor([2.0, 0.0, 4.0], requires_grad=True)
    x.prod().backward()
    assert x.grad.tolist() == [0.0, 8.0, 0.0]


def test_second_derivatives_through_reductions():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (g,) = torch.autograd.grad(x.logsumexp(0), x, create_graph=True)
    (h,) = torch.autograd.grad((g * torch.tensor([1.0, 0.0, 0.0])).sum(), x)
    s = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    np.testing.assert_allclose(h.numpy(), s[0] * (np.eye(3)[0] - s), rtol=1e-6)
    y = torch.tensor([1.0, 2.0, 4.0], requires_grad=True)
    (g,) = torch.autograd.grad(y.var(), y, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), y)
    np.testing.assert_allclose(h.numpy(), [0.0, 0.0, 0.0], atol=1e-7)  # sum of d(var)/dy is constant 0


@pytest.mark.parametrize("make, name", [
    (lambda x: x.sum(), "SumBackward0"), (lambda x: x.sum(0), "SumBackward1"),
    (lambda x: x.mean(), "MeanBackward0"), (lambda x: x.mean(1), "MeanBackward1"),
    (lambda x: x.prod(), "ProdBackward0"), (lambda x: x.prod(1), "ProdBackward1"),
    (lambda x: x.amax(1), "AmaxBackward0"), (lambda x: x.amin(), "AminBackward0"),
    (lambda x: x.std(), "StdBackward0"), (lambda x: x.var(1), "VarBackward0"),
    (lambda x: x.norm(), "LinalgVectorNormBackward0"), (lambda x: x.norm(p=1, dim=0), "LinalgVectorNormBackward0"),
    (lambda x: x.cumsum(1), "CumsumBackward0"), (lambda x: x.cumprod(0), "CumprodBackward0"),
    (lambda x: x.logsumexp(1), "LogsumexpBackward0"), (lambda x: x.median(), "MedianBackward0"),
    (lambda x: x.median(1).values, "MedianBackward1"), (lambda x: x.sort(1).values, "SortBackward0"),
    (lambda x: x.topk(1).values, "TopkBackward0"), (lambda x: x.kthvalue(1).values, "KthvalueBackward0"),
    (lambda x: x.mode(1).values, "ModeBackward0"), (lambda x: x.nansum(), "NansumBackward0"),
    (lambda x: x.min(), "MinBackward1"), (lambda x: x.min(1).values, "MinBackward0"),
    (lambda x: x.cummax(1).values, "CummaxBackward0"), (lambda x: x.cummin(0).values, "CumminBackward0"),
    (lambda x: torch.var_mean(x)[0], "VarMeanBackward0"), (lambda x: torch.aminmax(x).max, "AminmaxBackward0"),
])
def test_grad_fn_names_are_pytorchs(make, name):
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 6.0, 5.0]], requires_grad=True)
    assert make(x).grad_fn.name() == name


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("expr, cls, message", [
    (lambda: torch.tensor([]).max(), RuntimeError,
     "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."),
    (lambda: torch.zeros(0, 3).max(0), IndexError, "max(): Expected reduction dim 0 to have non-zero size."),
    (lambda: torch.tensor([]).argmax(), IndexError,
     "argmax(): Expected reduction dim to be specified for input.numel() == 0."),
    (lambda: torch.ones(2).max(1), IndexError, "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    (lambda: torch.ones(2, 3).sum((0, 0)), RuntimeError, "dim 0 appears multiple times in the list of dims"),
    (lambda: torch.tensor([1, 2]).std(), RuntimeError, "std and var only support floating point and complex dtypes"),
    (lambda: torch.tensor([1, 2]).mean(), RuntimeError,
     "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long"),
    (lambda: torch.tensor([1.0]).mean(dtype=torch.int64), RuntimeError,
     "mean(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: Long"),
    (lambda: torch.tensor([1, 2]).norm(), RuntimeError,
     "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long"),
    (lambda: torch.tensor([1, 2]).cumsum(), TypeError, 'cumsum() missing 1 required positional arguments: "dim"'),
    (lambda: torch.tensor([True]).argmax(), RuntimeError, "argmax(): does not support bool input"),
    (lambda: torch.tensor([3, 1]).topk(3), RuntimeError, "selected index k out of range"),
    (lambda: torch.tensor([3, 1]).kthvalue(3), RuntimeError, "kthvalue(): selected number k out of range for dimension 0"),
    (lambda: torch.ones(2, 2).norm(p="abc"), RuntimeError, "linalg.matrix_norm: Order abc not supported."),
])
def test_errors_are_pytorchs(expr, cls, message):
    with pytest.raises(cls) as info:
        expr()
    assert str(info.value) == message


SECOND_ORDER = [
    lambda x: x.prod(1).sum(),
    lambda x: (x.amax(1) ** 2).sum(),
    lambda x: x.var(1).sum(),
    lambda x: x.std(0).sum(),
    lambda x: x.norm(),
    lambda x: x.norm(p=3, dim=1).sum(),
    lambda x: (x.cumsum(1) ** 2).sum(),
    lambda x: x.cumprod(1).sum(),
    lambda x: x.logsumexp(1).sum(),
    lambda x: (x.sort(1).values * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum() ** 2,
    lambda x: (x.max(1).values ** 2).sum(),
    lambda x: (x.mean(0) ** 2).sum(),
]


@pytest.mark.parametrize("fn", SECOND_ORDER)
def test_second_derivatives_through_reductions_match_finite_differences(fn):
    from tests.engine.test_linalg import check_second_derivatives

    check_second_derivatives(fn, [np.array([[0.5, 1.5, -1.0], [2.0, 0.7, 1.2]])])
