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

import re
from typing import Iterable, NamedTuple

# CPython's tokenizer ends a line at \n, \r\n and \r only. str.splitlines also breaks at \v, \f,
# \x1c-\x1e, \x85, U+2028 and U+2029, which the parser leaves inside strings and comments: split
# with it and every line after one of them is numbered differently from the parser's spans.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Span(NamedTuple):
    """Where a node sits in its source: 1-based lines and columns (characters), end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


def source_lines(source: str) -> list[str]:
    """The source's lines as the parser numbers them (like str.splitlines, but at \n, \r\n, \r only)."""
    lines = _LINE_BREAK.split(source)
    if lines[-1] == "":  # a final line break ends the last line; it does not start an empty one
        lines.pop()
    return lines


def span_of_index(source: str, index: int) -> Span:
    """The one-character span of `source[index]`."""
    line_start = max(source.rfind("\n", 0, index), source.rfind("\r", 0, index)) + 1
    line = 1 + len(_LINE_BREAK.findall(source, 0, line_start))
    column = index - line_start + 1
    return Span(line, column, line, column + 1)


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
        # Operands underlined under the span's line, each with its label (a shape): see lang.shapes.
        self.labels: list[tuple[Span, str]] = []
        self.explanation: list[str] = []  # a note of several lines, after `note`
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
        try:
            message = repr(exc.args[0])
        except Exception:  # noqa: BLE001 - a key too deep to repr, or whose __repr__ fails
            message = "<exception str() failed>"
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
    """The candidate a misspelt word most likely meant, if one is close, else None.

    Close is the same word in other case, or a few edits away (an edit inserts, deletes or
    changes a letter, or swaps two neighbours): one for words of up to 5 letters, two up to 9,
    three beyond. A word of one or two letters gets only its other-case twin: every short name
    is two edits from it (`v` did not mean `mv`). Ties go to the earliest candidate, so callers
    list first the names a person most likely meant (their variables, Python's builtins).
    """
    lowered = word.lower()
    limit = 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3
    best, best_distance = None, limit + 1
    for candidate in candidates:
        if candidate.startswith("_") or candidate == word or abs(len(candidate) - len(word)) >= best_distance:
            continue
        distance = _edits(lowered, candidate.lower(), best_distance)
        if distance < best_distance:
            best, best_distance = candidate, distance
            if distance == 0:
                break
    return best


def _edits(a: str, b: str, enough: int) -> int:
    """The edit distance of a and b (optimal string alignment), or `enough` once it reaches that."""
    before, row = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = current[j - 1] + 1, row[j] + 1, row[j - 1] + (ca != cb)
            current[j] = min(cost)
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) >= enough:
            return enough
        before, row = row, current
    return row[-1]


def did_you_mean(message: str, word: str, candidates: Iterable[str]) -> str:
    suggestion = closest(word, candidates)
    return f"{message}; did you mean '{suggestion}'?" if suggestion else message


# ---------------------------------------------------------------- rendering

_COLOURS = {"error": "\x1b[1;31m", "bold": "\x1b[1m", "blue": "\x1b[1;34m", "reset": "\x1b[0m"}

# The most characters of a source line shown under an error: a 10 MB line would otherwise be
# printed whole, with as many carets. Longer lines are clipped around the span, with … marks.
MAX_SHOWN_CHARACTERS = 200
_CONTEXT_BEFORE = 60  # of those, how many may precede the span's start


