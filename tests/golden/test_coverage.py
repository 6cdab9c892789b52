"""Every registered op has golden cases recorded from PyTorch: forward, gradient, grad_fn names.

One replay of the corpus (coverage.py) per module; runs without torch. A missing op
here is fixed by adding a case to cases/ops_<family>.tsh and re-recording it.
"""

from __future__ import annotations

import pytest

from . import coverage, runner


@pytest.fixture(scope="module")
def replayed():
    from tensorsh.engine.ops.registry import OPS

    recorded = runner.load_recorded()
    return OPS, recorded, coverage.replay(recorded)


def test_every_op_has_a_golden_case(replayed):
    _, _, usage = replayed
    missing = coverage.without_forward(usage)
    assert not missing, f"no passing golden case calls these ops: {', '.join(missing)}"


def test_every_differentiable_op_has_a_golden_gradient(replayed):
    ops, recorded, usage = replayed
    missing = coverage.without_gradient(usage, recorded, ops)
    assert not missing, (
        "no passing golden case runs the backward of a node these ops create and shows its grad_fn: "
        + ", ".join(missing)
    )


def test_grad_fn_names_are_declared_and_recorded(replayed):
    ops, recorded, usage = replayed
    printed = "\n".join(c["stdout"] for r in recorded.values() for c in r["cases"])
    undeclared, unseen = [], []
    for name, entry in sorted(ops.items()):
        created = sorted(set(usage[name].grad_fns) - set(entry.grad_fns))
        if created:
            undeclared.append(f"{name} ({', '.join(created)})")
        never_printed = [g for g in entry.grad_fns if not coverage.shows(printed, g)]
        if never_printed:
            unseen.append(f"{name} ({', '.join(never_printed)})")
    assert not (undeclared or unseen), (
        f"ops created grad_fns they do not declare: {', '.join(undeclared) or 'none'}\n"
        f"declared grad_fns no PyTorch recording shows: {', '.join(unseen) or 'none'}"
    )
