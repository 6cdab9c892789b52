"""What may come at the cursor: pure logic over the text typed so far and the session.

`complete(text_before_cursor, session)` returns the candidates and how many characters
before the cursor they replace. It decides by context, in this order:

- a REPL command (`:he`), its argument (`:help sof`, `:load exa`, `:format r`);
- a file path inside the string of `load("` / `save(x, "`;
- attributes after a dot, from the runtime type of the value on the left — only when
  the left side is a name or dotted name in scope, read through the language's
  allow-lists (`signatures.resolve`), never by running code;
- keyword arguments at the start of an argument inside a call (`softmax(x, d` → `dim=`);
- dtype names after `dtype=`;
- otherwise names in scope: variables, builtins, keywords.

Each candidate carries a one-line signature or summary for the menu. The prompt_toolkit
adapter is `app.PromptCompleter`; nothing here imports prompt_toolkit.
"""

from __future__ import annotations

import inspect
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from tensorsh.lang import signatures
from tensorsh.repl.multiline import is_command
from tensorsh.repl.scanning import scan

KEYWORDS = ("and", "as", "assert", "break", "class", "continue", "def", "del", "elif", "else", "except",
            "False", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "None",
            "nonlocal", "not", "or", "pass", "raise", "return", "True", "try", "while", "with")
DTYPE_NAMES = ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool",
               "complex64", "complex128")
FILE_FUNCTIONS = ("load", "save")
DATA_SUFFIXES = (".npy", ".npz")
PROGRAM_SUFFIXES = (".tsh",)

_WORD = re.compile(r"[A-Za-z_]\w*$")
_DOTTED_BEFORE = re.compile(r"([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\.\s*$")
_DTYPE_KEYWORD = re.compile(r"\bdtype\s*=\s*$")
_CALLEE = re.compile(r"([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*$")


@dataclass(frozen=True)
class Candidate:
    text: str  # inserted in place of the last `start` characters
    meta: str = ""  # one-line signature or summary
    display: str | None = None  # what the menu shows, when not `text`


@dataclass
class Completions:
    start: int = 0  # how many characters before the cursor the candidates replace
    items: list[Candidate] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.items]


def complete(text: str, session: Any) -> Completions:
    """The candidates for the cursor at the end of `text` (everything before the cursor)."""
    if (is_command(text) or text.strip() == ":") and "\n" not in text:
        return _command(text, session)
    state = scan(text)
    if state.in_comment:
        return Completions()
    if state.string is not None:
        return _in_string(text, state)
    word = _WORD.search(text)
    prefix = word.group(0) if word else ""
    before = text[: len(text) - len(prefix)]
    if before[-1:].isalnum() or before[-1:] == "_":
        return Completions()  # the word is the tail of a number (`1e`), not a name
    owner = _DOTTED_BEFORE.search(before)
    if owner is not None:
        if not _stands_alone(before, owner.start()):
            return Completions()
        found = _attributes(owner.group(1), prefix, session)
        if _DTYPE_KEYWORD.search(before[: owner.start()]):  # `dtype=torch.f`: the dtypes first
            found.items.sort(key=lambda c: (c.meta != "dtype", _dtype_rank(c.text)))
        return found
    if before.rstrip().endswith("."):
        return Completions()  # an attribute of an expression we will not evaluate, or `1.x`
    items: list[Candidate] = []
    if _DTYPE_KEYWORD.search(before):
        items.extend(Candidate(n, "dtype") for n in DTYPE_NAMES if n.startswith(prefix))
    call = _call_context(before, state)
    if call is not None:
        items.extend(_keywords(call, prefix, session))
    seen = {c.text for c in items}
    items.extend(c for c in _names(prefix, session) if c.text not in seen)
    return Completions(len(prefix), items)


# ---------------------------------------------------------------- names and attributes

def _names(prefix: str, session: Any) -> list[Candidate]:
    """Variables first (what the person made), then builtins, then keywords, each alphabetical."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for source in (session.variables, session.builtins):
        for name in sorted(source, key=str.lower):
            if name.startswith(prefix) and name not in seen and not name.startswith("_"):
                seen.add(name)
                out.append(Candidate(name, signatures.meta_for(name, source[name])))
    out.extend(Candidate(k, "keyword") for k in KEYWORDS if k.startswith(prefix) and k not in seen)
    return out


def _dtype_rank(name: str) -> int:
    """The common dtypes in DTYPE_NAMES' order, then the others (aliases such as `float`)."""
    return DTYPE_NAMES.index(name) if name in DTYPE_NAMES else len(DTYPE_NAMES)


def _attributes(dotted: str, prefix: str, session: Any) -> Completions:
    try:
        owner = signatures.resolve(dotted, session)
    except LookupError:
        return Completions()
    names = session.attributes(owner) if hasattr(session, "attributes") else []
    chosen = [n for n in names if n.startswith(prefix)]
    # Public API before in-place twins: `t.add` before `t.add_`.
    chosen.sort(key=lambda n: (n.endswith("_"), n.lower()))
    return Completions(len(prefix), [Candidate(n, signatures.attribute_meta(owner, n)) for n in chosen])


def _stands_alone(text: str, start: int) -> bool:
    """True if the dotted name at `start` is not itself the tail of a larger expression (`f(x).y`)."""
    head = text[:start].rstrip()
    return not head or head[-1] not in ").]'\"" and not head.endswith(".")


