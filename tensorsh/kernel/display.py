"""What a cell's value is shown as: the MIME bundle of an execute_result.

text/plain is the repr, byte for byte PyTorch's text: what `jupyter console`, nbconvert's
text exports and any client comparing outputs read. Notebooks prefer text/html when a
bundle has it, so a tensor's or an array's bundle adds the REPL's rich display as HTML:
the dim header `shape (2, 3) · float32 · cpu` above the same repr, negative numbers, nan
and inf coloured. Other values (numbers, lists, strings) gain nothing from it and show
their repr alone, as IPython shows them.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.terminal_theme import TerminalTheme

from tensorsh.lang.describe import summary
from tensorsh.repl.display import styled

# Colours for the HTML, readable on a light and on a dark notebook theme alike: text without
# a colour of its own keeps the notebook's, and the header's dim is grey on either.
_BLACK, _WHITE = (0, 0, 0), (255, 255, 255)
_MIDTONES = [_BLACK, (205, 49, 49), (13, 188, 121), (188, 140, 0),
             (36, 114, 200), (188, 63, 188), (17, 168, 205), (128, 128, 128)]
THEME = TerminalTheme(_WHITE, _BLACK, _MIDTONES, _MIDTONES)

# A bare <pre>: the notebook gives it its own monospace font, as it does its text output.
_PRE = "<pre>{code}</pre>"


def bundle(value: Any) -> dict[str, str]:
    """The execute_result data for a value: text/plain always, text/html for tensors and arrays."""
    data = {"text/plain": repr(value)}
    if summary(value) is not None:
        data["text/html"] = html(value)
    return data


def html(value: Any) -> str:
    """The REPL's rich display of a value as one `<pre>`, with inline styles (rich escapes the text)."""
    console = Console(file=io.StringIO(), record=True, color_system="truecolor", force_terminal=True,
                      highlight=False, soft_wrap=True, markup=False, emoji=False)
    console.print(styled(value))
    return console.export_html(theme=THEME, inline_styles=True, code_format=_PRE)
