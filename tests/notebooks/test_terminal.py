"""`tensorsh doctest` in a real pseudo-terminal (pexpect): colour on a terminal, none when asked."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "```python\ntorch.tensor([1, 2])\n```\n\n    tensor([1, 2])\n\n```python\ntorch.ones(2)\n```\n\n    tensor([9., 9.])\n"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def spawn(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS="100", LINES="30")
    env.pop("NO_COLOR", None)
    return pexpect.spawn(sys.executable, ["-m", "tensorsh", "doctest", *args], cwd=str(cwd), env=env,
                         dimensions=(30, 100), encoding="utf-8", timeout=60)


def run(child) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before.replace("\r\n", "\n")


def test_on_a_terminal_the_verdicts_are_coloured(tmp_path):
    (tmp_path / "n.md").write_text(NOTEBOOK, encoding="utf-8")
    child = spawn("n.md", cwd=tmp_path)
    text = run(child)
    assert child.exitstatus == 1
    assert "\x1b[32mmatch" in text  # green
    assert "\x1b[31m\x1b[1mdiffer" in text or "\x1b[1m\x1b[31mdiffer" in text  # bold red
    plain = ANSI.sub("", text).splitlines()
    assert plain[0] == "n.md:2: cell 1: match"
    assert plain[1] == "n.md:8: cell 2: differ"
    assert "    -tensor([9., 9.])" in plain and "    +tensor([1., 1.])" in plain
    assert plain[-1] == "1 match, 1 differ, 0 random, 0 error"


def test_no_color_means_none(tmp_path):
    (tmp_path / "n.md").write_text(NOTEBOOK, encoding="utf-8")
    child = spawn("--no-color", "n.md", cwd=tmp_path)
    text = run(child)
    assert "\x1b[" not in text
    assert text.splitlines()[-1] == "1 match, 1 differ, 0 random, 0 error"