# ---------------------------------------------------------------- calls and keyword arguments

@dataclass
class Call:
    callee: str  # the dotted name before the open bracket
    used: set[str]  # keywords already given
    at_argument_start: bool  # the cursor word begins an argument


def call_context(text: str) -> Call | None:
    """The call whose brackets enclose the end of `text`, if its callee is a (dotted) name."""
    return _call_context(text, scan(text))


def _call_context(before: str, state) -> Call | None:
    if not state.brackets or state.brackets[-1][0] != "(":
        return None
    offset = state.brackets[-1][1]
    callee = _CALLEE.search(before[:offset])
    if callee is None or not _stands_alone(before, callee.start()):
        return None
    if callee.group(1).split(".")[-1].strip() in ("if", "in", "and", "or", "not", "else", "lambda", "is"):
        return None
    inside = scan(before[offset + 1:]).code_lines
    args = _top_level("\n".join(inside))
    current = args[-1] if args else ""
    used = {m.group(1) for a in args[:-1] for m in [re.match(r"\s*([A-Za-z_]\w*)\s*=(?!=)", a)] if m}
    return Call(callee.group(1), used, not current.strip())


def _top_level(code: str) -> list[str]:
    """Split call arguments at commas outside nested brackets."""
    parts, depth, current = [], 0, []
    for ch in code:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _keywords(call: Call, prefix: str, session: Any) -> list[Candidate]:
    if not call.at_argument_start:
        return []
    try:
        callee = signatures.resolve(call.callee, session)
    except LookupError:
        return []
    signature = signatures.signature_of(callee)
    if signature is None:
        return []
    out = []
    for param in signature.parameters.values():
        if param.kind in (param.POSITIONAL_ONLY, param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.name in call.used or not param.name.startswith(prefix) or param.name in ("self", "out"):
            continue
        default = "" if param.default is param.empty else f"={param.default!r}"
        out.append(Candidate(f"{param.name}=", f"{param.name}{default}"))
    return out


def signature_at(text: str, session: Any) -> str | None:
    """The signature of the call the cursor is inside, for the toolbar; None outside calls."""
    state = scan(text)
    if state.string is not None and not state.brackets:
        return None
    call = _call_context(text, state)
    if call is None:
        return None
    try:
        callee = signatures.resolve(call.callee, session)
    except LookupError:
        return None
    if not callable(callee):
        return None
    name = call.callee.replace(" ", "")
    entry = signatures.op_for(callee)
    line = signatures.signature_line(name, callee, width=None)
    # Only a routine's own docstring describes it; a callable object's is its class's (a lambda's).
    own_doc = inspect.getdoc(callee) if inspect.isroutine(callee) else ""
    doc = signatures.first_line(entry.doc if entry is not None else own_doc)
    return f"{line}  —  {doc}" if doc else line


# ---------------------------------------------------------------- strings: file paths

def _in_string(text: str, state) -> Completions:
    string = state.string
    if string.triple or not state.brackets or state.brackets[-1][0] != "(":
        return Completions()
    head = text[: string.start - len(string.prefix)]
    inner = scan(head)
    call = _call_context(head, inner)
    if call is None or call.callee.split(".")[-1].strip() not in FILE_FUNCTIONS:
        return Completions()
    return complete_path(text[string.start + len(string.quote):], DATA_SUFFIXES)


def complete_path(typed: str, suffixes: Iterable[str]) -> Completions:
    """Directory entries matching what was typed of a path: folders (with `/`) and files with a suffix."""
    suffixes = tuple(suffixes)
    expanded = os.path.expanduser(typed)
    folder, base = os.path.split(expanded)
    try:
        entries = sorted(os.scandir(folder or "."), key=lambda e: e.name.lower())
    except OSError:
        return Completions()
    items = []
    for entry in entries:
        name = entry.name
        if not name.startswith(base) or (name.startswith(".") and not base.startswith(".")):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            items.append(Candidate(name + "/", "directory"))
        elif name.endswith(suffixes):
            items.append(Candidate(name, _size(entry)))
    return Completions(len(base), items)


def _size(entry) -> str:
    try:
        size = entry.stat().st_size
    except OSError:
        return "file"
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return "file"


# ---------------------------------------------------------------- REPL commands

def _command(text: str, session: Any) -> Completions:
    from tensorsh.repl.commands import COMMANDS, FORMATS

    body = text.lstrip()
    name, space, rest = body[1:].partition(" ")
    if not space:
        items = [Candidate(":" + c.name, c.summary) for c in COMMANDS.values() if c.name.startswith(name)]
        return Completions(len(name) + 1, items)
    command = COMMANDS.get(name) or next((c for c in COMMANDS.values() if name in c.aliases), None)
    if command is None:
        return Completions()
    rest = rest.lstrip()
    if command.name == "load":
        return complete_path(rest, PROGRAM_SUFFIXES)
    if command.name == "format":
        return Completions(len(rest), [Candidate(f, "output format") for f in FORMATS if f.startswith(rest)])
    if command.name == "help":
        word = re.search(r"[A-Za-z_][\w.]*$", rest)
        typed = word.group(0) if word else ""
        dotted, dot, last = typed.rpartition(".")
        if dot:
            return _attributes(dotted, last, session)
        found = [c for c in _names(typed, session) if c.meta != "keyword"]
        return Completions(len(typed), found)
    if command.code:  # :time, :stats, :graph...: program text
        return complete(rest, session)
    return Completions()
