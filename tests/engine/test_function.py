"""torch.autograd.Function and torch.autograd.functional beyond the golden cases: how often
backward runs, nodes' shapes in the graph, and products checked against full Jacobians."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tensorsh import engine as torch
from tensorsh.engine.function import FunctionCtx

F = torch.autograd.functional


class SinCos(torch.autograd.Function):
    calls = 0

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.sin(), x.cos()

    @staticmethod
    def backward(ctx, gs, gc):
        SinCos.calls += 1
        (x,) = ctx.saved_tensors
        return gs * x.cos() - gc * x.sin()


def test_several_outputs_run_backward_once():
    SinCos.calls = 0
    x = torch.tensor([0.3, 1.2], requires_grad=True)
    s, c = SinCos.apply(x)
    (s * 2 + c * 3 + s * c).sum().backward()
    assert SinCos.calls == 1
    expected = 2 * np.cos([0.3, 1.2]) - 3 * np.sin([0.3, 1.2]) + np.cos(2 * np.array([0.3, 1.2]))
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


def test_several_outputs_with_retain_graph_and_a_second_pass():
    SinCos.calls = 0
    x = torch.tensor([0.5], requires_grad=True)
    s, c = SinCos.apply(x)
    loss = (s + c).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    assert SinCos.calls == 2
    np.testing.assert_allclose(x.grad.numpy(), 2 * (np.cos(0.5) - np.sin(0.5)), rtol=1e-6)
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()


def test_grad_fn_repr_and_name():
    class Twice(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    y = Twice.apply(torch.ones(1, requires_grad=True))
    assert y.grad_fn.name() == "TwiceBackward"
    assert re.fullmatch(r"<torch\.autograd\.function\.TwiceBackward object at 0x[0-9a-f]+>", repr(y.grad_fn))


def test_ctx_is_open_to_programs_and_lists_its_api():
    assert FunctionCtx._public_instance_attributes is True
    names = {n for n in dir(FunctionCtx) if not n.startswith("_")}
    assert {"save_for_backward", "saved_tensors", "needs_input_grad", "mark_dirty", "mark_non_differentiable",
            "set_materialize_grads"} <= names


def test_custom_function_matches_builtin_ops_in_double_backward():
    class Tanh(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.tanh()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * (1 - y * y)

    x = torch.tensor([-0.7, 0.1, 1.3], dtype=torch.float64, requires_grad=True)
    (g1,) = torch.autograd.grad(Tanh.apply(x).sum(), x, create_graph=True)
    (h1,) = torch.autograd.grad(g1.sum(), x)
    (g2,) = torch.autograd.grad(x.tanh().sum(), x, create_graph=True)
    (h2,) = torch.autograd.grad(g2.sum(), x)
    np.testing.assert_allclose(g1.detach().numpy(), g2.detach().numpy())
    np.testing.assert_allclose(h1.numpy(), h2.numpy())


def test_variable_is_an_alias_outside_the_graph():
    t = torch.ones(2, requires_grad=True) * 2
    v = torch.autograd.Variable(t)
    assert v.grad_fn is None and not v.requires_grad
    v.add_(1)
    assert t.detach().tolist() == [3.0, 3.0]  # shares t's memory, as PyTorch's Variable(t) does


def _f(a, b):
    return (a.sin() * b[:2].sum(), (a * a).sum() * b)


def test_functional_products_agree_with_the_jacobian():
    a = torch.tensor([0.2, -0.4, 1.1], dtype=torch.float64)
    b = torch.tensor([1.5, -0.3], dtype=torch.float64)
    (ja, jb), (ka, kb) = F.jacobian(_f, (a, b))
    va, vb = torch.tensor([1.0, 2.0, -1.0], dtype=torch.float64), torch.tensor([0.5, 3.0], dtype=torch.float64)
    u0, u1 = torch.tensor([1.0, -1.0, 2.0], dtype=torch.float64), torch.tensor([2.0, 1.0], dtype=torch.float64)
    _, (jv0, jv1) = F.jvp(_f, (a, b), (va, vb))
    np.testing.assert_allclose(jv0.numpy(), ja.numpy() @ va.numpy() + jb.numpy() @ vb.numpy())
    np.testing.assert_allclose(jv1.numpy(), ka.numpy() @ va.numpy() + kb.numpy() @ vb.numpy())
    _, (ua, ub) = F.vjp(_f, (a, b), (u0, u1))
    np.testing.assert_allclose(ua.numpy(), u0.numpy() @ ja.numpy() + u1.numpy() @ ka.numpy())
    np.testing.assert_allclose(ub.numpy(), u0.numpy() @ jb.numpy() + u1.numpy() @ kb.numpy())


def test_hvp_and_vhp_agree_with_the_hessian():
    def g(x):
        return (x[0] * x[1] ** 2 + x.exp().sum() * x[2]).reshape(())

    x = torch.tensor([0.3, -1.2, 0.8], dtype=torch.float64)
    v = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    H = F.hessian(g, x).numpy()
    np.testing.assert_allclose(F.hvp(g, x, v)[1].numpy(), H @ v.numpy())
    np.testing.assert_allclose(F.vhp(g, x, v)[1].numpy(), v.numpy() @ H)


def test_vjp_create_graph_keeps_the_result_differentiable():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    out, g = F.vjp(lambda a: a ** 3, x, torch.ones(2), create_graph=True)
    assert out.requires_grad and g.requires_grad
    g.sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]
    _, g = F.vjp(lambda a: a ** 3, x, torch.ones(2))
    assert not g.requires_grad
