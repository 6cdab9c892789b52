"""Shape ops against NumPy and mathematics; memory sharing, grad_fn names and errors as PyTorch's.

Expected error messages and grad_fn names were recorded by hand from PyTorch 2.13.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tensorsh import engine as torch

DTYPES = [np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_, np.complex64]

shapes = st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple)
nonempty_shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)


def make(shape, dtype=np.float64, seed=0):
    return np.random.default_rng(seed).integers(-5, 6, size=shape).astype(dtype)


def shares(a, b) -> bool:
    return np.shares_memory(a.numpy(), b.numpy())


# ================================================================ hypothesis: agreement with NumPy


@settings(max_examples=100, deadline=None)
@given(shapes, st.sampled_from(DTYPES), st.data())
def test_reshape_and_view_agree_with_numpy(shape, dtype, data):
    a = make(shape, dtype)
    t = torch.from_numpy(a)
    n = a.size
    divisors = [d for d in range(1, n + 1) if n % d == 0] or [1]
    d = data.draw(st.sampled_from(divisors))
    got = t.view(d, -1) if n else t.view(d, 0)  # -1 is ambiguous for 0 elements
    assert got.shape == ((d, n // d) if n else (d, 0))
    np.testing.assert_array_equal(got.numpy(), a.reshape(got.shape))
    assert shares(got, t) or n == 0
    assert t.reshape(-1).tolist() == a.reshape(-1).tolist()


@settings(max_examples=100, deadline=None)
@given(nonempty_shapes, st.sampled_from(DTYPES), st.data())
def test_permute_transpose_movedim_agree_with_numpy(shape, dtype, data):
    a = make(shape, dtype)
    t = torch.from_numpy(a)
    order = data.draw(st.permutations(range(len(shape))))
    np.testing.assert_array_equal(t.permute(*order).numpy(), a.transpose(order))
    d0 = data.draw(st.integers(-len(shape), len(shape) - 1))
    d1 = data.draw(st.integers(-len(shape), len(shape) - 1))
    np.testing.assert_array_equal(t.transpose(d0, d1).numpy(), np.swapaxes(a, d0, d1))
    np.testing.assert_array_equal(t.movedim(d0, d1).numpy(), np.moveaxis(a, d0, d1))
    np.testing.assert_array_equal(t.T.numpy(), a.T)
    if len(shape) >= 2:
        np.testing.assert_array_equal(t.mT.numpy(), np.swapaxes(a, -1, -2))
    for view in (t.permute(*order), t.transpose(d0, d1), t.movedim(d0, d1), t.T):
        assert shares(view, t)


@settings(max_examples=100, deadline=None)
@given(nonempty_shapes, st.sampled_from(DTYPES), st.data())
def test_flip_roll_repeat_agree_with_numpy(shape, dtype, data):
    a = make(shape, dtype)
    t = torch.from_numpy(a)
    ndim = len(shape)
    dims = data.draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
    np.testing.assert_array_equal(t.flip(dims).numpy(), np.flip(a, dims) if dims else a)
    shifts = data.draw(st.lists(st.integers(-7, 7), min_size=len(dims), max_size=len(dims)))
    if dims:
        np.testing.assert_array_equal(t.roll(shifts, dims).numpy(), np.roll(a, shifts, dims))
    np.testing.assert_array_equal(t.roll(3).numpy(), np.roll(a, 3))
    reps = data.draw(st.lists(st.integers(0, 3), min_size=ndim, max_size=ndim + 2))
    np.testing.assert_array_equal(t.repeat(*reps).numpy(), np.tile(a, reps))
    np.testing.assert_array_equal(torch.tile(t, reps[-1:]).numpy(), np.tile(a, reps[-1:]))
    for copy in (t.flip(dims), t.roll(3), t.repeat(*reps)):
        assert not shares(copy, t)


@settings(max_examples=100, deadline=None)
@given(nonempty_shapes, st.data())
def test_cat_and_stack_agree_with_numpy(shape, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    count = data.draw(st.integers(1, 3))
    arrays = []
    for i in range(count):
        s = list(shape)
        s[axis] = data.draw(st.integers(0, 3))
        arrays.append(make(tuple(s), data.draw(st.sampled_from([np.int64, np.float32, np.bool_])), seed=i))
    got = torch.cat([torch.from_numpy(a) for a in arrays], dim=axis)
    expected = np.concatenate(arrays, axis=axis)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got.numpy(), expected)
    same = [make(shape, np.float64, seed=i) for i in range(count)]
    new_axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    np.testing.assert_array_equal(torch.stack([torch.from_numpy(a) for a in same], new_axis).numpy(),
                                  np.stack(same, new_axis))


def test_cat_promotes_like_result_type():
    assert torch.cat([torch.tensor([1]), torch.tensor([1.5])]).dtype == torch.float32
    assert torch.cat([torch.tensor([True]), torch.tensor([2], dtype=torch.uint8)]).dtype == torch.uint8
    assert torch.stack([torch.tensor([1.0]), torch.tensor([1], dtype=torch.int64)]).dtype == torch.float32


def test_cat_skips_legacy_empty_tensors():
    assert torch.cat([torch.zeros(2, 3), torch.zeros(0)]).shape == (2, 3)
    assert torch.cat([torch.zeros(0), torch.zeros(0)]).shape == (0,)


@settings(max_examples=100, deadline=None)
@given(nonempty_shapes, st.data())
def test_split_chunk_unbind_tile_the_input(shape, data):
    a = make(shape)
    t = torch.from_numpy(a)
    dim = data.draw(st.integers(0, len(shape) - 1))
    size = shape[dim]
    step = data.draw(st.integers(1, 5))
    pieces = t.split(step, dim)
    assert [p.shape[dim] for p in pieces] == [min(step, size - i) for i in range(0, size, step)]
    sections = data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=4))
    sections[-1] += size - sum(sections) if size >= sum(sections[:-1]) else 0
    if sum(sections) == size and all(s >= 0 for s in sections):
        parts = t.split(sections, dim)
        assert [p.shape[dim] for p in parts] == sections
        np.testing.assert_array_equal(torch.cat(parts, dim).numpy(), a)
    chunks = data.draw(st.integers(1, 6))
    pieces = t.chunk(chunks, dim)
    width = -(-size // chunks)
    assert len(pieces) == -(-size // width)
    assert all(p.shape[dim] == width for p in pieces[:-1])
    np.testing.assert_array_equal(torch.cat(pieces, dim).numpy(), a)
    for p in pieces:
        assert shares(p, t)
    rows = t.unbind(dim)
    assert len(rows) == size
    np.testing.assert_array_equal(torch.stack(rows, dim).numpy(), a)
    # tensor_split with n sections matches NumPy's array_split.
    n = data.draw(st.integers(1, 5))
    for got, expected in zip(t.tensor_split(n, dim), np.array_split(a, n, axis=dim)):
        np.testing.assert_array_equal(got.numpy(), expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=2, max_size=4).map(tuple), st.integers(-4, 4), st.data())
def test_diagonal_tril_triu_agree_with_numpy(shape, offset, data):
    a = make(shape, np.float32)
    t = torch.from_numpy(a)
    d1, d2 = data.draw(st.permutations(range(len(shape))))[:2]
    got = t.diagonal(offset, d1, d2)
    np.testing.assert_array_equal(got.numpy(), np.diagonal(a, offset, d1, d2))
    if got.numel():
        assert shares(got, t)
    np.testing.assert_array_equal(t.tril(offset).numpy(), np.tril(a, offset))
    np.testing.assert_array_equal(t.triu(offset).numpy(), np.triu(a, offset))


def test_diag_against_numpy():
    v = np.array([1.0, 2.0, 3.0])
    for k in (-2, 0, 1):
        np.testing.assert_array_equal(torch.diag(torch.from_numpy(v), k).numpy(), np.diag(v, k))
    m = np.arange(12.0).reshape(3, 4)
    for k in (-1, 0, 2, 5):
        np.testing.assert_array_equal(torch.from_numpy(m).diag(k).numpy(), np.diag(m, k))


@settings(max_examples=60, deadline=None)
@given(shapes, st.data())
def test_squeeze_unsqueeze_flatten_unflatten_agree_with_numpy(shape, data):
    a = make(shape)
    t = torch.from_numpy(a)
    np.testing.assert_array_equal(t.squeeze().numpy(), a.squeeze())
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    np.testing.assert_array_equal(t.unsqueeze(axis).numpy(), np.expand_dims(a, axis))
    np.testing.assert_array_equal(t.flatten().numpy(), a.reshape(-1))
    if shape:
        dim = data.draw(st.integers(0, len(shape) - 1))
        np.testing.assert_array_equal(t.unflatten(dim, (shape[dim], 1)).numpy(),
                                      np.expand_dims(a, dim + 1))


@settings(max_examples=60, deadline=None)
@given(shapes, shapes)
def test_broadcast_to_and_broadcast_tensors_agree_with_numpy(s1, s2):
    a, b = make(s1), make(s2, seed=1)
    try:
        expected = np.broadcast_arrays(a, b)
    except ValueError:
        with pytest.raises(RuntimeError, match="must match the size of tensor b"):
            torch.broadcast_tensors(torch.from_numpy(a), torch.from_numpy(b))
        return
    got = torch.broadcast_tensors(torch.from_numpy(a), torch.from_numpy(b))
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g.numpy(), e)
    assert torch.broadcast_shapes(s1, s2) == expected[0].shape
    np.testing.assert_array_equal(torch.from_numpy(a).broadcast_to(expected[0].shape).numpy(), expected[0])


def test_stacking_helpers_against_numpy():
    a, b = np.arange(3.0), np.arange(3.0, 6.0)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    np.testing.assert_array_equal(torch.hstack([ta, tb]).numpy(), np.hstack([a, b]))
    np.testing.assert_array_equal(torch.vstack([ta, tb]).numpy(), np.vstack([a, b]))
    np.testing.assert_array_equal(torch.row_stack([ta, tb]).numpy(), np.vstack([a, b]))
    np.testing.assert_array_equal(torch.dstack([ta, tb]).numpy(), np.dstack([a, b]))
    np.testing.assert_array_equal(torch.column_stack([ta, tb]).numpy(), np.column_stack([a, b]))
    m = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(torch.hstack([torch.from_numpy(m)] * 2).numpy(), np.hstack([m, m]))
    for fn, np_fn in ((torch.atleast_1d, np.atleast_1d), (torch.atleast_2d, np.atleast_2d),
                      (torch.atleast_3d, np.atleast_3d)):
        for x in (np.array(5.0), a, m):
            assert fn(torch.from_numpy(x)).shape == np_fn(x).shape
    assert [t.shape for t in torch.atleast_2d([ta, torch.from_numpy(m)])] == [(1, 3), (2, 3)]


# ================================================================ memory sharing


def test_views_write_through_and_copies_do_not():
    a = torch.zeros(2, 3)
    a.narrow(1, 1, 2).fill_(1)
    a.select(0, 1).add_(2)
    a.diagonal().fill_(5)
    a.unflatten(1, (3, 1))[0, 2, 0] = 7
    a.movedim(0, 1)[1, 1] = 9
    assert a.tolist() == [[5, 1, 7], [2, 9, 3]]
    parts = a.split(1)
    parts[1][0, 0] = -1
    x, y = a.chunk(2, dim=1)
    x[0, 1] = -2
    r0, r1 = a.unbind()
    r0[2] = -3
    assert a.tolist() == [[5, -2, -3], [-1, 9, 3]]
    copies = [a.flip(0), a.repeat(1, 1), torch.cat([a, a]), torch.stack([a]), a.roll(1), a.tril(), a.tile(1)]
    for c in copies:
        c.fill_(0)
    assert a.tolist() == [[5, -2, -3], [-1, 9, 3]]


def test_expand_and_broadcast_to_share_memory():
    a = torch.tensor([[1], [2]])
    e = a.expand(2, 3)
    b = a.broadcast_to((2, 2, 3))
    a[0, 0] = 10
    assert e.tolist() == [[10, 10, 10], [2, 2, 2]]
    assert b[1].tolist() == [[10, 10, 10], [2, 2, 2]]


def test_reshape_copies_only_when_it_must():
    a = torch.arange(6)
    assert shares(a.reshape(2, 3), a)
    t = a.view(2, 3).t()
    assert not shares(t.reshape(6), a)
    assert t.reshape(6).grad_fn is None
    assert shares(t.ravel(), a) is False
    assert shares(a.ravel(), a)


def test_view_of_a_non_contiguous_tensor_fails_as_pytorch():
    t = torch.arange(6).view(2, 3).t()
    with pytest.raises(RuntimeError, match=r"view size is not compatible with input tensor's size and stride"):
        t.view(6)
    # Splitting one dimension is always possible as a view.
    assert t.view(3, 2, 1).shape == (3, 2, 1)


def test_view_as_another_dtype_reads_the_same_bytes():
    a = torch.tensor([1.0, 2.0])
    b = a.view(torch.int32)
    np.testing.assert_array_equal(b.numpy(), np.array([1.0, 2.0], dtype=np.float32).view(np.int32))
    assert torch.zeros(2, 4, dtype=torch.int16).view(torch.int64).shape == (2, 1)
    assert torch.zeros(2, 3).view(torch.int16).shape == (2, 6)


# ================================================================ gradients and grad_fn names

GRAD_FN_NAMES = [
    # Recorded from PyTorch 2.13 with x = torch.zeros(2, 3, 4, requires_grad=True).
    (lambda x: x.view(-1), "ViewBackward0"),
    (lambda x: x.reshape(6, 4), "ViewBackward0"),
    (lambda x: x.transpose(0, 1).reshape(-1), "UnsafeViewBackward0"),
    (lambda x: x.flatten(), "ViewBackward0"),
    (lambda x: x.unflatten(1, (3, 1)), "ViewBackward0"),
    (lambda x: x.T, "PermuteBackward0"),
    (lambda x: x[0].T, "PermuteBackward0"),
    (lambda x: x.mT, "TransposeBackward0"),
    (lambda x: x.mH, "TransposeBackward0"),
    (lambda x: x[0].H, "TransposeBackward0"),
    (lambda x: x[0].t(), "TBackward0"),
    (lambda x: x.movedim(0, 1), "PermuteBackward0"),
    (lambda x: x.squeeze(), "SqueezeBackward0"),
    (lambda x: x.squeeze(0), "SqueezeBackward1"),
    (lambda x: x.squeeze((0, 1)), "SqueezeBackward2"),
    (lambda x: x.unsqueeze(0), "UnsqueezeBackward0"),
    (lambda x: x.expand(2, 2, 3, 4), "ExpandBackward0"),
    (lambda x: x.broadcast_to((2, 2, 3, 4)), "ExpandBackward0"),
    (lambda x: x.repeat(1, 1, 1), "RepeatBackward0"),
    (lambda x: x.tile(2), "RepeatBackward0"),
    (lambda x: x.flip(0), "FlipBackward0"),
    (lambda x: x.fliplr(), "FlipBackward0"),
    (lambda x: x.roll(1), "RollBackward0"),
    (lambda x: x.narrow(0, 0, 1), "SliceBackward0"),
    (lambda x: x.select(0, 1), "SelectBackward0"),
    (lambda x: torch.cat([x, x]), "CatBackward0"),
    (lambda x: torch.hstack([x, x]), "CatBackward0"),
    (lambda x: torch.stack([x, x]), "StackBackward0"),
    (lambda x: x.diagonal(), "DiagonalBackward0"),
    (lambda x: x[0].diag(), "DiagonalBackward0_copy"),
    (lambda x: x[0, 0].diag(), "DiagEmbedBackward0"),
    (lambda x: x[0].tril(), "TrilBackward0"),
    (lambda x: x[0].triu(), "TriuBackward0"),
    (lambda x: torch.atleast_3d(x[0, 0]), "UnsqueezeBackward0"),
]


@pytest.mark.parametrize("fn, name", GRAD_FN_NAMES, ids=[n + str(i) for i, (_, n) in enumerate(GRAD_FN_NAMES)])
def test_grad_fn_names(fn, name):
    x = torch.zeros(2, 3, 4, requires_grad=True)
    assert fn(x).grad_fn.name() == name


@pytest.mark.parametrize("fn, name", [
    (lambda x: x.chunk(2), "SplitBackward0"),
    (lambda x: x.split(1), "SplitBackward0"),
    (lambda x: x.split([1, 1]), "SplitWithSizesBackward0"),
    (lambda x: x.tensor_split(2), "SliceBackward0"),
    (lambda x: x.unbind(), "UnbindBackward0"),
])
def test_split_outputs_are_views_with_their_own_nodes(fn, name):
    x = torch.zeros(2, 3, requires_grad=True)
    parts = fn(x)
    assert isinstance(parts, tuple) and len(parts) == 2
    assert all(p.grad_fn.name() == name and p._base is x for p in parts)
    assert parts[0].grad_fn is not parts[1].grad_fn


def test_gradient_through_some_split_outputs_only():
    x = torch.arange(5.0, requires_grad=True)
    a, b, c = x.split(2)
    (b * 10 + c).sum().backward()  # c has one element, broadcast over b's two
    assert x.grad.tolist() == [0, 0, 10, 10, 2]


def test_gradient_of_repeat_counts_the_copies():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.repeat(3, 2).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]


def test_gradient_of_cat_and_stack_routes_each_slice_back():
    a = torch.ones(2, requires_grad=True)
    b = torch.ones(1, requires_grad=True)
    (torch.cat([a, b]) * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert a.grad.tolist() == [1.0, 2.0] and b.grad.tolist() == [3.0]
    c = torch.ones(2, requires_grad=True)
    (torch.stack([c, c], 1) * torch.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    assert c.grad.tolist() == [3.0, 7.0]


def test_cat_of_mixed_dtypes_casts_gradients_back():
    a = torch.ones(2, dtype=torch.float64, requires_grad=True)
    b = torch.ones(1, requires_grad=True)
    torch.cat([a, b]).sum().backward()
    assert b.grad.dtype == torch.float32 and a.grad.dtype == torch.float64


# ================================================================ errors (messages recorded from PyTorch)

ERRORS = [
    (lambda: torch.zeros(2, 3, 4).flatten(2, 1), RuntimeError,
     "flatten() has invalid args: start_dim cannot come after end_dim"),
    (lambda: torch.zeros(6).unflatten(0, (4, 2)), RuntimeError,
     "unflatten: Provided sizes [4, 2] don't multiply up to the size of dim 0 (6) in the input tensor"),
    (lambda: torch.zeros(6).unflatten(0, ()), RuntimeError, "unflatten: sizes must be non-empty"),
    (lambda: torch.zeros(4).view(-2, 2), RuntimeError, "invalid shape dimension -2 at index 0 of shape [-2, 2]"),
    (lambda: torch.zeros(6).view(-1, -1), RuntimeError, "only one dimension can be inferred"),
    (lambda: torch.zeros(6).view(4, 2), RuntimeError, "shape '[4, 2]' is invalid for input of size 6"),
    (lambda: torch.zeros(3, dtype=torch.int16).view(torch.int64), RuntimeError,
     "self.size(-1) must be divisible by 4 to view Short as Long (different element sizes), but got 3"),
    (lambda: torch.zeros(()).view(torch.float64), RuntimeError,
     "self.dim() cannot be 0 to view Float as Double (different element sizes)"),
    (lambda: torch.zeros(2, 3).permute(0, 0), RuntimeError, "permute(): duplicate dims are not allowed."),
    (lambda: torch.zeros(2, 2, 2).t(), RuntimeError, "t() expects a tensor with <= 2 dimensions, but self is 3D"),
    (lambda: torch.zeros(3).mT, RuntimeError,
     "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."),
    (lambda: torch.zeros(2, 2, 2).H, RuntimeError,
     "tensor.H is only supported on matrices (2-D tensors). Got 3-D tensor."),
    (lambda: torch.zeros(2, 3).movedim((0, 1), (1,)), RuntimeError,
     "movedim: Invalid source or destination dims: source ([0, 1] dims) should contain the same number of dims "
     "as destination ([1] dims)"),
    (lambda: torch.zeros(2, 3).movedim((0, 0), (1, 0)), RuntimeError, "movedim: repeated dim in `source` ([0, 0])"),
    (lambda: torch.zeros(2, 3).expand(3, 3), RuntimeError,
     "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0.  "
     "Target sizes: [3, 3].  Tensor sizes: [2, 3]"),
    (lambda: torch.zeros(2, 3).expand(3), RuntimeError,
     "expand(torch.FloatTensor{[2, 3]}, size=[3]): the number of sizes provided (1) must be greater or equal to "
     "the number of dimensions in the tensor (2)"),
    (lambda: torch.zeros(2, 3).repeat(2), RuntimeError,
     "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"),
    (lambda: torch.zeros(2).repeat(-1), RuntimeError, "Trying to create tensor with negative dimension -2: [-2]"),
    (lambda: torch.zeros(2, 3).flip(0, 0), RuntimeError, "dim 0 appears multiple times in the list of dims"),
    (lambda: torch.zeros(3).fliplr(), RuntimeError, "Input must be >= 2-d."),
    (lambda: torch.zeros(2, 3).roll((1, 2), (0,)), RuntimeError, "shifts and dimensions must align. shifts: 2, dims:1"),
    (lambda: torch.zeros(()).roll(1, -1), IndexError, "Dimension specified as -1 but tensor has no dimensions"),
    (lambda: torch.zeros(()).movedim(1, 0), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    (lambda: torch.zeros(2, 3).rot90(1, (0, -2)), RuntimeError,
     "expected rotation dims to be different, but got dim0 = 0 and dim1 = -2"),
    (lambda: torch.zeros(2, 3).unfold(1, 4, 1), RuntimeError, "maximum size for tensor at dimension 1 is 3 but size is 4"),
    (lambda: torch.zeros(4).narrow(0, 2, 3), RuntimeError, "start (2) + length (3) exceeds dimension size (4)."),
    (lambda: torch.zeros(2, 3).narrow(1, 4, 1), IndexError,
     "start out of range (expected to be in range of [-3, 3], but got 4)"),
    (lambda: torch.zeros(2, 3).select(1, 5), IndexError,
     "select(): index 5 out of range for tensor of size [2, 3] at dimension 1"),
    (lambda: torch.cat([torch.zeros(2, 2), torch.zeros(2, 3)]), RuntimeError,
     "Sizes of tensors must match except in dimension 0. Expected size 2 but got size 3 for tensor number 1 in the list."),
    (lambda: torch.cat([torch.zeros(2, 2), torch.zeros(2)]), RuntimeError,
     "Tensors must have same number of dimensions: got 2 and 1"),
    (lambda: torch.cat([]), ValueError, "torch.cat(): expected a non-empty list of Tensors"),
    (lambda: torch.cat(torch.zeros(2)), TypeError,
     "cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor"),
    (lambda: torch.cat([torch.zeros(()), torch.zeros(())]), RuntimeError,
     "zero-dimensional tensor (at position 0) cannot be concatenated"),
    (lambda: torch.cat([torch.zeros(2), torch.zeros(2)], dim=1), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    (lambda: torch.stack([torch.zeros(2), torch.zeros(3)]), RuntimeError,
     "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1"),
    (lambda: torch.stack([]), RuntimeError, "stack expects a non-empty TensorList"),
    (lambda: torch.hstack([]), RuntimeError, "hstack expects a non-empty TensorList"),
    (lambda: torch.zeros(4).chunk(0), RuntimeError, "chunk expects `chunks` to be greater than 0, got: 0"),
    (lambda: torch.zeros(4).split(0), RuntimeError,
     "split_size can only be 0 if dimension size is 0, but got dimension size of 4"),
    (lambda: torch.zeros(6).split([2, 2]), RuntimeError,
     "split_with_sizes expects split_sizes to sum exactly to 6 (input tensor's size at dimension 0), but got "
     "split_sizes=[2, 2]"),
    (lambda: torch.zeros(6).tensor_split(0), RuntimeError, "number of sections must be larger than 0, got 0"),
    (lambda: torch.zeros(()).unbind(), IndexError, "Dimension specified as 0 but tensor has no dimensions"),
    (lambda: torch.zeros(2).unbind(1), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    (lambda: torch.zeros(2, 2, 2).diag(), RuntimeError, "diag(): Supports 1D or 2D tensors. Got 3D"),
    (lambda: torch.zeros(2, 3).diagonal(0, 0, 0), RuntimeError, "diagonal dimensions cannot be identical 0, 0"),
    (lambda: torch.zeros(3).tril(), RuntimeError, "tril: input tensor must have at least 2 dimensions"),
    (lambda: torch.zeros(1).expand(3).add_(1), RuntimeError,
     "unsupported operation: more than one element of the written-to tensor refers to a single memory location."),
]


@pytest.mark.parametrize("fn, cls, message", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors_match_pytorch(fn, cls, message):
    with pytest.raises(cls) as info:
        fn()
    assert str(info.value).startswith(message)


def test_zero_dim_edge_cases_follow_pytorch():
    # Recorded from PyTorch 2.13: on 0-dim tensors mT and mH are the identity, movedim an alias.
    s = torch.tensor(2.0, requires_grad=True)
    assert s.mT is s and s.mH is s and s.H is s
    assert s.T.grad_fn.name() == "PermuteBackward0"
    assert s.movedim(0, 0).grad_fn.name() == "AliasBackward0"
    assert s.flip(0).item() == 2.0
    with pytest.raises(IndexError, match="Dimension specified as 0 but tensor has no dimensions"):
        s.roll(1, 0)
    with pytest.raises(RuntimeError, match="tensor_split expected at least a 1-dimensional tensor"):
        s.tensor_split(2)
    with pytest.raises(TypeError, match='permute\\(\\) missing 1 required positional arguments: "dims"'):
        s.permute()
    assert [p.grad_fn.name() for p in torch.zeros(0, requires_grad=True).chunk(2)] == \
        ["SplitWithSizesBackward0", "SplitWithSizesBackward0"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=2, max_size=4).map(tuple), st.integers(-5, 5), st.data())
def test_rot90_agrees_with_numpy(shape, k, data):
    a = make(shape)
    d0, d1 = data.draw(st.permutations(range(len(shape))))[:2]
    np.testing.assert_array_equal(torch.from_numpy(a).rot90(k, (d0, d1)).numpy(), np.rot90(a, k, (d0, d1)))


@settings(max_examples=60, deadline=None)
@given(nonempty_shapes, st.data())
def test_unfold_agrees_with_numpy_sliding_windows(shape, data):
    a = make(shape)
    dim = data.draw(st.integers(0, len(shape) - 1))
    size = data.draw(st.integers(0, shape[dim]))
    step = data.draw(st.integers(1, 3))
    got = torch.from_numpy(a).unfold(dim, size, step)
    windows = np.lib.stride_tricks.sliding_window_view(a, size, axis=dim)
    expected = np.take(windows, np.arange(0, windows.shape[dim], step), axis=dim)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got.numpy(), expected)
    # unfold is a view: a write through a window shows in the tensor.
    t = torch.from_numpy(a.copy())
    w = t.unfold(dim, size, step)
    if w.numel():
        w[(0,) * w.ndim] = 99
        assert 99 in t.numpy()


def test_in_place_view_ops_change_the_shape_and_keep_the_memory():
    v = torch.zeros(2, 3)
    w = v[0]
    assert w.unsqueeze_(0) is w and w.shape == (1, 3)
    w[0, 1] = 5
    assert v.tolist() == [[0, 5, 0], [0, 0, 0]]
    x = torch.zeros(1, 2, 1)
    assert x.squeeze_().shape == (2,)
    assert x.unsqueeze_(1).t_().shape == (1, 2)
    assert x.transpose_(0, 1).shape == (2, 1)


def test_in_place_view_ops_grad_fn_names_and_gradients():
    # Names recorded from PyTorch 2.13.
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * 1
    assert y.unsqueeze_(0).grad_fn.name() == "UnsqueezeBackward1"
    assert y.squeeze_(0).grad_fn.name() == "SqueezeBackward4"
    assert y.t_().grad_fn.name() == "TBackward1"
    (y * torch.tensor([[1.0, 10.0], [100.0, 1000.0]])).sum().backward()
    assert x.grad.tolist() == [[1.0, 100.0], [10.0, 1000.0]]
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        x.unsqueeze_(0)


def test_hsplit_vsplit_dsplit_agree_with_numpy():
    a = np.arange(24.0).reshape(2, 4, 3)
    t = torch.from_numpy(a)
    for fn, np_fn, arg in ((torch.hsplit, np.hsplit, 2), (torch.vsplit, np.vsplit, [1]), (torch.dsplit, np.dsplit, 3)):
        for got, expected in zip(fn(t, arg), np_fn(a, arg)):
            np.testing.assert_array_equal(got.numpy(), expected)
    for got, expected in zip(torch.hsplit(torch.arange(6), 3), np.hsplit(np.arange(6), 3)):
        np.testing.assert_array_equal(got.numpy(), expected)
    with pytest.raises(RuntimeError, match="torch.hsplit attempted to split along dimension 1, but the size of the "
                                           "dimension 4 is not divisible by the split_size 3!"):
        torch.hsplit(t, 3)


def test_scatter_into_a_region_agrees_with_numpy_assignment():
    a = np.arange(12.0).reshape(3, 4)
    t = torch.from_numpy(a)
    expected = a.copy()
    expected[:, 1] = -1
    np.testing.assert_array_equal(torch.select_scatter(t, torch.full((3,), -1.0), 1, 1).numpy(), expected)
    expected = a.copy()
    expected[:, ::2] = 0
    np.testing.assert_array_equal(torch.slice_scatter(t, torch.zeros(3, 2), 1, step=2).numpy(), expected)
    expected = a.copy()
    np.fill_diagonal(expected[:, 1:], 7)
    np.testing.assert_array_equal(torch.diagonal_scatter(t, torch.full((3,), 7.0), 1).numpy(), expected)
    np.testing.assert_array_equal(t.narrow_copy(1, 1, 2).numpy(), a[:, 1:3])
    assert not shares(t.narrow_copy(1, 1, 2), t)
    with pytest.raises(RuntimeError, match=r"expected src to have a size equal to the slice of self. src size = \[3\], "
                                           r"slice size = \[4\]"):
        torch.select_scatter(t, torch.ones(3), 0, 1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=0, max_size=4), st.lists(st.integers(1, 3), max_size=2),
       st.booleans(), st.sampled_from([np.float32, np.int64, np.bool_]))
def test_broadcast_view_is_numpys_broadcast(shape, lead, transposed, dtype):
    from tensorsh.engine.ops.shape import broadcast_view

    a = np.arange(int(np.prod(shape)), dtype=np.int64).astype(dtype).reshape(shape)
    if transposed:
        a = a.T  # not contiguous: the slow path
    # Every size-1 dimension grows to 3, and `lead` new dimensions come in front.
    target = tuple(lead) + tuple(3 if d == 1 else d for d in a.shape)
    view = broadcast_view(a, target)
    expected = np.broadcast_to(a, target)
    assert view.shape == expected.shape and view.dtype == expected.dtype
    np.testing.assert_array_equal(view, expected)
    assert not view.flags.writeable
    assert view.size == 0 or np.shares_memory(view, a)
