"""Record the golden cases: run every case in tests/golden/cases/ through PyTorch.

Usage: .venv/bin/python scripts/record_golden.py [TOPIC ...]
       .venv/bin/python scripts/record_golden.py --compare [TOPIC ...]

Writes tests/golden/recorded/<topic>.json with, for each case, its name, flags,
source, the exact stdout and the exception (class name and first line of its
message) or null. Needs torch (2.13); the replay tests never do.

With --compare, nothing is written: each case runs as a tensorsh program on both engines
(`tensorsh --compare`), and the cases where tensorsh's engine does not yet print what PyTorch
prints are reported with both outputs, the worklist before recording new cases.

Each case is run twice, under seeds 0 and 1: a case whose output depends on the
seed prints random values (or a memory address), which no other engine can
reproduce, so such a topic is not written and the case is named on stderr.
"""

from __future__ import annotations

import __future__
import collections
import json
import math
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "golden"))

import numpy  # noqa: E402
import torch  # noqa: E402
import torch.nn  # noqa: E402
import torch.nn.functional  # noqa: E402

import runner  # noqa: E402

MODULES = {
    "__future__": __future__,
    "math": math,
    "torch": torch,
    "numpy": numpy,
    "torch.nn": torch.nn,
    "torch.nn.functional": torch.nn.functional,
    "collections": collections,
}


def record_topic(topic: str, cases: list[runner.Case]) -> tuple[dict, list[str]]:
    """Run one topic's cases; return its recording and the ids of seed-dependent cases."""
    recorded, random_ids = [], []
    for case in cases:
        outcome = runner.run_case(case.source, MODULES, seed=0)
        if runner.run_case(case.source, MODULES, seed=1) != outcome or " at 0x" in outcome.stdout:
            random_ids.append(case.id)
        recorded.append({
            "name": case.name,
            "flags": list(case.flags),
            "source": case.source,
            "stdout": outcome.stdout,
            "error": outcome.error,
        })
    return {"topic": topic, "torch_version": torch.__version__, "cases": recorded}, random_ids


def compare_topic(topic: str, cases: list[runner.Case]) -> int:
    """Print each case of the topic whose output differs between the engines; how many did."""
    sys.path.insert(0, str(ROOT))
    from tensorsh.lang.compare import Comparer, report

    differing = 0
    for case in cases:
        if "python-only" in case.flags:
            continue
        result = Comparer(seed=0).run(case.source, case.id)
        if result.difference is not None:
            differing += 1
            print(report(result.difference, case.id))
    print(f"{topic}: {differing} of {len(cases)} cases differ", file=sys.stderr)
    return differing


def main(argv: list[str]) -> int:
    warnings.simplefilter("ignore")  # PyTorch's warnings go to stderr; cases compare stdout
    all_cases = runner.load_cases()
    comparing = argv[:1] == ["--compare"]
    argv = argv[1:] if comparing else argv
    topics = argv or list(all_cases)
    unknown = [t for t in topics if t not in all_cases]
    if unknown:
        print(f"unknown topics: {', '.join(unknown)}", file=sys.stderr)
        return 2
    if comparing:
        return 1 if sum(compare_topic(topic, all_cases[topic]) for topic in topics) else 0
    runner.RECORDED_DIR.mkdir(exist_ok=True)
    failed = False
    for topic in topics:
        recording, random_ids = record_topic(topic, all_cases[topic])
        if random_ids:
            failed = True
            print(f"{topic}: output depends on the seed or an address, not written: {', '.join(random_ids)}",
                  file=sys.stderr)
            continue
        path = runner.RECORDED_DIR / f"{topic}.json"
        path.write_text(json.dumps(recording, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        errors = sum(1 for c in recording["cases"] if c["error"])
        print(f"{topic}: {len(recording['cases'])} cases ({errors} end in an error) -> {path.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
