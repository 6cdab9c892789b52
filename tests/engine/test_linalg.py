"""Matrix products agree with NumPy in every rank combination; errors and grad_fn names are PyTorch's."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tensorsh import engine as torch
from tensorsh.engine.ops import linalg
from tests.engine.gradcheck import check_gradients


@st.composite
def matmul_operands(draw):
    """Two arrays NumPy's matmul accepts: ranks 1 to 4, broadcastable batch dims."""
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    r1, r2 = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    batch = [draw(st.integers(1, 3)) for _ in range(max(r1, r2) - 2)] if max(r1, r2) > 2 else []

    def batch_for(rank):
        dims = batch[len(batch) - (rank - 2):] if rank > 2 else []
        return [d if draw(st.booleans()) else 1 for d in dims]

    s1 = [k] if r1 == 1 else batch_for(r1) + [n, k]
    s2 = [k] if r2 == 1 else batch_for(r2) + [k, m]
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int64, np.int32]))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    a = rng.integers(-5, 6, s1).astype(dtype)
    b = rng.integers(-5, 6, s2).astype(dtype)
    return a, b


@settings(max_examples=150, deadline=None)
@given(matmul_operands())
def test_matmul_agrees_with_numpy_in_every_rank_combination(operands):
    a, b = operands
    out = torch.tensor(a) @ torch.tensor(b)
    expected = np.matmul(a, b)
    assert out.shape == expected.shape
    assert out.numpy().dtype == expected.dtype  # integer products keep their dtype
    np.testing.assert_array_equal(out.numpy(), expected)
    np.testing.assert_array_equal(torch.matmul(torch.tensor(a), torch.tensor(b)).numpy(), expected)


@settings(max_examples=25, deadline=None)
@given(matmul_operands())
def test_matmul_gradients_match_finite_differences(operands):
    a, b = operands
    check_gradients(lambda x, y: x @ y, [a.astype(np.float64), b.astype(np.float64) * 0.5])


def test_big_float_products_are_numpys():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((64, 128)).astype(np.float32)
    b = rng.standard_normal((128, 96)).astype(np.float32)
    np.testing.assert_array_equal((torch.tensor(a) @ torch.tensor(b)).numpy(), a @ b)


def test_products_by_hand():
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    v = torch.tensor([1.0, -1.0])
    assert torch.mv(m, v).tolist() == [-1.0, -1.0]
    assert m.mm(m).tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert torch.dot(torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])).item() == 32
    assert torch.vdot(torch.tensor([1j, 2.0]), torch.tensor([1j, 1.0])).item() == 3
    assert torch.outer(torch.tensor([1, 2]), torch.tensor([10, 20])).tolist() == [[10, 20], [20, 40]]
    assert torch.ger(torch.tensor([1.0]), torch.tensor([2.0], dtype=torch.float64)).dtype == torch.float64
    assert torch.bmm(torch.ones(2, 2, 3), torch.ones(2, 3, 1)).tolist() == [[[3.0], [3.0]], [[3.0], [3.0]]]
    assert torch.addmm(torch.ones(2, 2), torch.eye(2), m, beta=2, alpha=0.5).tolist() == [[2.5, 3.0], [3.5, 4.0]]
    assert m.trace().item() == 5.0
    assert torch.tensordot(torch.ones(2, 3), torch.ones(3, 4), dims=1).tolist() == [[3.0] * 4] * 2
    x = torch.eye(2)
    x @= m
    assert x.tolist() == m.tolist()


EQUATIONS = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ii", [(3, 3)]), ("ii->i", [(3, 3)]), ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]), ("i,j->ij", [(2,), (3,)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("i,i", [(3,), (3,)]), ("ij,jk", [(2, 3), (3, 2)]), ("...ij->...ji", [(2, 3, 4)]),
    ("ba", [(2, 3)]), ("i,ij,j", [(2,), (2, 3), (3,)]), ("...i,...i->...", [(2, 3), (3,)]),
    ("Ba,aB", [(2, 3), (3, 2)]),
]


@pytest.mark.parametrize("equation, shapes", EQUATIONS)
def test_einsum_agrees_with_numpy(equation, shapes):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s) for s in shapes]
    out = torch.einsum(equation, *[torch.tensor(a) for a in arrays])
    np.testing.assert_allclose(out.numpy(), np.einsum(equation, *arrays), rtol=1e-12)
    listed = torch.einsum(equation, [torch.tensor(a) for a in arrays])
    np.testing.assert_allclose(listed.numpy(), out.numpy())


