"""Autograd semantics: accumulation, graph freeing, grad modes, higher derivatives, errors."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorsh import engine as torch


def test_grad_accumulates_until_reset():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    for expected in ([2.0, 4.0], [4.0, 8.0]):
        (w * w).sum().backward()
        np.testing.assert_array_equal(w.grad.numpy(), expected)
    w.grad.zero_()
    np.testing.assert_array_equal(w.grad.numpy(), [0.0, 0.0])
    w.grad = None
    (w * 3).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [3.0, 3.0])


def test_second_backward_through_freed_graph_fails_unless_retained():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_non_scalar_backward_needs_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()
    (x * 2).backward(gradient=torch.tensor([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 20.0])


def test_backward_on_tensor_without_grad_fails():
    with pytest.raises(RuntimeError, match="does not require grad"):
        torch.tensor([1.0]).sum().backward()


def test_third_derivative_of_cube_is_six():
    x = torch.tensor(1.5, requires_grad=True)
    (d1,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    (d2,) = torch.autograd.grad(d1, x, create_graph=True)
    (d3,) = torch.autograd.grad(d2, x)
    assert (d1.item(), d2.item(), d3.item()) == (3 * 1.5 ** 2, 6 * 1.5, 6.0)


def test_grad_of_unused_input_needs_allow_unused():
    x = torch.tensor(1.0, requires_grad=True)
    z = torch.tensor(2.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="index 1 appears to not have been used"):
        torch.autograd.grad(x * 2, [x, z])
    gx, gz = torch.autograd.grad(x * 2, [x, z], allow_unused=True)
    assert gx.item() == 2.0 and gz is None


def test_no_grad_as_context_and_decorator_and_set_grad_enabled():
    x = torch.tensor([1.0], requires_grad=True)
    with torch.no_grad():
        assert not (x * 2).requires_grad
        with torch.enable_grad():
            assert (x * 2).requires_grad

    @torch.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad
    assert torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        torch.set_grad_enabled(True)
    with torch.set_grad_enabled(False):
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()


def test_inplace_on_leaf_that_requires_grad_fails_but_not_under_no_grad():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        w.add_(1)
    with torch.no_grad():
        w.sub_(torch.tensor([0.5, 0.5]))
    np.testing.assert_array_equal(w.detach().numpy(), [0.5, 1.5])


def test_saved_tensor_modified_in_place_is_detected():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_op_on_non_leaf_is_differentiated():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    x = w * 2
    x.mul_(w)  # x = 2 w^2
    x.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [4.0, 8.0])


def test_retain_grad_fills_non_leaf_grad():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    (y * y).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [6.0, 12.0])
    np.testing.assert_array_equal(x.grad.numpy(), [18.0, 36.0])


def test_detach_cuts_the_graph_and_shares_memory():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.grad_fn is None
    y = x * 1
    dy = y.detach()
    dy.zero_()
    np.testing.assert_array_equal(y.detach().numpy(), [0.0, 0.0])


def test_integer_cast_ends_the_graph():
    x = torch.tensor([1.5], requires_grad=True)
    assert not x.long().requires_grad
    assert x.double().requires_grad


def test_gradient_is_cast_back_to_the_input_dtype():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x.double() * torch.tensor([3.0, 4.0], dtype=torch.float64)).sum().backward()
    assert x.grad.dtype is torch.float32
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])


shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_broadcast_gradients_reduce_to_each_input_shape(data):
    """d/dx sum(x * y) is y summed over the dimensions x was broadcast along (and vice versa)."""
    shape = data.draw(shapes)
    # y's shape: a suffix of shape, with some dimensions set to 1.
    k = data.draw(st.integers(0, len(shape)))
    yshape = tuple(1 if data.draw(st.booleans()) else d for d in shape[len(shape) - k:])
    xa = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
    ya = data.draw(hnp.arrays(np.float64, yshape, elements=st.floats(-3, 3)))
    x = torch.tensor(xa, requires_grad=True)
    y = torch.tensor(ya, requires_grad=True)
    (x * y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.broadcast_to(ya, shape))
    expected_y = np.broadcast_to(xa, np.broadcast_shapes(shape, yshape))
    lead = expected_y.ndim - len(yshape)
    expected_y = expected_y.sum(axis=tuple(range(lead)))
    expected_y = expected_y.sum(axis=tuple(i for i, d in enumerate(yshape) if d == 1), keepdims=True)
    np.testing.assert_allclose(y.grad.numpy(), expected_y.reshape(yshape))


def test_implicit_gradient_needs_a_real_scalar():
    # Messages as PyTorch 2.13 gives them.
    x = torch.tensor(1 + 2j, requires_grad=True)
    message = "grad can be implicitly created only for real scalar outputs but got torch.complex64"
    with pytest.raises(RuntimeError, match=re.escape(message)):
        (x * x).backward()
    with pytest.raises(RuntimeError, match=re.escape(message)):
        torch.autograd.grad(x * x, x)
    w = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (w * 2).backward()
