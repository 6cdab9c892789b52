"""nbconvert's Markdown export of a notebook: read its code cells and outputs, write outputs back.

A code cell is a fenced block (```python); its outputs follow it, every line indented by
four spaces: what it printed, the value it displayed and its traceback alike, separated
by blank lines whose number depends on nbconvert's version. So the outputs are one text
(`Shown.mixed`), compared with blank lines collapsed; a traceback starts at IPython's line
of dashes and ends with `Kind: message`. Warnings that went to stderr sit in the same
text, as `file:line: UserWarning: ...` and the source line below it; they name the file
of a kernel that no longer exists, and are left out.

Writing uses nbconvert 7's layout (templates/markdown/index.md.j2), so that a document
updated here reads as one exported there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tensorsh.notebooks.cells import TRACEBACK_RULE, Cell, Error, Shown

_FENCE = re.compile(r"^```\s*(python3?|ipython3?|py)\s*$")
_INDENT = "    "
# The last line of a traceback: `RuntimeError: message`, `KeyboardInterrupt`, `torch.OutOfMemoryError: ...`.
_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit|Warning|Iteration))(?::\s?(.*))?$")
_WARNING = re.compile(r"^\S.*:\d+: \w*Warning: ")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class _Place:
    """Where a cell's output text lies in the document: characters start:end."""

    start: int
    end: int


class MarkdownDocument:
    """An nbconvert Markdown export, its code cells, and where each one's outputs are."""

    def __init__(self, text: str):
        self.text = text
        self.cells: list[Cell] = []
        self._places: list[_Place] = []
        self._read()

    def _read(self) -> None:
        lines = self.text.splitlines(keepends=True)
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line))
        index = 0
        while index < len(lines):
            if not _FENCE.match(lines[index].rstrip("\r\n")):
                index += 1
                continue
            first = index + 1
            close = first
            while close < len(lines) and lines[close].rstrip() != "```":
                close += 1
            source = "".join(lines[first:close]).rstrip("\r\n")
            end = min(close + 1, len(lines))
            while end < len(lines) and (not lines[end].strip() or lines[end].startswith((_INDENT, "\t"))):
                end += 1
            start_offset = offsets[min(close + 1, len(lines))]
            place = _Place(start_offset, offsets[end])
            self.cells.append(Cell(len(self.cells) + 1, first + 1, source,
                                   shown_by(self.text[place.start:place.end])))
            self._places.append(place)
            index = end

    def updated(self, outputs: dict[int, Shown]) -> str:
        """The document with the outputs of the cells numbered in `outputs` replaced."""
        pieces, at = [], 0
        for cell, place in zip(self.cells, self._places):
            if cell.number in outputs:
                pieces.append(self.text[at:place.start])
                text = render(outputs[cell.number], cell)
                if place.end == len(self.text) and text.strip():
                    text = text.rstrip("\n") + "\n\n\n"  # how nbconvert ends a document
                pieces.append(text)
                at = place.end
        pieces.append(self.text[at:])
        return "".join(pieces)


def shown_by(region: str) -> Shown:
    """What an output text below a code fence shows: printed text and value, and an error."""
    lines = [_dedent(line) for line in _ANSI.sub("", region).splitlines()]
    error = None
    if TRACEBACK_RULE in lines:
        at = lines.index(TRACEBACK_RULE)
        lines, traceback = lines[:at], lines[at + 1:]
        error = _last_exception(traceback)
    # The blank lines around the text are the exporter's layout, not output.
    return Shown(printed="\n".join(_without_warnings(lines)).strip("\n"), error=error, mixed=True)


def _dedent(line: str) -> str:
    if line.startswith(_INDENT):
        return line[len(_INDENT):].rstrip()
    return line.lstrip("\t").rstrip()


def _without_warnings(lines: list[str]) -> list[str]:
    kept, index = [], 0
    while index < len(lines):
        if _WARNING.match(lines[index]):
            index += 1
            while index < len(lines) and lines[index].startswith("  "):
                index += 1  # the source line Python's warnings module shows below
            continue
        kept.append(lines[index])
        index += 1
    return kept


def _last_exception(traceback: list[str]) -> Error | None:
    for at in range(len(traceback) - 1, -1, -1):
        match = _EXCEPTION.match(traceback[at])
        if match:
            rest = "\n".join([match.group(2) or ""] + traceback[at + 1:])
            return Error(match.group(1), rest.strip())
    return None


def normalized(text: str) -> str:
    """Output text as compared: line ends stripped, runs of blank lines as one, none at the ends."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


# ---------------------------------------------------------------- writing, as nbconvert 7 does


def indent(text: str) -> str:
    """nbconvert's `indent` filter: four spaces before every line, none after a final line break."""
    out = re.sub(r"^", _INDENT, text, flags=re.MULTILINE)
    return out[:-len(_INDENT)] if out.endswith("\n" + _INDENT) else out


def render(shown: Shown, cell: Cell) -> str:
    """The text nbconvert 7 writes below a code cell for these outputs (up to the next cell)."""
    text = ""
    if shown.printed:
        text += "\n" + indent(shown.printed) + "\n"
    if shown.result is not None:
        text += "\n\n\n\n" + indent(shown.result) + "\n\n\n"
    if shown.error is not None:
        lines = shown.error.traceback(cell.number, cell.source)
        text += "\n" + "".join("\n" + indent(line) + "\n" for line in lines)
    return text + "\n\n"
