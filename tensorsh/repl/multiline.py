"""When Enter runs the input and when it starts another line — and how far to indent it.

Pure functions of the text typed so far, tested on their own. The rules are the
Python REPL's, which a person arriving from PyTorch already knows:

- an open bracket, an open triple-quoted string, a trailing `\\` or a trailing binary
  operator (`x = a +`) continue the statement;
- a line ending in `:` opens a block (`if`, `for`, `def`, `class`, ...), and a block
  ends at an empty line, so an indented last line continues; a decorator line waits
  for its `def`; `else:`, `except:` and `finally:` typed at the body's depth move one
  step left, as IPython moves them;
- anything else is complete, including malformed input: running it shows the error.
"""

from __future__ import annotations

import re

from tensorsh.repl.scanning import scan

INDENT = "    "

# Tokens that cannot end an expression: the statement must go on.
_TRAILING_OPERATOR = re.compile(r"""(?x)
    (?: \*\*=? | //=? | <<=? | >>=? | [-+*/%@&|^]=? | [<>=!]= | [<>=~]
      | (?<![\w.]) (?: and | or | not | in | is | if | else | lambda ) )
    \s*$""")
_STAR_IMPORT = re.compile(r"^\s*from\s+[\w.]+\s+import\s+\*\s*$")


def is_command(text: str) -> bool:
    """True for a REPL command such as `:help` (a colon first, then a letter)."""
    return re.match(r"\s*:[A-Za-z]", text) is not None


def is_complete(text: str) -> bool:
    """Whether Enter at the end of `text` should run it (True) or start a new line (False)."""
    if not text.strip():
        return True
    state = scan(text)
    if text.rstrip(" \t").endswith("\\") and not state.in_comment:
        return False  # explicit line continuation
    if state.string is not None:
        return not state.string.triple  # an open one-quote string is an error to show, not more input
    if state.unmatched_close:
        return True
    if state.brackets:
        return False
    if is_command(text):
        return True  # commands are one line unless a bracket or `\` holds them open
    last = text.split("\n")[-1]
    code = state.code_lines[-1].rstrip()
    if not code.strip():
        return True  # an empty last line ends any block
    if code.endswith(":"):
        return False  # a block header waits for its body
    if code.lstrip().startswith("@"):
        return False  # a decorator waits for the def or class it decorates
    if _continues_after_operator(state):
        return False
    if last[:1] in (" ", "\t") and _opens_block(state.code_lines[:-1]):
        return False  # still inside a block's body: an empty line ends it
    return True


def _continues_after_operator(state) -> bool:
    code = state.code_lines[-1].rstrip()
    return (not state.brackets and state.string is None and _TRAILING_OPERATOR.search(code) is not None
            and not _STAR_IMPORT.match(code))


def join_operator_lines(text: str) -> str:
    """The input with a `\\` after each line that ends in an operator outside brackets.

    Enter continues such a line (`x = a +`), as the REPL promises, but the language,
    like Python, only continues a line inside brackets or after a backslash; the
    backslash makes the two agree. A comment after the operator is dropped (nothing may
    follow a backslash); line and column numbers of everything else stay the same.
    """
    lines = text.split("\n")
    start = 0
    for index, line in enumerate(lines[:-1]):
        end = start + len(line)
        state = scan(text[:end])
        if _continues_after_operator(state) and not line.rstrip().endswith("\\"):
            if state.in_comment and state.comment_start is not None:
                line = line[: state.comment_start - start].rstrip()
            lines[index] = line + " \\"
        start = end + 1
    return "\n".join(lines)


def _opens_block(lines: list[str]) -> bool:
    """True if some earlier line ends in `:` outside brackets: the input holds a block."""
    return any(line.rstrip().endswith(":") for line in lines)


def continuation_hint(text: str) -> str | None:
    """Why Enter is starting new lines instead of running, in a few words; None if it would run."""
    if is_complete(text):
        return None
    state = scan(text)
    if state.string is not None:
        return "inside a triple-quoted string: close it to run · Ctrl-C discards the input"
    if state.brackets:
        bracket, offset = state.brackets[-1]
        line = text.count("\n", 0, offset) + 1
        closing = {"(": ")", "[": "]", "{": "}"}[bracket]
        return f"`{bracket}` from line {line} is open: `{closing}` closes it · Ctrl-C discards the input"
    if text.rstrip(" \t").endswith("\\"):
        return "the line ends in `\\`: the statement goes on · Ctrl-C discards the input"
    if state.code_lines[-1].rstrip().endswith(":") or text.split("\n")[-1][:1] in (" ", "\t"):
        return "in a block: an empty line ends it and runs the input"
    return "the line ends in an operator: the statement goes on · Ctrl-C discards the input"


_CLAUSE = re.compile(r"^([ \t]+)(?:else|elif|except|finally)\b[^\n]*:[ \t]*(?:#.*)?$")


def dedent_clause(text: str) -> str:
    """The text with its last line one step left if it is a clause (`else:`, `except E:`,
    `finally:`) typed where Enter's indentation left it: at the depth of the body before it."""
    lines = text.split("\n")
    match = _CLAUSE.match(lines[-1])
    previous = next((line for line in reversed(lines[:-1]) if line.strip()), None)
    if match is None or previous is None:
        return text
    indent = len(match.group(1))
    if len(previous) - len(previous.lstrip(" \t")) < indent:
        return text  # left of the body already: placed by hand
    lines[-1] = lines[-1][min(len(INDENT), indent):]
    return "\n".join(lines)


def next_indent(text: str) -> str:
    """The indentation of the line Enter starts: the current line's, one step deeper after `:`."""
    last = text.split("\n")[-1]
    indent = last[: len(last) - len(last.lstrip(" \t"))]
    state = scan(text)
    if state.code_lines[-1].rstrip().endswith(":") and not state.brackets:
        indent += INDENT
    return indent
