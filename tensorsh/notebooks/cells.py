"""A document's code cells as data: the source, and what the document shows it printed.

The two formats keep outputs differently. A notebook (`.ipynb`) keeps each output apart:
what the cell printed (stdout), the value it displayed, its error. An nbconvert Markdown
export indents them all alike below the code, so there only the whole text can be
compared, and an error is found by its traceback. `Shown` holds either: `mixed` says the
printed text and the displayed value are one text, in `printed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TRACEBACK_RULE = "-" * 75  # the line IPython starts a traceback with


@dataclass
class Error:
    """An exception as a notebook records it: its class name and its message."""

    kind: str
    message: str
    line: int | None = field(default=None, compare=False)  # the cell's line that raised it, when known

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}" if self.message else self.kind

    def traceback(self, number: int, source: str) -> list[str]:
        """An IPython-style traceback (the lines of a notebook's `error` output) for cell `number`."""
        where = f"Cell In[{number}]"
        lines = source.splitlines()
        if self.line is not None and 1 <= self.line <= len(lines):
            where += f", line {self.line}\n----> {self.line} {lines[self.line - 1]}\n"
        return [TRACEBACK_RULE, f"{self.kind:<42}Traceback (most recent call last)", where, str(self)]


@dataclass
class Shown:
    """What a cell showed (in the document) or shows (when tensorsh runs it)."""

    printed: str = ""  # stdout; in a Markdown export, stdout and the displayed value together
    result: str | None = None  # the displayed value's text/plain, when kept apart
    error: Error | None = None
    mixed: bool = False
    others: list[str] = field(default_factory=list)  # outputs tensorsh does not make: images, HTML


@dataclass
class Cell:
    """A code cell: its number among the code cells (from 1), the line its code starts on in the
    file (Markdown) or its index among all cells (notebook), its source, and what it showed."""

    number: int
    line: int
    source: str
    shown: Shown
    executed: bool = True  # False for a notebook cell that was never run: it shows nothing
