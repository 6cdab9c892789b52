"""Lexical facts about partly typed input: open brackets, an open string, a comment.

The REPL asks these questions on every key press (is the statement complete? what is
the cursor inside of?), about text that usually does not parse yet, so they are
answered by one small character scanner rather than by the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_CLOSING = {"(": ")", "[": "]", "{": "}"}
_PREFIXES = set("rRuUbB")


@dataclass
class OpenString:
    """A string literal still open at the end of the text."""

    start: int  # offset of the opening quote
    quote: str  # ', ", ''' or \"\"\"
    prefix: str = ""  # r, u, ... before the quote

    @property
    def triple(self) -> bool:
        return len(self.quote) == 3


@dataclass
class Scan:
    """What is open at the end of the scanned text."""

    brackets: list[tuple[str, int]] = field(default_factory=list)  # (bracket, offset), innermost last
    string: OpenString | None = None
    in_comment: bool = False
    comment_start: int | None = None  # offset of the `#` when the text ends inside a comment
    unmatched_close: bool = False  # a closing bracket with nothing open: the text is already wrong
    code_lines: list[str] = field(default_factory=list)  # each line with strings blanked, comments cut


def scan(text: str) -> Scan:
    """Scan `text` left to right, skipping string contents and comments."""
    result = Scan()
    code: list[str] = []  # characters of the current line, strings blanked, comments removed
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            result.code_lines.append("".join(code))
            code = []
            result.in_comment = False
            result.comment_start = None
            i += 1
        elif result.in_comment:
            i += 1
        elif ch == "#":
            result.in_comment = True
            result.comment_start = i
            i += 1
        elif ch in "'\"":
            prefix = ""
            j = i
            while j > 0 and text[j - 1] in _PREFIXES and len(prefix) < 2:
                j -= 1
                prefix = text[j] + prefix
            if prefix and j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_"):
                prefix = ""  # `xr'...'` is a name followed by a string, not a prefixed string
            quote = text[i:i + 3] if text[i:i + 3] in ("'''", '"""') else ch
            end = _string_end(text, i + len(quote), quote)
            if end is None:
                result.string = OpenString(i, quote, prefix)
                code.append(quote)
                # the rest of the text is inside the string; keep line structure for callers
                rest = text[i + len(quote):]
                for _ in range(rest.count("\n")):
                    result.code_lines.append("".join(code))
                    code = []
                result.code_lines.append("".join(code))
                return result
            code.append(quote + "_" + quote)  # a placeholder keeps `x = 's' +` shaped like code
            result.code_lines.extend([""] * text.count("\n", i, end))  # lines swallowed by a triple string
            i = end
        else:
            if ch in _CLOSING:
                result.brackets.append((ch, i))
            elif ch in ")]}":
                if result.brackets and _CLOSING[result.brackets[-1][0]] == ch:
                    result.brackets.pop()
                else:
                    result.unmatched_close = True
            code.append(ch)
            i += 1
    result.code_lines.append("".join(code))
    return result


def _string_end(text: str, i: int, quote: str) -> int | None:
    """The offset just past the closing quote, or None if the string is still open."""
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2  # an escaped character; in raw strings too, a backslash keeps the quote open
            continue
        if ch == "\n" and len(quote) == 1:
            # A one-quote string cannot span lines; the line is malformed, not open.
            return i
        if text.startswith(quote, i):
            return i + len(quote)
        i += 1
    return None
