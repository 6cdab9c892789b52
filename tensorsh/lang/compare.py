"""`tensorsh --compare`: one program on both engines, statement by statement, up to the first difference.

The program is checked whole first, as any run is (a syntax error runs nothing). Then each
top-level statement runs in a session on tensorsh's engine and in one on PyTorch
(statements that share a line run together, so a trailing `;` keeps its meaning), and what
each printed, showed (plain reprs) and raised (the error's class and message) is compared.
The first statement where they differ is the report; a program that ends the same way on
both (at its end, at the same error or at exit()) has none.

Both sessions start from the same seed, and each keeps its own state of NumPy's global
generator, so that `np.random` draws the same numbers in both.
"""

from __future__ import annotations

import ast
import io
from dataclasses import dataclass
from typing import Callable

import numpy

from tensorsh.lang.errors import TensorshError, render
from tensorsh.lang.exits import ExitRequest
from tensorsh.lang.scope import BACKENDS
from tensorsh.lang.session import Session


@dataclass(frozen=True)
class Outcome:
    """What one statement did on one engine: its output, and how it ended (None: it ran on)."""

    output: str
    ending: str | None  # a rendered error, or "exit(N)"
    status: int = 0  # the exit status the ending gives a program


@dataclass(frozen=True)
class Difference:
    line: int
    end_line: int
    source: str  # the statement(s), as written
    outcomes: dict[str, Outcome]  # by backend


@dataclass(frozen=True)
class Comparison:
    statements: int  # how many ran alike on both
    difference: Difference | None
    ending: Outcome | None  # how the program ended on both, when it ended early the same way


def statements(source: str) -> list[tuple[int, int]]:
    """The (first, last) lines of each top-level statement, statements on a shared line together."""
    found: list[list[int]] = []
    for node in ast.parse(source).body:
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])  # decorators first
        if found and first <= found[-1][1]:
            found[-1][1] = max(found[-1][1], node.end_lineno)
        else:
            found.append([first, node.end_lineno])
    return [(first, last) for first, last in found]


class _Side:
    """One backend's session, with what it writes captured and its own NumPy generator state."""

    def __init__(self, backend: str, files_allowed: bool, seed: int):
        self.out = io.StringIO()
        self.session = Session(files_allowed=files_allowed, write=self.out.write, backend=backend)
        self.session.builtins["manual_seed"](seed)
        numpy.random.seed(seed)
        self.numpy_state = numpy.random.get_state()

    def run(self, source: str, filename: str) -> Outcome:
        self.out.seek(0)
        self.out.truncate()
        numpy.random.set_state(self.numpy_state)
        try:
            self.session.run(source, filename, lambda value: self.out.write(repr(value) + "\n"))
        except TensorshError as error:
            return Outcome(self.out.getvalue(), render(error), error.exit_code)
        except ExitRequest as request:
            return Outcome(self.out.getvalue(), f"exit({request.status})", request.status)
        finally:
            self.numpy_state = numpy.random.get_state()
        return Outcome(self.out.getvalue(), None)


class Comparer:
    """A session on each backend, seeded alike, to run one program on."""

    def __init__(self, seed: int = 0, files_allowed: bool = True):
        self.sides = {backend: _Side(backend, files_allowed, seed) for backend in BACKENDS}

    def run(self, source: str, filename: str, echo: Callable[[str], object] | None = None) -> Comparison:
        """Run `source` statement by statement on both; `echo` receives the output they agree on.
        Raises TensorshError (before running anything) for a program outside the language on both;
        one that only a backend refuses (`import torch.fft`) runs, and shows the difference where it is."""
        refusals = []
        for side in self.sides.values():  # the whole program is checked before any of it runs
            try:
                side.session.prepare(source, filename)
            except TensorshError as error:
                refusals.append(error)
        if len(refusals) == len(self.sides):
            raise refusals[0]
        lines = source.splitlines(keepends=True)
        ran = 0
        for first, last in statements(source):
            # Blank lines before the statement keep its line numbers (and its errors' spans) the program's.
            piece = "\n" * (first - 1) + "".join(lines[first - 1:last])
            outcomes = {backend: side.run(piece, filename) for backend, side in self.sides.items()}
            agreed, *others = outcomes.values()
            if any(other != agreed for other in others):
                return Comparison(ran, Difference(first, last, "".join(lines[first - 1:last]), outcomes), None)
            ran += 1
            if echo is not None and agreed.output:
                echo(agreed.output)
            if agreed.ending is not None:
                return Comparison(ran, None, agreed)
        return Comparison(ran, None, None)


def report(difference: Difference, filename: str) -> str:
    """The text a user sends with a discrepancy: where, the statement, and both outputs."""
    where = f"{filename}:{difference.line}" + (f"-{difference.end_line}" if difference.end_line != difference.line
                                               else "")
    parts = [f"tensorsh --compare: the backends differ at {where}",
             *(f"  | {line}" for line in difference.source.rstrip("\n").split("\n"))]
    for backend, outcome in difference.outcomes.items():
        shown = outcome.output + (outcome.ending or "")
        parts += [f"--- {backend}", shown.rstrip("\n") if shown else "(no output)"]
    return "\n".join(parts) + "\n"
