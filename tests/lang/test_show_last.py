"""Jupyter's display rule (`Session.run(..., show="last")`, what the kernel and `tensorsh doctest`
run cells with): only the last statement's value, unless it ends in ';'.

The expected texts are PyTorch's reprs; `test_expected_texts_are_pytorchs` checks them
against PyTorch itself where it is installed.
"""

from __future__ import annotations

import pytest

from tensorsh.lang.errors import TensorshError, render
from tensorsh.lang.session import Session

# (cell, the reprs it shows, what it prints)
SHOWN = [
    ("torch.tensor([1., 2.]) * 2", ["tensor([2., 4.])"], ""),
    ("1\n2", ["2"], ""),
    ("x = 1", [], ""),
    ("x = 1\nx", ["1"], ""),
    ("1\n2;", [], ""),
    ("2;  # quiet", [], ""),
    ("a = 5; a", ["5"], ""),
    ("s = 'é'; s", ["'é'"], ""),
    ("print(3)", [], "3\n"),
    ("print('a')\ntorch.arange(3)", ["tensor([0, 1, 2])"], "a\n"),
    ("torch.zeros(2)\nprint('b')", [], "b\n"),
    ("for i in range(2):\n    i", [], ""),
    ("1\n\n# comment\n(2 +\n 3)\n# trailing\n", ["5"], ""),
    ("1\r\n2", ["2"], ""),
    ("None", [], ""),
    ("t = torch.ones(2, 2, requires_grad=True)\n(t * 3).sum()", ["tensor(12., grad_fn=<SumBackward0>)"], ""),
    ("", [], ""),
    ("a = 1\na; # note;", [], ""),
    ("x = [\n 1,\n]\nx\n\n", ["[1]"], ""),
]


def run(source: str, session: Session | None = None, filename: str = "In[1]") -> list[str]:
    shown: list[str] = []
    (session or Session()).run(source, filename, lambda value: shown.append(repr(value)), show="last")
    return shown


@pytest.mark.parametrize("source, expected, printed", SHOWN)
def test_only_the_last_expression_is_shown(source, expected, printed, capsys):
    assert run(source) == expected
    assert capsys.readouterr().out == printed


def test_expected_texts_are_pytorchs():
    torch = pytest.importorskip("torch")
    for source, expected in [("torch.tensor([1., 2.]) * 2", "tensor([2., 4.])"),
                             ("torch.arange(3)", "tensor([0, 1, 2])"),
                             ("(torch.ones(2, 2, requires_grad=True) * 3).sum()",
                              "tensor(12., grad_fn=<SumBackward0>)")]:
        assert repr(eval(source, {"torch": torch})) == expected


def test_cells_share_one_session():
    session = Session()
    run("w = torch.tensor([3., 4.])", session)
    assert run("w.norm()", session) == ["tensor(5.)"]


@pytest.mark.parametrize("source", [
    "print('ran')\n1 +",  # a syntax error in the last statement
    "print('ran')\n().__class__",  # a construct outside the language in the last statement
    "print('ran')\nx = ().__class__\n1",  # ... or before it
])
def test_a_refused_cell_runs_nothing(source, capsys):
    with pytest.raises(TensorshError) as info:
        run(source)
    assert info.value.before_running
    assert capsys.readouterr().out == ""


def test_an_error_points_at_the_cells_own_line():
    session = Session()
    with pytest.raises(TensorshError) as info:
        run("x = 1\ny = 2\nx / undefined", session, "In[7]")
    text = render(info.value)
    assert "In[7]:3:5" in text and "3 | x / undefined" in text
    assert session.variables["y"] == 2  # what ran before the error stays, as in Python


def test_an_error_before_the_last_statement_keeps_its_place():
    with pytest.raises(TensorshError) as info:
        run("x = 1\nx.nope\n2")
    assert info.value.kind == "AttributeError" and info.value.span.line == 2


def test_an_error_in_a_function_the_cell_defines_and_calls():
    with pytest.raises(TensorshError) as info:
        run("def f(x):\n    return x / nope\n\nf(1)")
    assert info.value.span.line == 2 and info.value.note == "in f(), called from line 4"