def test_einsum_broadcasts_size_one_subscripts():
    out = torch.einsum("ij,ij->ij", torch.ones(1, 3), torch.full((2, 3), 2.0))
    assert out.tolist() == [[2.0] * 3] * 2


def test_second_derivative_through_matmul():
    a = torch.tensor([[1.0, 2.0], [0.0, 3.0]])
    x = torch.tensor([1.0, -1.0], requires_grad=True)
    y = a @ x
    (g,) = torch.autograd.grad((y * y).sum(), x, create_graph=True)
    ata = a.numpy().T @ a.numpy()
    np.testing.assert_allclose(g.detach().numpy(), 2 * ata @ np.array([1.0, -1.0]))
    (h,) = torch.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), 2 * ata @ np.ones(2))


def test_torch_linalg_functions():
    ns = vars(torch.linalg)
    assert ns["det"](torch.tensor([[2.0, 0.0], [0.0, 3.0]])).item() == pytest.approx(6.0)
    np.testing.assert_allclose(ns["inv"](torch.tensor([[4.0, 7.0], [2.0, 6.0]])).numpy(),
                               [[0.6, -0.7], [-0.2, 0.4]], rtol=1e-6)
    assert ns["cross"](torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0])).tolist() == [0.0, 0.0, 1.0]
    assert ns["matrix_power"](torch.tensor([[1, 1], [0, 1]]), 3).tolist() == [[1, 3], [0, 1]]
    assert ns["vector_norm"](torch.tensor([1.0, 2.0, 2.0])).item() == 3.0
    assert ns["norm"](torch.tensor([[3.0, 4.0]])).item() == 5.0
    assert ns["matrix_norm"](torch.tensor([[1.0, -2.0], [3.0, 4.0]]), 1).item() == 6.0


# The grad_fn PyTorch 2.13 shows for each rank combination (recorded by hand from torch).
MATMUL_NAMES = [
    ((3,), (3,), True, "DotBackward0"), ((2, 3), (3,), True, "MvBackward0"),
    ((3,), (3, 2), True, "SqueezeBackward4"), ((2, 3), (3, 2), True, "MmBackward0"),
    ((4, 2, 3), (3,), True, "UnsafeViewBackward0"), ((3,), (4, 3, 2), True, "UnsafeViewBackward0"),
    ((4, 2, 3), (3, 2), True, "UnsafeViewBackward0"), ((2, 3), (4, 3, 2), True, "CloneBackward0"),
    ((2, 3), (4, 3, 2), False, "UnsafeViewBackward0"), ((1, 3), (4, 3, 2), True, "TransposeBackward0"),
    ((4, 2, 3), (4, 3, 2), True, "UnsafeViewBackward0"), ((1, 2, 3), (4, 3, 2), True, "CloneBackward0"),
    ((5, 1, 2, 3), (4, 3, 2), True, "UnsafeViewBackward0"), ((1, 2, 3), (4, 3, 1), True, "TransposeBackward0"),
]


@pytest.mark.parametrize("s1, s2, left_requires_grad, name", MATMUL_NAMES)
def test_matmul_grad_fn_names_are_pytorchs(s1, s2, left_requires_grad, name):
    a = torch.ones(*s1, requires_grad=left_requires_grad)
    b = torch.ones(*s2, requires_grad=True)
    assert (a @ b).grad_fn.name() == name


def test_other_grad_fn_names_are_pytorchs():
    a = torch.ones(2, 3, requires_grad=True)
    v = torch.ones(3, requires_grad=True)
    assert torch.bmm(a.unsqueeze(0), a.t().unsqueeze(0)).grad_fn.name() == "BmmBackward0"
    assert torch.vdot(v, v).grad_fn.name() == "VdotBackward0"
    assert torch.outer(v, v).grad_fn.name() == "MulBackward0"
    assert torch.addmm(torch.ones(2, 2), a, a.t()).grad_fn.name() == "AddmmBackward0"
    assert torch.einsum("ij,jk->ik", a, a.t()).grad_fn.name() == "ViewBackward0"
    assert torch.einsum("ii", torch.ones(2, 2, requires_grad=True)).grad_fn.name() == "SumBackward1"
    assert torch.einsum("ij->ji", a).grad_fn.name() == "PermuteBackward0"
    assert torch.einsum("i,j->ij", v, v).grad_fn.name() == "MulBackward0"


