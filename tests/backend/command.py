"""`tensorsh` run as a user runs it, in a process of its own (this checkout first on the path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def tensorsh(*args, input=None, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "tensorsh", *args], capture_output=True, text=True, input=input,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, cwd=cwd, timeout=120)