def render(error: TensorshError, color: bool = False) -> str:
    """The diagnostic text for an error, ending in a newline; ANSI colour if asked."""
    def paint(text: str, style: str) -> str:
        return f"{_COLOURS[style]}{text}{_COLOURS['reset']}" if color else text

    head = paint(f"error[{error.kind}]", "error") + paint(f": {_printable(error.message)}", "bold")
    lines = [head]
    span = error.span
    lines_of_source = source_lines(error.source or "")
    if span is not None and error.filename is not None:
        width = len(str(span.line))
        pad = " " * width
        lines.append(f"{pad}{paint('-->', 'blue')} {_printable(error.filename)}:{span.line}:{span.column}")
        if 1 <= span.line <= len(lines_of_source):
            text = lines_of_source[span.line - 1]
            stop = span.end_column - 1 if span.end_line == span.line else len(text.rstrip())
            shown, start, stop = _excerpt(text, span.column - 1, stop)
            bar = paint("|", "blue")
            lines.append(f"{pad} {bar}")
            lines.append(f"{paint(str(span.line), 'blue')} {bar} {shown}".rstrip())
            marks = [(start, max(stop, start + 1), "^", "error")]
            labels = []
            for label_span, label in error.labels if span.end_line == span.line else ():
                if label_span.line == label_span.end_line == span.line:
                    _, low, high = _excerpt(text, label_span.column - 1, label_span.end_column - 1)
                    marks.append((low, max(high, low + 1), "-", "blue"))
                    labels.append((low, label))
            lines += [f"{pad} {bar} {row}".rstrip() for row in _marked(marks, labels, paint)]
            if labels:
                lines.append(f"{pad} {bar}")
    width = len(str(span.line)) if span is not None and error.filename is not None else 0
    if error.note:
        lines.append(f"{' ' * width} = note: {_printable(error.note)}")
    if error.explanation:
        first, *rest = error.explanation
        lines.append(f"{' ' * width} = note: {_printable(first)}")
        lines += [f"{' ' * (width + 9)}{_printable(line)}" for line in rest]
    return "\n".join(lines) + "\n"


def _marked(marks: list[tuple[int, int, str, str]], labels: list[tuple[int, str]], paint) -> list[str]:
    """The row of marks under a source line (`^^^` for the span, `---` under each operand), then the
    operands' labels, each starting under its operand, on as many rows as keep them apart."""
    row, end = [], 0
    for low, high, mark, style in sorted(marks):
        if low < end:  # overlapping marks: the first drawn wins
            continue
        row.append(" " * (low - end) + paint(mark * (high - low), style))
        end = high
    rows = ["".join(row)]
    placed: list[list[tuple[int, str]]] = []
    for low, label in sorted(labels):
        free = next((r for r in placed if r[-1][0] + len(r[-1][1]) < low), None)
        if free is None:
            placed.append(free := [])
        free.append((low, label))
    for labels_in_row in placed:
        text, end = "", 0
        for low, label in labels_in_row:
            text += " " * (low - end) + paint(label, "blue")
            end = low + len(label)
        rows.append(text)
    return rows


def _excerpt(text: str, start: int, stop: int) -> tuple[str, int, int]:
    """The line as shown, and where characters `start` and `stop` of it land: tabs as spaces,
    characters a terminal would act on (escape sequences, carriage returns, line separators)
    escaped, and a long line clipped around `start` with … marks."""
    low, high = 0, len(text)
    if len(text) > MAX_SHOWN_CHARACTERS:
        low = max(0, min(start - _CONTEXT_BEFORE, len(text) - MAX_SHOWN_CHARACTERS))
        high = low + MAX_SHOWN_CHARACTERS
    pieces = ["…"] if low > 0 else []
    width = len(pieces)
    shown_start = shown_stop = None
    for index in range(low, high):
        if index == start:
            shown_start = width
        if index == stop:
            shown_stop = width
        char = text[index]
        piece = " " * (4 - width % 4) if char == "\t" else _printable(char)
        pieces.append(piece)
        width += len(piece)
    if shown_start is None:  # the span starts at or past the end of what is shown
        shown_start = width
    if shown_stop is None:  # it ends past what is shown (the carets stop at the clip), or before it starts
        shown_stop = width if stop >= high else shown_start
    if high < len(text):
        pieces.append("…")
    return "".join(pieces), shown_start, shown_stop


def _printable(text: str) -> str:
    """`text` with control characters (an ESC starting a terminal sequence, a \\r that would overwrite
    the line) and other unprintable ones written as Python escapes; line breaks kept."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in "\n\t" else repr(c)[1:-1] for c in text)
