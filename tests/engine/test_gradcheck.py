"""Every differentiable op's backward agrees with central finite differences."""

import pytest

from tensorsh.engine.ops.registry import OPS
from tests.engine.grad_cases import all_cases
from tests.engine.gradcheck import check_gradients

CASES = all_cases()


@pytest.mark.parametrize("name, fn, arrays", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_gradient_matches_finite_differences(name, fn, arrays):
    check_gradients(fn, arrays)


def test_every_differentiable_op_has_a_gradient_check():
    covered = {name for name, _, _ in CASES}
    missing = sorted(name for name, entry in OPS.items() if entry.differentiable and name not in covered)
    assert not missing, f"differentiable ops without a gradient check: {missing}"
