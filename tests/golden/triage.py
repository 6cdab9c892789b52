"""Replay the golden corpus through tensorsh.engine and group the failures by cause.

Usage: .venv/bin/python -m tests.golden.triage [TOPIC ...] [--examples N]

For engine owners: one line per cause (how many cases, one example), so a
missing op or a printing difference shows up once instead of fifty times.
Pass/fail is the same rule as test_golden_engine.py.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys

from . import runner
from .test_golden_engine import _engine_modules


def classify(case: dict, outcome: runner.Outcome) -> str | None:
    """The cause of a mismatch as a short groupable string, or None if the case passes."""
    want, got = case["error"], outcome.error
    if want is not None and got is None:
        return f"did not raise {want['type']}: {_shorten(want['message'])}"
    if got is not None and (want is None or got["type"] != want["type"]):
        cause = _raised(got)
        return cause if want is None or cause.startswith("missing") else f"{cause} (PyTorch: {want['type']})"
    if outcome.stdout != case["stdout"]:
        return "stdout differs: " + _first_difference(case["stdout"], outcome.stdout)
    if want is not None and "class-only" not in case["flags"] and got["message"] != want["message"]:
        return f"{want['type']} message differs: " + _message_difference(want["message"], got["message"])
    return None


_MISSING = re.compile(r"has no attribute '(\w+)'|cannot import name '(\w+)'")


def _raised(error: dict) -> str:
    missing = _MISSING.search(error["message"]) if error["type"] in ("AttributeError", "ImportError") else None
    if missing:
        return "missing: " + (missing[1] or missing[2])
    return f"raised {error['type']}: {_shorten(error['message'])}"


def _shorten(message: str) -> str:
    # Numbers and quoted values vary between cases with the same cause.
    return re.sub(r"\d+", "N", message)[:110]


def _message_difference(want: str, got: str) -> str:
    at = next((i for i, (w, g) in enumerate(zip(want, got)) if w != g), min(len(want), len(got)))
    start = max(0, at - 25)
    return f"want ...{want[start:at + 45]!r} got ...{got[start:at + 45]!r}"


def _first_difference(want: str, got: str) -> str:
    for w, g in zip(want.splitlines(), got.splitlines()):
        if w != g:
            return f"want {w[:50]!r} got {g[:50]!r}"
    want_lines, got_lines = want.splitlines(), got.splitlines()
    if len(got_lines) > len(want_lines):
        return f"extra output {got_lines[len(want_lines)][:60]!r}"
    return f"missing output {want_lines[len(got_lines)][:60]!r}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topics", nargs="*")
    parser.add_argument("--examples", type=int, default=1)
    args = parser.parse_args(argv)
    recorded = runner.load_recorded()
    mods = _engine_modules()
    causes: dict[str, list[str]] = collections.defaultdict(list)
    total = failed = 0
    for topic in args.topics or recorded:
        for case in recorded[topic]["cases"]:
            total += 1
            try:
                outcome = runner.run_case(case["source"], mods)
            except Exception as exc:  # the harness's own reset failed
                outcome = runner.Outcome("", {"type": type(exc).__name__, "message": str(exc)})
            cause = classify(case, outcome)
            if cause:
                failed += 1
                causes[cause].append(f"{topic}::{case['name']}")
    missing = {c[len("missing: "):]: ids for c, ids in causes.items() if c.startswith("missing: ")}
    if missing:
        names = sorted(missing, key=lambda n: -len(missing[n]))
        count = sum(len(ids) for ids in missing.values())
        print(f"{count:4d}  engine lacks these names (cases): "
              + ", ".join(f"{n} ({len(missing[n])})" for n in names))
    for cause, ids in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        if not cause.startswith("missing: "):
            print(f"{len(ids):4d}  {cause}  e.g. {', '.join(ids[:args.examples])}")
    print(f"{total - failed}/{total} cases pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
