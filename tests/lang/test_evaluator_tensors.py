"""The language over the engine: the forms of DESIGN.md section 1 on tensors.

Expected reprs are PyTorch's for the same code (the language is a Python subset).
"""

from __future__ import annotations

import pytest

from tensorsh.lang.errors import TensorshError
from tensorsh.lang.session import Session


def shown(source: str) -> list[str]:
    out: list[str] = []
    Session(write=out.append).run(source, "<t>", lambda value: out.append(repr(value) + "\n"))
    return "".join(out).splitlines()


def test_augmented_assignment_on_a_tensor_is_in_place():
    # Python's rule: x += 1 calls Tensor.__iadd__, so an alias sees the change.
    assert shown("x = torch.zeros(2)\ny = x\nx += 1\ny") == ["tensor([1., 1.])"]
    assert shown("m = torch.eye(2)\nm @= torch.tensor([[1., 2.], [3., 4.]])\nm") == [
        "tensor([[1., 2.],", "        [3., 4.]])"]


def test_index_assignment_and_augmented_index_assignment():
    assert shown("t = torch.zeros(2, 3)\nt[0] = 5\nt[:, -1] = torch.tensor([7., 8.])\nt[1, 0] += 2\nt") == [
        "tensor([[5., 5., 7.],", "        [2., 0., 8.]])"]


@pytest.mark.parametrize("index,expected", [
    ("t[1]", "tensor([3, 4, 5])"),
    ("t[-1, ::2]", "tensor([6, 8])"),
    ("t[..., 1]", "tensor([1, 4, 7])"),
    ("t[None].shape", "torch.Size([1, 3, 3])"),
    ("t[[0, 2]][:, 0]", "tensor([0, 6])"),
    ("t[(1, 2)]", "tensor(5)"),
    ("t[t > 6]", "tensor([7, 8])"),
    ("t[torch.tensor([2, 0]), 1]", "tensor([7, 1])"),
])
def test_subscripts(index, expected):
    assert shown(f"t = torch.arange(9).view(3, 3)\n{index}") == [expected]


def test_python_int_float_bool_are_dtypes_too():
    assert shown("torch.ones(2, dtype=float)\ntorch.tensor([1.5]).to(int)\ntorch.tensor([0, 2]).to(bool)\n"
                 "torch.float, torch.int, float32") == [
        "tensor([1., 1.], dtype=torch.float64)", "tensor([1])", "tensor([False,  True])",
        "(torch.float32, torch.int32, torch.float32)"]


def test_grad_gives_one_tensor_for_one_input_and_a_tuple_for_several():
    assert shown("x = torch.tensor([1., 2.], requires_grad=True)\ngrad((x * x).sum(), x)") == [
        "tensor([2., 4.])"]
    assert shown("a = torch.tensor(2., requires_grad=True)\nb = torch.tensor(3., requires_grad=True)\n"
                 "grad(a * b, [a, b])") == ["(tensor(3.), tensor(2.))"]
    assert shown("from torch.autograd import grad\nx = torch.tensor(1., requires_grad=True)\n"
                 "grad(x * 4, x)") == ["(tensor(4.),)"]


def test_with_no_grad_and_lambda_over_tensors():
    assert shown("x = torch.ones(2, requires_grad=True)\nwith torch.no_grad():\n    y = x * 2\n"
                 "y.requires_grad, (x * 2).requires_grad") == ["(False, True)"]
    assert shown("sq = lambda t, p=2: t ** p\nsq(torch.tensor([3.]))") == ["tensor([9.])"]


def test_tensor_attributes_come_from_the_public_names_of_tensor():
    session = Session()
    session.run("t = torch.ones(1)", "<t>")
    names = session.attributes(session.variables["t"])
    assert {"shape", "view", "unsqueeze", "grad", "requires_grad", "backward"} <= set(names)
    assert not any(name.startswith("_") for name in names)


def test_engine_errors_keep_pytorchs_class_and_message():
    with pytest.raises(TensorshError) as info:
        Session().run("a = torch.rand(5, 2, 3)\nb = torch.rand(5)\n\na.mm(b)", "cell.tsh")
    error = info.value
    assert (error.kind, error.message) == ("RuntimeError", "self must be a matrix")
    assert (error.span.line, error.span.column, error.span.end_column) == (4, 2, 5)  # `.mm`; a and b labelled


def test_design_builtins_are_pythons_and_torch_keeps_its_own():
    assert shown("max(3, 7), sum([1, 2]), round(2.5), abs(-1)\ntorch.max(torch.tensor([1, 5]))\n"
                 "float, int") == ["(7, 3, 2, 1)", "tensor(5)", "(<class 'float'>, <class 'int'>)"]
