"""Acceptance: the first user's notebook (shared/seed/pytorch-basics.md) through the CLI.

`pytorch_basics.tsh` holds the notebook's code cells; `pytorch_basics.expected` is
the notebook's printed output for every deterministic cell (Linux dtypes), with the
shapes PyTorch gives for the cells that draw random numbers. The same file run
through PyTorch 2.13 prints exactly the expected text. The two cells that fail in
the notebook must fail here with the notebook's messages.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def tensorsh(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tensorsh", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_the_notebook_prints_what_it_printed():
    result = tensorsh("--seed", "0", str(HERE / "pytorch_basics.tsh"))
    assert result.stderr == ""
    assert result.returncode == 0
    assert result.stdout == (HERE / "pytorch_basics.expected").read_text(encoding="utf-8")


def test_the_notebook_runs_the_same_from_a_pipe():
    source = (HERE / "pytorch_basics.tsh").read_text(encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "tensorsh", "--seed", "0"], input=source,
                            capture_output=True, text=True, env=env, timeout=120)
    assert (result.returncode, result.stdout) == (0, (HERE / "pytorch_basics.expected").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name,stdout,message,line,source_line,marks,labels", [
    ("pytorch_basics_dot_error.tsh", "tensor([[ 60.,  70.],\n        [160., 195.]])\n",
     "1D tensors expected, but got 2D and 2D tensors", 10, "t1.dot(t2)", "--^^^^ --", ["(2, 5) (5, 2)"]),
    ("pytorch_basics_mm_error.tsh", "", "self must be a matrix", 7, "a.mm(b)", "-^^^ -", ["(5, 2, 3)", "     (5,)"]),
])
def test_the_failing_cells_fail_with_the_notebooks_messages(name, stdout, message, line, source_line, marks, labels):
    result = tensorsh(str(HERE / name))
    assert result.returncode == 1
    assert result.stdout == stdout
    pad = " " * len(str(line))
    # The notebook's message, the method marked and its operands labelled with their shapes.
    assert result.stderr == (
        f"error[RuntimeError]: {message}\n"
        f"{pad}--> {HERE / name}:{line}:{marks.index('^') + 1}\n"
        f"{pad} |\n"
        f"{line} | {source_line}\n"
        f"{pad} | {marks}\n"
        + "".join(f"{pad} | {label}\n" for label in labels)
        + f"{pad} |\n"
    )
