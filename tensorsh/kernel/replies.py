"""The kernel's answers to complete, inspect and is_complete requests, as protocol dicts.

They reuse the REPL's pure logic — its completer (`repl.completer`), `:help`'s text
(`lang.helptext`) and when Enter runs the input (`repl.multiline`) — so the sandbox holds
here as it does there: names resolve as Tab and `:help` resolve them, through the language's
allow-lists (`lang.signatures.resolve`), never by running the code typed, and no name or
attribute starting with `_` is offered or explained.
Positions are in characters (code points), as the protocol counts them since 5.2.
"""

from __future__ import annotations

import codeop
import re
from typing import Any

from tensorsh.lang.helptext import help_text
from tensorsh.repl import completer, multiline

# A dotted name around the cursor: the part before it and the part after it.
_NAME_BEFORE = re.compile(r"[A-Za-z_][\w.]*$")
_NAME_AFTER = re.compile(r"^\w*")


def complete(code: str, cursor_pos: int, session: Any) -> dict:
    """complete_reply: the candidates for the word before the cursor."""
    before = code[:cursor_pos]
    found = completer.Completions() if multiline.is_command(before) else completer.complete(before, session)
    return {"status": "ok", "matches": found.texts, "cursor_start": cursor_pos - found.start,
            "cursor_end": cursor_pos, "metadata": {}}


def name_at(code: str, cursor_pos: int) -> str | None:
    """The dotted name the cursor is in or just after (`torch.sof|tmax` → torch.softmax), or else
    the callee of the call it is inside (`softmax(x, |` → softmax)."""
    before = code[:cursor_pos]
    head = _NAME_BEFORE.search(before)
    tail = _NAME_AFTER.match(code[cursor_pos:]).group(0)
    name = (head.group(0) if head else "") + tail
    name = name.strip(".")
    if name and not name[0].isdigit():
        return name
    call = completer.call_context(before)
    return call.callee.replace(" ", "") if call is not None else None


def inspect(code: str, cursor_pos: int, session: Any) -> dict:
    """inspect_reply: `:help NAME`'s text for the name at the cursor, found only if it has help."""
    name = name_at(code, cursor_pos)
    text = help_text(name, session) if name else None
    if text is None:
        return {"status": "ok", "found": False, "data": {}, "metadata": {}}
    return {"status": "ok", "found": True, "data": {"text/plain": text}, "metadata": {}}


def is_complete(code: str) -> dict:
    """is_complete_reply: complete when Enter at the end would run the code in the REPL; else
    the indentation of the next line, or invalid when no more lines can make it a program."""
    if multiline.is_complete(code):
        return {"status": "complete"}
    try:
        codeop.compile_command(code, "<cell>", "exec")  # compiled, never run
    except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
        # The REPL goes on after `x = a +` and joins the lines; a cell is a program, as a file
        # is, and Python refuses that.
        return {"status": "invalid"}
    return {"status": "incomplete", "indent": multiline.next_indent(code)}
