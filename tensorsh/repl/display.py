"""How the REPL shows a value: rich (a dim header above the repr, numbers coloured), plain, or JSON.

The repr is always the engine's own — PyTorch's text, summarised past 1000 elements
as PyTorch does — so `rich` only adds: the header `shape (2, 3) · float32 · cpu`
(from `lang.describe.summary`, with `requires_grad` or `grad_fn` when set) and colour
for negative numbers, nan and inf. `plain` prints the bare repr, byte for byte what
`--format plain` prints; `json` prints `lang.describe.to_json`'s object on one line.
With `summarize_above` set (`:summarize N`), `rich` shows a tensor of more than N elements as
its one-line statistics instead (`stats.Stats.parts`); off by default, as PyTorch's repr is
what tensorsh promises.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, TextIO

from tensorsh.lang.describe import summary, to_json

FORMATS = ("rich", "plain", "json")

HEADER_STYLE = "dim"
NEGATIVE_STYLE = "red"
SPECIAL_STYLE = "bold yellow"  # nan and inf: values that are usually a bug worth seeing

# A minus that starts a number, not one inside an exponent (`1e-05`) or an expression.
NEGATIVE = re.compile(r"(?<![\w.)\]])-(?:\d[\d_]*\.?\d*(?:[eE][+-]?\d+)?j?)")
SPECIAL = re.compile(r"(?<![\w.])-?(?:nan|inf)(?![\w])")


def plain(value: Any) -> str:
    """The bare repr, as `--format plain` prints it."""
    return repr(value)


def as_json(value: Any) -> str:
    """One line of JSON describing the value."""
    return json.dumps(to_json(value))


def styled(value: Any):
    """The rich `Text` for a value: the dim header line (tensors and arrays), then the coloured repr."""
    from rich.text import Text

    text = Text()
    header = summary(value)
    if header is not None:
        text.append(header, style=HEADER_STYLE)
        text.append("\n")
    body = Text(repr(value))
    if not isinstance(value, str):
        body.highlight_regex(NEGATIVE, NEGATIVE_STYLE)
        body.highlight_regex(SPECIAL, SPECIAL_STYLE)
    text.append_text(body)
    return text


def stats_text(parts: list[tuple[str, str | None]]):
    """The rich `Text` of a statistics line's (text, kind) parts: sizes dim, NaN and Inf counts bright."""
    from rich.text import Text

    styles = {"dim": HEADER_STYLE, "special": SPECIAL_STYLE}
    return Text.assemble(*((text, styles.get(kind, "")) for text, kind in parts))


def summarized(value: Any, above: int | None):
    """The statistics line of a tensor or array of more than `above` elements; else None."""
    from tensorsh.repl.stats import array_of, measure, name_of, notes_of

    data = None if above is None else array_of(value)
    if data is None or data.size <= above:
        return None
    return stats_text(measure(data).parts(name_of(value, data), notes_of(value)))


class Printer:
    """Shows values on a stream in the current format; the REPL's `display` callback."""

    def __init__(self, fmt: str = "rich", color: bool = True, file: TextIO | None = None):
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        self.fmt = fmt
        self.color = color
        self.file = file
        self.summarize_above: int | None = None  # rich: tensors past this many elements show their statistics
        self._console = None

    @property
    def stream(self) -> TextIO:
        return self.file if self.file is not None else sys.stdout

    @property
    def console(self):
        """A rich Console on the stream: no re-wrapping (the repr is already wrapped at 80 columns)."""
        from rich.console import Console

        if self._console is None or self._console.file is not self.stream:
            self._console = Console(file=self.stream, highlight=False, soft_wrap=True, markup=False,
                                    emoji=False, no_color=not self.color,
                                    force_terminal=True if self.color else None)
        return self._console

    def show(self, value: Any) -> None:
        """Print one value in the current format."""
        if self.fmt == "plain":
            self.stream.write(plain(value) + "\n")
        elif self.fmt == "json":
            self.stream.write(as_json(value) + "\n")
        else:
            self.console.print(summarized(value, self.summarize_above) or styled(value))
        self.stream.flush()

    def print(self, renderable: Any = "", style: str | None = None) -> None:
        """Print a message or a rich renderable (a table) on the stream."""
        self.console.print(renderable, style=style)
