"""Replay every golden case recorded from PyTorch through tensorsh.engine.

Each case must print exactly what PyTorch printed and stop at the same exception
class; the first line of the message must match too unless the case is flagged
`class-only`. The recordings come from scripts/record_golden.py; a case file
edited without re-recording fails `test_recordings_are_current`.
"""

from __future__ import annotations

import __future__
import collections
import math

import numpy
import pytest

from . import runner

RECORDED = runner.load_recorded()
RECORDED_CASES = [
    (topic, case) for topic, recording in RECORDED.items() for case in recording["cases"]
]


def _engine_modules() -> dict[str, object]:
    from tensorsh import engine

    nn = getattr(engine, "nn", None)
    return {
        "__future__": __future__,
        "math": math,
        "torch": engine,
        "numpy": numpy,
        "torch.nn": nn,
        "torch.nn.functional": getattr(nn, "functional", None),
        "collections": collections,
    }


@pytest.fixture
def engine_defaults():
    # Each case assumes PyTorch's defaults; do not inherit settings another test
    # in this worker left behind.
    from tensorsh import engine

    engine.set_printoptions(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)
    engine.set_grad_enabled(True)
    engine.set_default_dtype(engine.float32)


def _describe(case: dict, outcome: runner.Outcome) -> str:
    return (
        f"\n--- source\n{case['source']}"
        f"--- PyTorch printed\n{case['stdout']}--- PyTorch raised\n{case['error']}\n"
        f"--- tensorsh printed\n{outcome.stdout}--- tensorsh raised\n{outcome.error}\n"
    )


@pytest.mark.parametrize(
    "topic,case", RECORDED_CASES, ids=[f"{t}::{c['name']}" for t, c in RECORDED_CASES]
)
def test_case_matches_pytorch(topic: str, case: dict, engine_defaults) -> None:
    outcome = runner.run_case(case["source"], _engine_modules())
    expected_error, actual_error = case["error"], outcome.error
    assert outcome.stdout == case["stdout"], "stdout differs" + _describe(case, outcome)
    assert (actual_error is None) == (expected_error is None), (
        "raised where PyTorch did not, or the reverse" + _describe(case, outcome)
    )
    if expected_error is not None:
        assert actual_error["type"] == expected_error["type"], (
            "exception class differs" + _describe(case, outcome)
        )
        if "class-only" not in case["flags"]:
            assert actual_error["message"] == expected_error["message"], (
                "exception message differs" + _describe(case, outcome)
            )


def test_recordings_are_current() -> None:
    """Every case file has a recording of exactly its current cases (re-run the recorder)."""
    written = runner.load_cases()
    stale = []
    for topic in sorted(set(written) | set(RECORDED)):
        want = [(c.name, list(c.flags), c.source) for c in written.get(topic, [])]
        have = [(c["name"], c["flags"], c["source"]) for c in RECORDED.get(topic, {}).get("cases", [])]
        if want != have:
            stale.append(topic)
    assert not stale, f"re-run scripts/record_golden.py for: {', '.join(stale)}"


def test_corpus_size() -> None:
    """The corpus covers the engine and autograd issues at their agreed sizes."""
    written = runner.load_cases()
    autograd = len(written.get("autograd", []))
    engine = sum(len(cases) for topic, cases in written.items() if topic != "autograd")
    assert autograd >= 120 and engine >= 400, (engine, autograd)
