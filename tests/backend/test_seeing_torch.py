"""Shapes explained and `:shape` on `--backend torch`: PyTorch's tensors are labelled as the engine's are.

PyTorch's operators run in C, so an operand is labelled where a Python frame received it:
the guarded operators (`@`, `*`, `**`, `%`, `<<`) and PyTorch's functions written in Python.
Shapes are the operands' own (mathematics), the first line PyTorch's message.
"""

from __future__ import annotations

import pytest

from tensorsh.lang.errors import TensorshError
from tensorsh.lang.session import Session
from tensorsh.lang.tracing import trace

pytest.importorskip("torch")


@pytest.fixture(scope="module")
def session():
    s = Session(backend="torch")
    s.run("x = torch.ones(4, 3)", "<t>")
    return s


def test_a_product_of_pytorchs_tensors_labels_its_operands(session):
    with pytest.raises(TensorshError) as info:
        session.run("x @ torch.ones(4, 2)", "<t>")
    error = info.value
    assert error.message == "mat1 and mat2 shapes cannot be multiplied (4x3 and 4x2)"
    assert [label for _, label in error.labels] == ["(4, 3)", "(4, 2)"]
    assert error.explanation[-1].endswith("^ 3 against 4")


def test_shape_describes_pytorchs_tensors_and_sizes(session):
    steps, error = trace(session, "(x @ x.T).sum(0).shape")
    assert error is None
    root = steps[0]
    assert (root.value.kind, root.value.text) == ("Size", "torch.Size([4])")
    assert [(s.source, s.value.shape, s.value.kind) for s in (root.children[0], root.children[0].children[0])] == [
        ("(x @ x.T).sum(0)", (4,), "float32"), ("x @ x.T", (4, 4), "float32")]