ERRORS = [
    (lambda: torch.ones(2, 3).mm(torch.ones(3)), RuntimeError, "mat2 must be a matrix"),
    (lambda: torch.ones(3).mm(torch.ones(3, 2)), RuntimeError, "self must be a matrix"),
    (lambda: torch.ones(2, 3).mm(torch.ones(2, 3)), RuntimeError, "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"),
    (lambda: torch.ones(2, 2).mm(torch.ones(2, 2, dtype=torch.float64)), RuntimeError,
     "expected m1 and m2 to have the same dtype, but got: float != double"),
    (lambda: torch.tensor([[1, 2]]) @ torch.tensor([[1.0], [2.0]]), RuntimeError,
     "expected m1 and m2 to have the same dtype, but got: long int != float"),
    (lambda: torch.ones(3) @ torch.ones(4), RuntimeError,
     "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 "
     "elements respectively"),
    (lambda: torch.ones(2, 3) @ torch.ones(4), RuntimeError, "size mismatch, got input (2), mat (2x3), vec (4)"),
    (lambda: torch.ones(4) @ torch.ones(2, 3), RuntimeError, "mat1 and mat2 shapes cannot be multiplied (1x4 and 2x3)"),
    (lambda: torch.ones(2, 3, 4) @ torch.ones(3, 4, 2), RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
    (lambda: torch.ones(2, 3, 4) @ torch.ones(5, 2), RuntimeError, "mat1 and mat2 shapes cannot be multiplied (6x4 and 5x2)"),
    (lambda: torch.ones(2, 3, 4) @ torch.ones(5), RuntimeError, "size mismatch, got input (6), mat (6x4), vec (5)"),
    (lambda: torch.ones(5) @ torch.ones(2, 3, 4), RuntimeError,
     "Expected size for first two dimensions of batch2 tensor to be: [2, 5] but got: [2, 3]."),
    (lambda: torch.tensor(2.0) @ torch.ones(2), RuntimeError,
     "both arguments to matmul need to be at least 1D, but they are 0D and 1D"),
    (lambda: torch.ones(2, 2, 2) @ torch.ones(2, 2, 2, dtype=torch.float64), RuntimeError,
     "expected scalar type Float but found Double"),
    (lambda: torch.ones(2, 2) @ torch.ones(2, dtype=torch.float64), RuntimeError,
     "addmv input tensors must have the same dtype, but got Double, Float, and Double"),
    (lambda: torch.bmm(torch.ones(2, 3), torch.ones(3, 2)), RuntimeError, "batch1 must be a 3D tensor"),
    (lambda: torch.ones(2, 2, 3).bmm(torch.ones(3, 3, 1)), RuntimeError,
     "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [3, 3]."),
    (lambda: torch.ones(2, 3).mv(torch.ones(3, 1)), RuntimeError, "vector + matrix @ vector expected, got 1, 2, 2"),
    (lambda: torch.dot(torch.ones(2, 2), torch.ones(2, 2)), RuntimeError, "1D tensors expected, but got 2D and 2D tensors"),
    (lambda: torch.dot(torch.tensor([1, 2]), torch.tensor([1.0, 2.0])), RuntimeError,
     "dot : expected both vectors to have same dtype, but found Long and Float"),
    (lambda: torch.ones(2, 2, dtype=torch.bool) @ torch.ones(2, 2, dtype=torch.bool), NotImplementedError,
     "\"addmm_impl_cpu_\" not implemented for 'Bool'"),
    (lambda: torch.outer(torch.ones(2, 2), torch.ones(2)), RuntimeError, "outer: Expected 1-D argument self, but got 2-D"),
    (lambda: torch.einsum("ij,jk->ik", torch.ones(2, 3), torch.ones(2, 3)), RuntimeError,
     "einsum(): subscript j has size 2 for operand 1 which does not broadcast with previously seen size 3"),
    (lambda: torch.einsum("ij,jk->ik", torch.ones(2, 3)), RuntimeError,
     "einsum(): fewer operands were provided than specified in the equation"),
    (lambda: torch.einsum("ij->ik", torch.ones(2, 3)), RuntimeError,
     "einsum(): output subscript k does not appear in the equation for any input operand"),
    (lambda: torch.einsum("ijk->ij", torch.ones(2, 3)), RuntimeError,
     "einsum(): the number of subscripts in the equation (3) does not match the number of dimensions (2) for "
     "operand 0 and no ellipsis was given"),
    (lambda: torch.einsum("ij,jk->ik", torch.ones(2, 3), torch.ones(3, 3, dtype=torch.float64)), RuntimeError,
     "expected scalar type Float but found Double"),
]


@pytest.mark.parametrize("expr, cls, message", ERRORS)
def test_errors_are_pytorchs(expr, cls, message):
    with pytest.raises(cls) as info:
        expr()
    assert str(info.value) == message


# ---------------------------------------------------------------- second derivatives (create_graph=True)


def check_second_derivatives(fn, arrays, eps=1e-6, rtol=1e-4, atol=1e-6):
    """The gradient of <grad fn(x), v> (built with create_graph=True) agrees with finite differences of grad fn."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    rng = np.random.default_rng(0)
    v = [rng.standard_normal(a.shape) for a in arrays]

    def directional(values):
        inputs = [torch.tensor(a, requires_grad=True) for a in values]
        grads = torch.autograd.grad(fn(*inputs), inputs, create_graph=True)
        total = sum((g * torch.tensor(d)).sum() for g, d in zip(grads, v))
        return total, inputs

    total, inputs = directional(arrays)
    analytic = torch.autograd.grad(total, inputs, allow_unused=True)
    for i, a in enumerate(arrays):
        numeric = np.zeros(a.size)
        for k in range(a.size):
            plus, minus = [x.copy() for x in arrays], [x.copy() for x in arrays]
            plus[i].reshape(-1)[k] += eps
            minus[i].reshape(-1)[k] -= eps
            numeric[k] = (directional(plus)[0].item() - directional(minus)[0].item()) / (2 * eps)
        got = np.zeros(a.size) if analytic[i] is None else analytic[i].detach().numpy().reshape(-1)
        np.testing.assert_allclose(got, numeric, rtol=rtol, atol=atol, err_msg=f"input {i}")


A23 = np.arange(6.0).reshape(2, 3) / 5
SECOND_ORDER = [
    (lambda a, b: ((a @ b) ** 2).sum(), [A23, np.arange(6.0).reshape(3, 2) / 7]),
    (lambda a, b: ((a @ b) ** 2).sum(), [np.arange(12.0).reshape(2, 2, 3) / 9, np.arange(3.0) - 1]),
    (lambda a, b: ((a @ b) ** 2).sum(), [np.arange(2.0) + 0.5, np.arange(12.0).reshape(2, 2, 3) / 9]),
    (lambda a, b: (torch.einsum("ij,jk->ik", a, b) ** 2).sum(), [A23, np.arange(6.0).reshape(3, 2) / 7]),
    (lambda a, b: (torch.bmm(a, b) ** 2).sum(), [np.arange(12.0).reshape(2, 2, 3) / 9, np.ones((2, 3, 1))]),
]


@pytest.mark.parametrize("fn, arrays", SECOND_ORDER)
def test_second_derivatives_of_products(fn, arrays):
    check_second_derivatives(fn, arrays)


LINALG_GRADIENTS = [
    (lambda a: linalg.det(a), [np.array([[2.0, 1.0], [0.5, 3.0]])]),
    (lambda a: linalg.det(a), [np.array([[1.0, 2.0], [2.0, 4.0]])]),  # singular: the cofactors
    (lambda a: linalg.inv(a), [np.array([[2.0, 1.0], [0.5, 3.0]])]),
    (lambda a, b: linalg.cross(a, b), [np.array([1.0, 2.0, 3.0]), np.array([-1.0, 0.5, 2.0])]),
    (lambda a: linalg.matrix_power(a, 3), [np.array([[0.5, 1.0], [-0.3, 0.8]])]),
    (lambda a: linalg.matrix_power(a, -2), [np.array([[2.0, 1.0], [0.5, 3.0]])]),
    (lambda a: linalg.matrix_norm(a, "nuc"), [np.array([[2.0, 1.0], [0.5, 3.0]])]),
    (lambda a: linalg.matrix_norm(a, 2), [np.array([[2.0, 1.0], [0.5, 3.0]])]),
    (lambda a: linalg.matrix_norm(a, -2, keepdim=True), [np.array([[2.0, 1.0], [0.5, 3.0]])]),
    (lambda a: linalg.matrix_norm(a, 1), [np.array([[2.0, -1.0], [0.5, 3.0]])]),
]


@pytest.mark.parametrize("fn, arrays", LINALG_GRADIENTS)
def test_torch_linalg_gradients_match_finite_differences(fn, arrays):
    check_gradients(fn, arrays)


def test_products_save_a_factor_only_when_the_other_needs_a_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y @ torch.tensor([3.0, 4.0])  # y's value is not needed: writing into it later is fine
    y.add_(1)
    z.backward()
    assert x.grad.tolist() == [3.0, 4.0]
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    y = x * 1
    z = y @ w  # now w's gradient reads y
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()
