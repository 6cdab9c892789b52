"""What `tensorsh` imports on its way to a first result (issue 7, row 1: start-up).

Start-up time itself is measured by scripts/bench.py, not asserted here (the machines
are shared and noisy). What can be asserted is the cause of most of it: which modules
a run imports. The non-interactive path must not import the parser generator (Lark:
the grammar is compiled into tables at build time), the REPL (prompt_toolkit), or rich
unless rich output is asked for.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEVER = ("lark", "prompt_toolkit")


def imported_modules(*args: str, stdin: str = "") -> tuple[set[str], subprocess.CompletedProcess]:
    """The top-level packages a `tensorsh ARGS` run imports, from Python's -X importtime report."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NO_COLOR", None)
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "tensorsh", *args], input=stdin,
                            capture_output=True, text=True, env=env, timeout=120)
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            names.add(name.split(".")[0])
    return names, result


@pytest.mark.parametrize("args,stdin,status", [
    (("-c", "softmax(tensor([0.5, 0.7, 0.1]), dim=0)"), "", 0),
    (("-",), "x = torch.arange(6).view(2, 3)\nif x.sum() > 0:\n    y = x.T\ny\n", 0),
    (("--format", "json", "-c", "tensor([1, 2]).float().mean()"), "", 0),
    (("-c", "x = (1 +"), "", 2),          # a syntax error
    (("-c", "torch.ones(2) @ torch.ones(3)"), "", 1),  # an error while running
])
def test_a_run_imports_neither_lark_nor_the_repl_nor_rich(args, stdin, status):
    names, result = imported_modules(*args, stdin=stdin)
    assert result.returncode == status, result.stderr[-2000:]
    assert "tensorsh" in names and "numpy" in names  # the report was read
    assert not names & {*NEVER, "rich"}


def test_rich_output_imports_rich_but_not_the_repl():
    names, result = imported_modules("--format", "rich", "-c", "torch.zeros(2)")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "rich" in names and not names & set(NEVER)
