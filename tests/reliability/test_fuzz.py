"""Property: on any input, Session.run succeeds or raises a located TensorshError, and the CLI
exits 0, 1 or 2 without a Python traceback.

The programs come from tests/reliability/programs.py: random text, token soup, mutations of
the golden cases and examples, and valid programs calling random ops of the registry with
random shapes and dtypes. scripts/fuzz.py runs the same generators for minutes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability import programs
from tests.reliability.harness import Finding, describe, fuzz_limits, run_program

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=True)


@pytest.fixture(scope="module", autouse=True)
def small_machine(tmp_path_factory):
    """A 64 MiB tensor limit, an address-space cap, and a scratch working directory for save()."""
    from tensorsh.lang.session import Session

    Session()  # raises Python's recursion limit once, before hypothesis records it
    previous = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("fuzz"))
    try:
        with fuzz_limits():
            yield
    finally:
        os.chdir(previous)


def check(source: str) -> None:
    """Not a crash, not an internal error, not an unlocated or unprintable diagnostic."""
    result = run_program(source)
    if isinstance(result, Finding):
        pytest.fail(describe(result, source))


@FAST
@given(st.randoms(use_true_random=False))
def test_random_text(rng):
    check(programs.random_text(rng))


@FAST
@given(st.randoms(use_true_random=False))
def test_token_soup(rng):
    check(programs.token_soup(rng))


@FAST
@given(st.randoms(use_true_random=False))
def test_mutated_seed_programs(rng):
    check(programs.mutate(rng))


@FAST
@given(st.randoms(use_true_random=False))
def test_valid_programs_from_the_op_registry(rng):
    check(programs.op_program(rng))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_any_unicode_text_through_the_language(text):
    # The language alone (parser, names, attributes, operators on Python values) has no internal errors.
    result = run_program(text)
    if isinstance(result, Finding):
        pytest.fail(describe(result, text))


def _recorded_errors() -> set[str]:
    """The sources of the golden cases whose PyTorch recording ends in an exception."""
    import json
    from pathlib import Path

    found = set()
    for path in (Path(__file__).parents[1] / "golden" / "recorded").glob("*.json"):
        found.update(case["source"].strip() for case in json.loads(path.read_text())["cases"] if case["error"])
    return found


def test_seeds_are_found_and_mostly_run():
    # A seed runs as PyTorch ran it: to the end, or to an error where the recording ends in one.
    # A few may not, under the fuzzer's 64 MiB and 2-second budget.
    seeds = programs.seeds()
    assert len(seeds) > 300
    errors = _recorded_errors()
    sample = seeds[::10]
    expected = ["error" if seed.strip() in errors else "ok" for seed in sample]
    outcomes = [run_program(seed) for seed in sample]
    agree = sum(got == want for got, want in zip(outcomes, expected))
    assert agree > len(sample) * 0.9, [(s[:60], g, w) for s, g, w in zip(sample, outcomes, expected) if g != w]


def test_a_crash_would_be_seen():
    # The harness itself: an exception escaping Session.run is a finding, a diagnostic is not.
    from unittest import mock

    with mock.patch("tensorsh.lang.session.Session.run", side_effect=KeyError("boom")):
        result = run_program("1")
    assert isinstance(result, Finding) and result.kind == "crash" and "KeyError" in result.signature
    assert run_program("1 +") == "error" and run_program("x = 1") == "ok"
    assert run_program("for i in range(10**9):\n    pass", seconds=0.2) == "timeout"


def _cli(source: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tensorsh", "--max-memory", "64M", "--no-color", "-"],
                          input=source.encode("utf-8", "surrogatepass"), capture_output=True, timeout=60)


@settings(max_examples=6, deadline=None, derandomize=True)
@given(st.randoms(use_true_random=False))
def test_cli_exits_0_1_or_2_without_a_traceback(rng):
    kind, source = programs.any_program(rng)
    done = _cli(source)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode in (0, 1, 2), (source, stderr)
    assert "Traceback" not in stderr, (source, stderr)
    if done.returncode:
        assert stderr.startswith("error[") or "\nerror[" in stderr or stderr.startswith("Usage"), stderr


def test_cli_on_binary_garbage_and_invalid_utf8():
    done = _cli("\udcff\udcfe x = 1\x00\x01")
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode in (1, 2) and "Traceback" not in stderr, stderr


@FAST
@given(st.randoms(use_true_random=False))
def test_valid_programs_from_the_grammar(rng):
    import ast

    source = programs.grammar_program(rng)
    ast.parse(source)  # the generator writes only valid syntax
    check(source)
