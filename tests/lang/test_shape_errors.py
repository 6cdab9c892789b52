"""Shape errors explained (lang/shapes.py): which operands get labelled, with what, and what never runs.

The full diagnostics are cases in errors/ (shape_error_*.tsh); here, the rules behind them.
Shapes are the operands' own (mathematics), the first line PyTorch's message.
"""

from __future__ import annotations

import pytest

from tensorsh.lang.errors import TensorshError, render
from tensorsh.lang.session import Session


def error_of(source: str, session: Session | None = None) -> TensorshError:
    with pytest.raises(TensorshError) as info:
        (session or Session()).run(source, "<t>", lambda value: None)
    return info.value


def labels(error: TensorshError) -> list[str]:
    return [label for _, label in error.labels]


@pytest.mark.parametrize("source,expected", [
    ("torch.ones(2, 3) + torch.ones(4, 5)", ["(2, 3)", "(4, 5)"]),
    ("torch.add(torch.ones(3), torch.ones(4))", ["(3,)", "(4,)"]),
    ("x = torch.ones(2, 3)\nx.add(torch.ones(4))", ["(2, 3)", "(4,)"]),  # the receiver is an operand
    ("2 * torch.ones(2, 3) * torch.ones(3, 2)", ["(2, 3)", "(3, 2)"]),  # through the guard for *
    ("torch.ones(2, 3) @ torch.ones(2, 3)", ["(2, 3)", "(2, 3)"]),
    ("torch.mm(torch.ones(2, 3), torch.ones(2, 3))", ["(2, 3)", "(2, 3)"]),  # torch is a module, not a receiver
    ("torch.cat((torch.ones(2, 3), torch.ones(2, 4)))", ["(2, 3)", "(2, 4)"]),  # a tuple written out
    ("torch.cat(tensors=[torch.ones(2, 3), torch.ones(2, 4)])", ["[(2, 3), (2, 4)]"]),  # by keyword
    ("xs = [torch.ones(1)] * 5 + [torch.ones(2)]\ntorch.stack(xs)", ["[(1,), (1,), (1,), (1,), … 2 more]"]),
    ("torch.ones(6).view(4, 2)", ["(6,)"]),
    ("t = torch.ones(3)\nt += torch.ones(2, 3)", ["(3,)", "(2, 3)"]),
    ("m = nn.Linear(3, 2)\nm(torch.ones(4, 5))", ["(4, 5)"]),  # the layer is the operator
    ("x = torch.ones(2, 3)\nx[:, 5]", ["(2, 3)"]),  # the brackets are the operator
])
def test_each_tensor_operand_is_labelled_with_its_shape(source, expected):
    assert labels(error_of(source)) == expected


def test_the_span_is_the_operator_and_the_labels_the_operands():
    error = error_of("torch.ones(2, 3) + torch.ones(4, 5)")
    assert error.span[1:] == (18, 1, 19)  # `+`
    assert [span for span, _ in error.labels] == [(1, 1, 1, 17), (1, 20, 1, 36)]


def test_brackets_and_spaces_around_an_operator_are_not_the_operator():
    error = error_of("a = torch.ones(2, 3)\n(a) @ (a)")
    assert (error.span.column, error.span.end_column) == (5, 6)


def test_broadcasting_lines_the_shapes_up_from_the_right_and_marks_the_clash():
    error = error_of("torch.ones(8, 3, 4) - torch.ones(5, 1)")
    assert error.message.endswith("tensor a (3) must match the size of tensor b (5) at non-singleton dimension 1")
    assert error.explanation == [
        "broadcasting lines shapes up from the right; dimension 1 clashes:",
        "  a  [8, 3, 4]",
        "  b     [5, 1]",
        "         ^ 3 against 5",
    ]


def test_errors_that_are_not_about_shapes_get_no_labels():
    assert labels(error_of("torch.ones(2, 3).sum(dim=5)")) == ["(2, 3)"]  # a dimension out of range is one
    assert labels(error_of("torch.ones(2) / 'a'")) == []
    assert labels(error_of("torch.ones(2).long() @ torch.ones(2)")) == []  # dtypes
    assert error_of("torch.ones(2).long() @ torch.ones(2)").explanation == []


def test_an_expression_over_several_lines_keeps_the_plain_span():
    error = error_of("(torch.ones(2, 3)\n + torch.ones(4, 5))")
    assert error.labels == [] and error.span[0] == 1


def test_a_layer_inside_a_sequential_is_named_by_its_place():
    error = error_of("model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(9, 2))\nmodel(torch.ones(5, 4))")
    assert error.explanation[0] == "model[2] is Linear(in_features=9, out_features=2, bias=True)"


def test_the_programs_own_layer_classes_are_not_asked_to_describe_themselves():
    # Their repr and named_modules are program code: an error report must not run them.
    error = error_of(
        "calls = []\n"
        "class Loud(nn.Linear):\n"
        "    def __repr__(self):\n"
        "        calls.append(1)\n"
        "        raise ValueError('boom')\n"
        "    def named_modules(self):\n"
        "        calls.append(2)\n"
        "        return []\n"
        "m = Loud(3, 2)\n"
        "m(torch.ones(1, 4))")
    assert error.message == "mat1 and mat2 shapes cannot be multiplied (1x4 and 3x2)"
    assert labels(error) == ["(1, 4)"]
    assert not any("Loud" in line or "boom" in line for line in error.explanation)
    session = Session()
    try:
        session.run("calls = []\nclass Loud(nn.Linear):\n    def __repr__(self):\n        calls.append(1)\n"
                    "        return 'x'\nm = Loud(3, 2)\nm(torch.ones(1, 4))", "<t>", lambda v: None)
    except TensorshError:
        pass
    assert session.variables["calls"] == []


def test_a_failing_property_of_a_program_object_in_the_expression_is_not_read_again():
    # Operands come from the failing call's frame; nothing in the expression is evaluated again.
    session = Session()
    with pytest.raises(TensorshError) as info:
        session.run("reads = []\nclass Holder:\n    @property\n    def t(self):\n        reads.append(1)\n"
                    "        return torch.ones(2, 3)\nh = Holder()\nh.t + torch.ones(4)", "<t>", lambda v: None)
    assert labels(info.value) == ["(2, 3)", "(4,)"]
    assert session.variables["reads"] == [1]


def test_colour_paints_the_marks_and_labels_and_changes_no_text():
    error = error_of("torch.ones(2, 3) + torch.ones(4, 5)")
    error.located("<t>", "torch.ones(2, 3) + torch.ones(4, 5)")
    coloured = render(error, color=True)
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render(error)
    assert "\x1b[1;34m(2, 3)" in coloured and "\x1b[1;31m^" in coloured


def test_a_programs_own_exception_is_not_read_for_shapes():
    # Its __str__ is program code: the report neither runs it again nor labels anything.
    error = error_of("class Odd(RuntimeError):\n    def __str__(self):\n        raise ValueError('no')\n"
                     "raise Odd('shapes cannot be multiplied (1x2 and 3x4)')")
    assert error.kind == "Odd" and error.labels == []
