"""Every differentiable op's backward agrees with central finite differences."""

import gc
import weakref

import numpy as np
import pytest

from tensorsh import engine as torch

from tensorsh.engine.ops.registry import OPS
from tests.engine.grad_cases import all_cases
from tests.engine.gradcheck import check_gradients

CASES = all_cases()


@pytest.mark.parametrize("name, fn, arrays", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_gradient_matches_finite_differences(name, fn, arrays):
    check_gradients(fn, arrays, rtol=getattr(fn, "rtol", 1e-4))


@pytest.mark.parametrize("name, fn, arrays", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_gradient_with_create_graph_matches_finite_differences(name, fn, arrays):
    # Each op's one backward formula, run with the graph recorded (create_graph=True), gives
    # the same gradients: double backward starts from here.
    check_gradients(fn, arrays, rtol=getattr(fn, "rtol", 1e-4), create_graph=True)


def test_every_differentiable_op_has_a_gradient_check():
    covered = {name for name, _, _ in CASES}
    missing = sorted(name for name, entry in OPS.items() if entry.differentiable and name not in covered)
    assert not missing, f"differentiable ops without a gradient check: {missing}"


@pytest.mark.parametrize("name, fn, arrays", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_result_is_freed_when_dropped(name, fn, arrays):
    # A graph holds no reference cycles through its results, as PyTorch's does not: a result
    # nobody uses goes at once, with its array, instead of waiting for the garbage collector.
    inputs = [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays]
    gc.disable()
    try:
        result = fn(*inputs)
        outputs = [result] if isinstance(result, torch.Tensor) else [r for r in result if isinstance(r, torch.Tensor)]
        refs = [weakref.ref(t) for t in outputs]
        del result, outputs
        assert [r() for r in refs] == [None] * len(refs)
    finally:
        gc.enable()


def _gradient_of(f):
    """x -> d(sum f(x))/dx, recorded (create_graph=True) so that it can be differentiated again."""

    def gradient(a):
        x = a if a.requires_grad else a.detach().requires_grad_()
        (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
        return g

    return gradient


_RNG = np.random.default_rng(5)
_X = _RNG.uniform(0.5, 1.5, (2, 3))
_M = _RNG.standard_normal((3, 2))
SECOND_ORDER = [
    ("exp", torch.exp), ("log", torch.log), ("sin", torch.sin), ("tanh", torch.tanh),
    ("sigmoid", torch.sigmoid), ("sqrt", torch.sqrt), ("cube", lambda x: x ** 3),
    ("square_product", lambda x: x * x * 2), ("reciprocal", lambda x: 1 / x), ("div", lambda x: x / (x + 1)),
    ("softmax", lambda x: torch.softmax(x, dim=1) * torch.arange(3.0)), ("matmul", lambda x: (x @ torch.tensor(_M)) ** 2),
    ("mean_var", lambda x: x.var(dim=1) + x.mean()), ("relu", lambda x: torch.relu(x - 1) ** 2),
]


@pytest.mark.parametrize("name, f", SECOND_ORDER, ids=[n for n, _ in SECOND_ORDER])
def test_second_derivatives_match_finite_differences(name, f):
    # The backward formulas are tensor ops: their own gradients are the second derivatives.
    check_gradients(_gradient_of(f), [_X])
