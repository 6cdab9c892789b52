"""Replay the golden corpus (recorded from PyTorch) through the tensorsh language.

`tests/golden/test_golden_engine.py` replays each case through the engine from
Python; this replays the same recordings as tensorsh programs, through the parser,
evaluator and namespace, with the same notebook semantics: a fresh session per case,
the generator seeded with 0, every top-level value printed as its repr. stdout must
match PyTorch byte for byte and the first error must be of PyTorch's class. Cases
flagged `python-only` use Python outside the language and are not replayed here. A
sample also goes through `tensorsh --format plain` on stdin, the way a pipe runs it.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden import runner

from tensorsh.lang.errors import TensorshError
from tensorsh.lang.session import Session

ROOT = Path(__file__).resolve().parents[2]
CASES = [
    (topic, case)
    for topic, recording in runner.load_recorded().items()
    for case in recording["cases"]
    if "python-only" not in case["flags"]
]


def _restore_defaults(session: Session, source: str) -> None:
    # As the golden runner does: undo global settings a case may have changed.
    torch = session.builtins["torch"].members
    if "set_printoptions" in source:
        torch["set_printoptions"](precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)
    if "grad_enabled" in source or "no_grad" in source:
        torch["set_grad_enabled"](True)


def replay(source: str, backend: str = "numpy") -> tuple[str, str | None]:
    """Run a case as a tensorsh program: what it printed, and the class of its error if any."""
    out = io.StringIO()
    session = Session(write=out.write, backend=backend)
    session.builtins["manual_seed"](0)
    try:
        session.run(source, "<case>", lambda value: out.write(repr(value) + "\n"))
        error = None
    except TensorshError as exc:
        error = exc.kind
    finally:
        _restore_defaults(session, source)
    return out.getvalue(), error


def test_the_corpus_is_there_and_mostly_inside_the_language():
    assert len(CASES) >= 400


@pytest.mark.parametrize("topic,case", CASES, ids=[f"{t}::{c['name']}" for t, c in CASES])
def test_case_through_the_language(topic: str, case: dict) -> None:
    stdout, error = replay(case["source"])
    expected_error = case["error"]["type"] if case["error"] else None
    assert stdout == case["stdout"], f"\n--- source\n{case['source']}--- error {error}"
    assert error == expected_error, f"\n--- source\n{case['source']}--- expected {case['error']}"


def test_a_sample_runs_through_the_cli_on_stdin():
    # Cases without errors, joined into one program: the pipe prints all their outputs in order.
    sample = [c for _, c in CASES if c["error"] is None and "rand" not in c["source"]][:40]
    program = "".join(c["source"] for c in sample)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "tensorsh", "--format", "plain"], input=program,
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.stderr == ""
    assert result.stdout == "".join(c["stdout"] for c in sample)
