"""The golden corpus through the language on `--backend torch`.

The corpus was recorded from PyTorch itself, so on the torch backend every case must print
what it recorded: a difference is the front end's (the sandbox, the names, printing), not
the engine's. Same replay as `tests/lang/test_golden_through_language.py`.
"""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from tests.lang.test_golden_through_language import CASES, replay  # noqa: E402


@pytest.mark.parametrize("topic,case", CASES, ids=[f"{t}::{c['name']}" for t, c in CASES])
def test_case_on_torch(topic: str, case: dict) -> None:
    stdout, error = replay(case["source"], backend="torch")
    expected_error = case["error"]["type"] if case["error"] else None
    assert stdout == case["stdout"], f"\n--- source\n{case['source']}--- error {error}"
    assert error == expected_error, f"\n--- source\n{case['source']}--- expected {case['error']}"
