"""Lazy modules and torch.functional: what the golden cases cannot show (the engine's own wording
where PyTorch's names a C function, the guards on cls_to_become, copies, the language's import)."""

import copy

import pytest

from tensorsh import engine as torch
from tensorsh.engine import nn
from tensorsh.lang.session import Session

# torch/functional.py's __all__ in PyTorch 2.13.
PYTORCH_FUNCTIONAL_ALL = (
    "atleast_1d atleast_2d atleast_3d broadcast_shapes broadcast_tensors cartesian_prod block_diag cdist "
    "chain_matmul einsum istft lu norm meshgrid pca_lowrank split stft svd_lowrank tensordot unique "
    "unique_consecutive unravel_index").split()


def test_using_an_uninitialized_parameter_raises_pytorchs_error():
    w = nn.LazyLinear(3).weight
    for use in (lambda: w + 1, lambda: w.sum(), lambda: w.detach(), lambda: nn.init.normal_(w),
                lambda: torch.nn.functional.linear(torch.ones(2, 2), w), lambda: len(w)):
        with pytest.raises(ValueError, match="^Attempted to use an uninitialized parameter in .*`LazyModule`"):
            use()


def test_the_first_call_materializes_in_place_and_gradients_flow():
    m = nn.LazyLinear(2)
    weight, bias = m.weight, m.bias
    m(torch.ones(4, 3)).sum().backward()
    assert m.weight is weight and m.bias is bias and type(weight) is nn.Parameter
    assert weight.grad.shape == (2, 3) and bias.grad.tolist() == [4.0, 4.0]
    assert type(m) is nn.Linear and not hasattr(m, "_initialize_hook") and not m._forward_pre_hooks


def test_a_lazy_module_copies_uninitialized():
    m = copy.deepcopy(nn.LazyLinear(2, dtype=torch.float64))
    assert isinstance(m.weight, nn.UninitializedParameter) and m.weight.dtype == torch.float64
    assert m(torch.ones(1, 5, dtype=torch.float64)).shape == (1, 2)


def test_cls_to_become_only_turns_a_module_into_a_base_of_its_class():
    m = nn.LazyLinear(2)
    m.cls_to_become = nn.ReLU
    with pytest.raises(TypeError, match="cls_to_become"):
        m(torch.ones(1, 3))
    assert type(m) is nn.LazyLinear


def test_materialize_only_becomes_a_parameter():
    p = nn.UninitializedParameter()
    p.__dict__["cls_to_become"] = torch.Generator  # what an instance attribute would do
    with pytest.raises(TypeError, match="cls_to_become"):
        p.materialize((2,))
    assert type(p) is nn.UninitializedParameter


def test_torch_functional_has_the_engines_names_of_pytorchs_all():
    expected = [name for name in PYTORCH_FUNCTIONAL_ALL if hasattr(torch, name)]
    assert sorted(torch.functional.__all__) == sorted(expected)
    for name in expected:
        assert getattr(torch.functional, name) is getattr(torch, name)


def test_torch_functional_imports_in_the_language():
    session = Session()
    shown = []
    session.run("import torch.functional as F\nfrom torch.functional import einsum\n"
                "F.split is torch.split, einsum is torch.einsum, F.norm(torch.tensor([3., 4.])).item()",
                "<test>", shown.append)
    assert shown == [(True, True, 5.0)]


@pytest.mark.parametrize("build", [
    lambda: nn.LazyLinear(10**6)(torch.ones(1, 10**6)),
    lambda: nn.LazyLinear(10**30)(torch.ones(1, 2)),
    lambda: nn.UninitializedParameter().materialize((10**6, 10**6)),
    lambda: nn.LazyConv2d(10**4, 11)(torch.ones(1, 10**4, 11, 11)),
])
def test_materializing_beyond_the_memory_limit_is_refused_before_allocating(build):
    from tensorsh.engine import limits

    old = limits.max_memory()
    limits.set_max_memory(64 * 2**20)
    try:
        with pytest.raises(RuntimeError, match="memory limit"):
            build()
    finally:
        limits.set_max_memory(old)
