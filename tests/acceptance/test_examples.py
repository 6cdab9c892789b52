"""The newcomer's examples in examples/ run and print what PyTorch prints for them.

Each `examples/NAME.tsh` is run by the CLI; its stdout must equal
`examples/NAME.expected` here, which is what PyTorch 2.13 printed for the same code
(with `grad` as torch.autograd.grad(...)[0]). broadcasting.tsh ends on purpose with
the error a newcomer will meet.
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


def test_there_are_examples_for_shapes_broadcasting_and_autograd():
    assert {p.stem for p in EXAMPLES} >= {"shapes", "broadcasting", "autograd"}


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example(example: Path):
    result = subprocess.run([sys.executable, "-m", "tensorsh", str(example.relative_to(ROOT))], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, timeout=120)
    assert result.stdout == (HERE / "examples" / f"{example.stem}.expected").read_text(encoding="utf-8")
    if example.stem == "broadcasting":
        assert result.returncode == 1
        assert result.stderr.startswith(
            "error[RuntimeError]: The size of tensor a (3) must match the size of tensor b (2) "
            "at non-singleton dimension 1\n  --> examples/broadcasting.tsh:20:1\n")
    else:
        assert (result.returncode, result.stderr) == (0, "")
