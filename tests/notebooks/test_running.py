"""Running cells as a kernel would (tensorsh.notebooks.running)."""

from __future__ import annotations

import pytest

from tensorsh.notebooks.cells import Cell, Error, Shown
from tensorsh.notebooks.running import Runner, ipython_only, random_state, reseed


@pytest.mark.parametrize("source,reason", [
    ("x = 1", None),
    ("%matplotlib inline\nimport torch", "IPython magic %matplotlib"),
    ("%%time\nx = 1", "IPython cell magic %%time"),
    ("!nvidia-smi", "shell command !nvidia-smi"),
    ("pip install torch", "IPython magic pip (pip install torch)"),
    ("files = !ls", "IPython assignment from a magic or shell command (files = !ls)"),
    ("torch.ones?", "IPython help (?)"),
    ("x = (", None),  # Python's own syntax error: tensorsh reports it
    ("a != b", None),
])
def test_ipythons_own_lines_are_recognised(source, reason):
    assert ipython_only(source) == reason


def cell(source: str, number: int = 1) -> Cell:
    return Cell(number, 1, source, Shown())


def test_a_cell_shows_what_it_prints_and_its_last_value_only():
    runner = Runner()
    ran = runner.run(cell("x = torch.tensor([1, 2])\nprint('x:', x)\nx * 2\nx * 3"))
    assert ran.shown == Shown(printed="x: tensor([1, 2])\n", result="tensor([3, 6])")
    assert runner.run(cell("x")).shown.result == "tensor([1, 2])"  # the session goes on


def test_an_error_keeps_what_was_printed_before_it_and_its_line():
    ran = Runner().run(cell("print(1)\ntorch.ones(2).mm(torch.ones(2))\nprint(2)"))
    assert ran.shown == Shown(printed="1\n", error=Error("RuntimeError", "self must be a matrix"))
    assert ran.shown.error.line == 2


def test_a_refused_last_statement_runs_nothing_before_it():
    ran = Runner().run(cell("print(1)\ntorch.__version__"))
    assert ran.shown.printed == "" and ran.shown.error.kind == "SyntaxError"


def test_warnings_go_apart():
    ran = Runner().run(cell("np.mean(np.array([]))"))
    assert ran.shown == Shown(result="np.float64(nan)")  # NumPy 2's repr, as NumPy shows it
    assert ran.stderr == "RuntimeWarning: Mean of empty slice\n"


def test_the_random_state_changes_when_a_program_draws_from_any_generator():
    for source in ("torch.rand(1)", "np.random.random()", "import random\nrandom.random()"):
        reseed()
        runner, before = Runner(), random_state()
        runner.run(cell("y = 1"))
        assert random_state() == before
        runner.run(cell(source))
        assert random_state() != before, source
