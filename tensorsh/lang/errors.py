"""Errors as data, and the one renderer that prints every one of them.

A `TensorshError` carries its kind (`SyntaxError`, `NameError`, `RuntimeError`, ...),
its message, the span of the node that failed, an optional note (a signature, a hint)
and, once the session has filled them in, the file name and source text. `render`
turns it into the diagnostic users see:

    error[RuntimeError]: 1D tensors expected, but got 2D and 2D tensors
     --> demo.tsh:3:1
      |
    3 | t1.dot(t2)
      | ^^^^^^^^^^
"""

from __future__ import annotations

from typing import Iterable, NamedTuple


class Span(NamedTuple):
    """Where a node sits in its source: 1-based lines and columns (characters), end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


def _character_column(lines: list[str], line: int, byte_offset: int) -> int:
    """CPython's positions count UTF-8 bytes; a span counts characters (1-based)."""
    if 1 <= line <= len(lines):
        return len(lines[line - 1].encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1
    return byte_offset + 1


def span_at(lines: list[str], line: int, end_line: int | None, column: int | None,
            end_column: int | None) -> Span:
    """The span of CPython positions (1-based lines, 0-based byte columns), in characters."""
    start = _character_column(lines, line, column or 0)
    end_line = end_line or line
    end = _character_column(lines, end_line, end_column) if end_column is not None else start + 1
    return Span(line, start, end_line, max(end, start + 1) if end_line == line else end)


def syntax_error(exc: SyntaxError) -> "TensorshError":
    """CPython's SyntaxError (from parsing or compiling; its positions count characters), located."""
    line = exc.lineno or 1
    column = max(exc.offset or 1, 1)
    end_line = exc.end_lineno or line
    end = exc.end_offset if end_line == line and exc.end_offset and exc.end_offset > column else column + 1
    kind = "IndentationError" if isinstance(exc, IndentationError) else "SyntaxError"
    return TensorshError(kind, exc.msg, Span(line, column, line, end))


def span_of(node, lines: list[str]) -> Span:
    """The span of a node from `ast.parse`."""
    return span_at(lines, node.lineno, getattr(node, "end_lineno", None), node.col_offset,
                   getattr(node, "end_col_offset", None))

# Engine exceptions of these classes are the user's mistake (a bad shape, a bad index),
# reported under their own class name; anything else escaping the engine is our bug.
USER_EXCEPTIONS = (
    RuntimeError, IndexError, TypeError, ValueError, ZeroDivisionError,
    OverflowError, NotImplementedError, MemoryError,
)


class TensorshError(Exception):
    """A user-facing error: what went wrong and where. Never shows a Python traceback."""

    def __init__(self, kind: str, message: str, span: Span | None = None, note: str | None = None,
                 *, filename: str | None = None, source: str | None = None, internal: bool = False):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.span = span
        self.note = note
        self.filename = filename
        self.source = source
        self.before_running = False  # found while parsing or validating: nothing of the program ran
        self.internal = internal

    @property
    def exit_code(self) -> int:
        """2 for an error found before the program ran (syntax, the subset), 1 for one while running."""
        return 2 if self.before_running else 1

    def located(self, filename: str, source: str) -> "TensorshError":
        """Attach the file name and text the span refers to (first one wins)."""
        if self.filename is None:
            self.filename = filename
            self.source = source
        return self

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


def user_error(exc: BaseException, span: Span | None) -> TensorshError:
    """Wrap an engine exception of a user class, keeping its class name and message."""
    kind = type(exc).__name__
    if type(exc).__module__ != "builtins":  # e.g. NumPy's AxisError: report the builtin class it extends
        kind = next((base.__name__ for base in USER_EXCEPTIONS if isinstance(exc, base)), "RuntimeError")
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a __str__ of the program's that fails, as Python shows it
        message = "<exception str() failed>"
    if isinstance(exc, KeyError) and exc.args:
        message = repr(exc.args[0])
    elif isinstance(exc, RecursionError):
        message = "maximum recursion depth exceeded: the program nests too deeply"
    elif isinstance(exc, MemoryError) and not message.strip():
        from tensorsh.engine import limits

        message = (f"out of memory (the memory limit is {limits.human(limits.max_memory())}; "
                   "tensorsh --max-memory sets it)")
    return TensorshError(kind, message, span)


def internal_error(exc: BaseException, span: Span | None) -> TensorshError:
    """An exception nobody expected: a bug in tensorsh, not in the program."""
    message = f"{type(exc).__name__}: {exc}"
    note = ("this is a bug in tensorsh, not in your program; please report it to the tensorsh "
            "maintainers with the program and the output of the same command run with --debug")
    error = TensorshError("InternalError", message, span, note, internal=True)
    error.__cause__ = exc
    return error


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to a misspelt word, if any is near enough."""
    import difflib  # only an error needs it; kept off the start-up path

    public = [c for c in candidates if not c.startswith("_")]
    found = difflib.get_close_matches(word, public, n=1, cutoff=0.6)
    if not found:
        lowered = {c.lower(): c for c in public}
        found = [lowered[word.lower()]] if word.lower() in lowered else []
    return found[0] if found else None


def did_you_mean(message: str, word: str, candidates: Iterable[str]) -> str:
    suggestion = closest(word, candidates)
    return f"{message}; did you mean '{suggestion}'?" if suggestion else message


# ---------------------------------------------------------------- rendering

_COLOURS = {"error": "\x1b[1;31m", "bold": "\x1b[1m", "blue": "\x1b[1;34m", "reset": "\x1b[0m"}


def render(error: TensorshError, color: bool = False) -> str:
    """The diagnostic text for an error, ending in a newline; ANSI colour if asked."""
    def paint(text: str, style: str) -> str:
        return f"{_COLOURS[style]}{text}{_COLOURS['reset']}" if color else text

    head = paint(f"error[{error.kind}]", "error") + paint(f": {error.message}", "bold")
    lines = [head]
    span = error.span
    source_lines = (error.source or "").splitlines()
    if span is not None and error.filename is not None:
        width = len(str(span.line))
        pad = " " * width
        lines.append(f"{pad}{paint('-->', 'blue')} {error.filename}:{span.line}:{span.column}")
        if 1 <= span.line <= len(source_lines):
            text = source_lines[span.line - 1]
            shown, start = _expand_tabs(text, span.column - 1)
            if span.end_line == span.line:
                _, stop = _expand_tabs(text, span.end_column - 1)
            else:
                stop = len(shown.rstrip())
            carets = "^" * max(1, stop - start)
            bar = paint("|", "blue")
            lines.append(f"{pad} {bar}")
            lines.append(f"{paint(str(span.line), 'blue')} {bar} {shown}".rstrip())
            lines.append(f"{pad} {bar} {' ' * start}{paint(carets, 'error')}")
    if error.note:
        width = len(str(span.line)) if span is not None and error.filename is not None else 0
        lines.append(f"{' ' * width} = note: {error.note}")
    return "\n".join(lines) + "\n"


def _expand_tabs(text: str, index: int) -> tuple[str, int]:
    """The line with tabs as spaces, and where character `index` lands in it."""
    shown = text.expandtabs(4)
    return shown, len(text[:index].expandtabs(4))
