"""Running a document's code cells in order, in one session, as a Jupyter kernel would.

What a cell shows is what it printed, the value Jupyter's rule displays (`display`), and
its error; what it wrote to stderr (warnings) is kept apart. A line only IPython
understands (`%time`, `!nvidia-smi`, `pip install ...`) makes the cell one tensorsh skips.

Random numbers: a cell whose output hangs on numbers drawn without a seed cannot show what
the document shows. `random_state` is a fingerprint of every generator a program can draw
from (torch's default generator, NumPy's and Python's global ones), so that the caller can
tell whether any was touched up to a cell, and `reseed` seeds them all afresh from the OS,
as a new kernel would, so that running the cells again tells which outputs change.
"""

from __future__ import annotations

import ast
import contextlib
import io
import random
import re
from dataclasses import dataclass

from tensorsh.lang.errors import TensorshError
from tensorsh.lang.exits import ExitRequest
from tensorsh.lang.session import Session
from tensorsh.notebooks import display
from tensorsh.notebooks.cells import Cell, Error, Shown

# A line IPython runs and Python would not parse: magics, shell escapes, `pip install` (an automagic).
_IPYTHON_LINE = re.compile(r"^\s*(%%?\w+|!|(?:pip|conda|mamba)\s+\w|[\w.]+\?\??\s*$|\?|[\w.]+\s*=\s*[!%])")


@dataclass
class Ran:
    """What running one cell showed; `skipped` says why it did not run. `legacy_result`: the
    displayed value as IPython before 7.12 laid it out, when that differs (`display.pretty`)."""

    shown: Shown
    stderr: str = ""
    skipped: str | None = None
    legacy_result: str | None = None


def ipython_only(source: str) -> str | None:
    """Why a cell is IPython's, not Python's (its first such line), or None for Python code."""
    try:
        ast.parse(source)
        return None
    except (SyntaxError, ValueError):
        pass
    for line in source.splitlines():
        match = _IPYTHON_LINE.match(line)
        if match:
            text = line.strip()
            if text.startswith("%%"):
                return f"IPython cell magic {text.split()[0]}"
            if text.startswith("%"):
                return f"IPython magic {text.split()[0]}"
            if text.startswith("!"):
                return f"shell command {text}"
            if text.split()[0] in ("pip", "conda", "mamba"):
                return f"IPython magic {text.split()[0]} ({text})"
            if "?" in text:
                return "IPython help (?)"
            return f"IPython assignment from a magic or shell command ({text})"
    return None


class Runner:
    """One session that runs cells one after another, as one kernel does."""

    def __init__(self, files_allowed: bool = True):
        self._printed: list[str] = []
        self.session = Session(files_allowed=files_allowed, write=self._printed.append)

    def run(self, cell: Cell) -> Ran:
        reason = ipython_only(cell.source)
        if reason is not None:
            return Ran(Shown(), skipped=reason)
        self._printed.clear()
        results: list[tuple[str, str]] = []
        error = None
        name = f"<cell {cell.number}>"
        with contextlib.redirect_stderr(io.StringIO()) as stderr:
            try:
                self.session.run(cell.source, name, lambda value: results.append(
                    (display.pretty(value), display.pretty(value, legacy=True))), show="last")
            except TensorshError as exc:
                error = Error(exc.kind, exc.message, exc.span.line if exc.span else None)
            except ExitRequest as request:
                error = Error("SystemExit", str(request.status))
        result, legacy = results[-1] if results else (None, None)
        shown = Shown(printed="".join(self._printed), result=result, error=error)
        return Ran(shown, stderr=stderr.getvalue(), legacy_result=legacy if legacy != result else None)


def random_state() -> tuple:
    """A fingerprint of the state of every generator a program draws from."""
    import numpy

    from tensorsh.engine import random as torch_random

    _, key, position, has_gauss, gauss = numpy.random.get_state()
    return (torch_random.get_rng_state().numpy().tobytes(), key.tobytes(), position, has_gauss, gauss,
            random.getstate())


def reseed() -> None:
    """Seed every generator a program draws from afresh from the OS, as a new kernel starts."""
    import numpy

    from tensorsh.engine import random as torch_random

    torch_random.seed()
    numpy.random.seed()
    random.seed()
