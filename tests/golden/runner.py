"""Golden cases: parse the case files and run one case with notebook semantics.

Shared by `scripts/record_golden.py` (which runs cases through real PyTorch) and
`test_golden_engine.py` (which replays them through `tensorsh.engine`), so that a
case means exactly the same thing on both sides. This module never imports torch:
the caller passes in the modules a case may name.

A case file (`cases/<topic>.tsh`) holds many cases, each opened by a header line

    #: case <name> [flag, flag]

Flags: `python-only` (uses Python outside the tensorsh language: what its validator
refuses, such as names starting with `_`, or builtins it lacks such as `getattr`),
`class-only` (compare the exception class but not its message, for messages that carry
C++ internals or addresses we should not imitate).

Running a case (as a REPL or notebook does): every top-level statement runs in
order in a fresh namespace holding `torch`, `np` and `F`; an expression statement
whose value is not None prints `repr(value)`; the first exception stops the case
and is recorded as its class name and the first line of its message.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import io
import json
import re
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent
CASES_DIR = GOLDEN_DIR / "cases"
RECORDED_DIR = GOLDEN_DIR / "recorded"

KNOWN_FLAGS = frozenset({"python-only", "class-only"})

_HEADER = re.compile(r"^#: case (?P<name>[A-Za-z0-9_]+)(?:\s+\[(?P<flags>[^\]]*)\])?\s*$")


@dataclasses.dataclass(frozen=True)
class Case:
    """One golden case as written in a case file."""

    topic: str
    name: str
    flags: tuple[str, ...]
    source: str
    line: int  # line of the header in the case file, for error messages

    @property
    def id(self) -> str:
        return f"{self.topic}::{self.name}"


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What running a case produced: its stdout and the exception it stopped at."""

    stdout: str
    error: dict | None  # {"type": class name, "message": first line of str(exc)}


class CaseFileError(ValueError):
    """A case file that does not follow the format."""


def parse_case_file(text: str, topic: str) -> list[Case]:
    """Split the text of one case file into its cases, in file order."""
    cases: list[Case] = []
    header: tuple[str, tuple[str, ...], int] | None = None
    body: list[str] = []

    def finish() -> None:
        if header is None:
            return
        name, flags, line = header
        source = "\n".join(body).strip("\n")
        if not source.strip():
            raise CaseFileError(f"{topic}.tsh:{line}: case {name!r} is empty")
        cases.append(Case(topic, name, flags, source + "\n", line))

    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#: "):
            match = _HEADER.match(line)
            if match is None:
                raise CaseFileError(f"{topic}.tsh:{lineno}: bad case header {line!r}")
            finish()
            flags = tuple(f.strip() for f in (match["flags"] or "").split(",") if f.strip())
            unknown = set(flags) - KNOWN_FLAGS
            if unknown:
                raise CaseFileError(f"{topic}.tsh:{lineno}: unknown flags {sorted(unknown)}")
            header, body = (match["name"], flags, lineno), []
        elif header is None:
            # Before the first case only comments and blank lines (a file preamble).
            if line.strip() and not line.lstrip().startswith("#"):
                raise CaseFileError(f"{topic}.tsh:{lineno}: code before the first case header")
        else:
            body.append(line)
    finish()

    seen: set[str] = set()
    for case in cases:
        if case.name in seen:
            raise CaseFileError(f"{topic}.tsh:{case.line}: duplicate case name {case.name!r}")
        seen.add(case.name)
    return cases


def load_cases(cases_dir: Path = CASES_DIR) -> dict[str, list[Case]]:
    """All case files, by topic (the file's stem), topics sorted."""
    return {
        path.stem: parse_case_file(path.read_text(encoding="utf-8"), path.stem)
        for path in sorted(cases_dir.glob("*.tsh"))
    }


def load_recorded(recorded_dir: Path = RECORDED_DIR) -> dict[str, dict]:
    """All recordings, by topic."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(recorded_dir.glob("*.json"))
    }


def fresh_namespace(modules: dict[str, object]) -> dict[str, object]:
    """The names every case starts with: torch, np and F."""
    return {
        "torch": modules["torch"],
        "np": modules["numpy"],
        "F": modules["torch.nn.functional"],
    }


def _bind_import(stmt: ast.Import | ast.ImportFrom, namespace: dict, modules: dict) -> None:
    # Imports bind the modules we were given, never the real ones: the replay
    # side must not import torch even when a case says `import torch`.
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            if alias.name not in modules:
                raise ModuleNotFoundError(f"No module named '{alias.name}'")
            if alias.asname:
                namespace[alias.asname] = modules[alias.name]
            else:
                top = alias.name.split(".")[0]
                namespace[top] = modules[top]
        return
    for alias in stmt.names:
        full = f"{stmt.module}.{alias.name}"
        if full in modules:
            value = modules[full]
        elif stmt.module in modules:
            value = getattr(modules[stmt.module], alias.name)
        else:
            raise ModuleNotFoundError(f"No module named '{stmt.module}'")
        namespace[alias.asname or alias.name] = value


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else ""


def run_case(source: str, modules: dict[str, object], seed: int = 0) -> Outcome:
    """Run a case's source statement by statement; return its stdout and first error.

    `modules` maps the importable names ("torch", "numpy", "torch.nn",
    "torch.nn.functional") to the objects that play them. The random generator
    is seeded with `seed` first, and global settings the case changed (print
    options, grad mode) are restored afterwards.
    """
    torch = modules["torch"]
    tree = ast.parse(source, filename="<case>")
    namespace = fresh_namespace(modules)
    out = io.StringIO()
    error = None
    torch.manual_seed(seed)
    try:
        with contextlib.redirect_stdout(out):
            for stmt in tree.body:
                try:
                    _run_statement(stmt, namespace, modules)
                except Exception as exc:  # the case's own error is its result
                    error = {"type": type(exc).__name__, "message": _first_line(exc)}
                    break
    finally:
        _reset_global_state(torch, source)
    return Outcome(out.getvalue(), error)


def _run_statement(stmt: ast.stmt, namespace: dict, modules: dict) -> None:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        _bind_import(stmt, namespace, modules)
    elif isinstance(stmt, ast.Expr):
        value = eval(compile(ast.Expression(stmt.value), "<case>", "eval"), namespace)
        if value is not None:
            print(repr(value))
    else:
        exec(compile(ast.Module([stmt], type_ignores=[]), "<case>", "exec"), namespace)


def _reset_global_state(torch, source: str) -> None:
    # Only touch settings the case could have changed, so a missing setter in
    # the engine fails the cases that use it and no others.
    if "set_printoptions" in source:
        torch.set_printoptions(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)
    if "grad_enabled" in source or "no_grad" in source:
        torch.set_grad_enabled(True)
