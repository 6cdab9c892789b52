"""The newcomer's examples in examples/ run and print what PyTorch prints for them.

Each `examples/NAME.tsh` is run by the CLI; its stdout must equal
`examples/NAME.expected` here, which is what PyTorch 2.13 printed for the same code:
scripts/record_examples.py records it (with tensorsh's globals, `grad` as
torch.autograd.grad(...)[0], and notebook display). broadcasting.tsh ends on purpose
with the error a newcomer will meet.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.tsh"))
EXPECTED_DIR = HERE / "examples"
RECORD = ".venv/bin/python scripts/record_examples.py"


def test_there_are_examples_for_shapes_broadcasting_and_autograd():
    assert {p.stem for p in EXAMPLES} >= {"shapes", "broadcasting", "autograd"}


def test_every_example_has_a_recording_and_every_recording_an_example():
    examples = {p.stem for p in EXAMPLES}
    recorded = {p.stem for p in EXPECTED_DIR.glob("*.expected")}
    assert not examples - recorded, (
        f"examples without a recording in tests/acceptance/examples/: {sorted(examples - recorded)}; "
        f"record them from PyTorch with `{RECORD}`")
    assert not recorded - examples, (
        f"recordings in tests/acceptance/examples/ without an examples/NAME.tsh: {sorted(recorded - examples)}; "
        "delete them, or restore the example")


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example(example: Path):
    result = subprocess.run([sys.executable, "-m", "tensorsh", str(example.relative_to(ROOT))], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, timeout=120)
    expected = EXPECTED_DIR / f"{example.stem}.expected"
    if not expected.exists():
        pytest.fail(f"examples/{example.stem}.tsh has no recording: `{RECORD} {example.stem}` makes "
                    f"{expected.relative_to(ROOT)} from PyTorch", pytrace=False)
    assert result.stdout == expected.read_text(encoding="utf-8"), (
        f"tensorsh's output for examples/{example.stem}.tsh differs from {expected.relative_to(ROOT)}, which "
        f"`{RECORD} {example.stem}` records from PyTorch: if the example changed, re-record it and read the "
        "diff; if not, tensorsh prints something PyTorch does not")
    if example.stem == "broadcasting":
        assert result.returncode == 1
        # PyTorch's message, then the operands' shapes and the clash, lined up from the right.
        assert result.stderr == (
            "error[RuntimeError]: The size of tensor a (3) must match the size of tensor b (2) "
            "at non-singleton dimension 1\n"
            "  --> examples/broadcasting.tsh:20:18\n"
            "   |\n"
            "20 | torch.ones(2, 3) + torch.ones(2)\n"
            "   | ---------------- ^ -------------\n"
            "   | (2, 3)             (2,)\n"
            "   |\n"
            "   = note: broadcasting lines shapes up from the right; dimension 1 clashes:\n"
            "             a  [2, 3]\n"
            "             b     [2]\n"
            "                    ^ 3 against 2\n")
    else:
        assert (result.returncode, result.stderr) == (0, "")
