"""The language subset as data: grammar/tensorsh.asdl read into {node class name: {field: type}}.

The file is written in CPython's ASDL notation (Parser/Python.asdl). Only what the
validator needs is read: each constructor (`BinOp`) or product type (`arguments`), and
the fields it lists with their types (`expr`, `identifier`, ...; `*` and `?` dropped).
Comments (`-- ...`) are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# In a wheel the grammar travels inside the package; in a checkout it sits at the top.
_CANDIDATES = (_HERE.parent / "grammar" / "tensorsh.asdl", _HERE.parent.parent / "grammar" / "tensorsh.asdl")

_TOKEN = re.compile(r"--[^\n]*|[A-Za-z_][A-Za-z0-9_]*|[()|,=*?{}]|\S")


def grammar_path() -> Path:
    for path in _CANDIDATES:
        if path.is_file():
            return path
    raise FileNotFoundError("grammar/tensorsh.asdl is missing from this installation")


# ASDL's builtin types: a field of one of these holds no nodes.
SCALARS = frozenset({"identifier", "int", "string", "constant"})


def read(text: str) -> dict[str, dict[str, str]]:
    """Constructor and product names -> the fields the grammar lists for them, with their types."""
    tokens = [t for t in _TOKEN.findall(text) if not t.startswith("--")]
    start = tokens.index("{") + 1
    tokens = tokens[start:tokens.index("}", start)]
    accepted: dict[str, dict[str, str]] = {}
    i = 0
    while i < len(tokens):
        type_name = tokens[i]
        if tokens[i + 1] != "=":
            raise ValueError(f"grammar: expected '=' after {type_name!r}")
        i += 2
        if tokens[i] == "(":  # a product type: its own name holds the fields
            fields, i = _fields(tokens, i)
            accepted[type_name] = fields
            continue
        while True:  # a sum type: constructors separated by |
            constructor = tokens[i]
            i += 1
            fields: dict[str, str] = {}
            if i < len(tokens) and tokens[i] == "(":
                fields, i = _fields(tokens, i)
            accepted[constructor] = fields
            if i < len(tokens) and tokens[i] == "|":
                i += 1
                continue
            break
    return accepted


def _fields(tokens: list[str], i: int) -> tuple[dict[str, str], int]:
    """{name: type} of `( type name, type* name, ... )` starting at tokens[i] == '('."""
    end = tokens.index(")", i)
    fields = {}
    for field in " ".join(tokens[i + 1:end]).split(","):
        words = field.replace("*", " ").replace("?", " ").split()
        fields[words[-1]] = words[0]
    return fields, end + 1


_ACCEPTED: dict[str, dict[str, str]] = {}


def accepted() -> dict[str, dict[str, str]]:
    """The grammar shipped with tensorsh (read once)."""
    if not _ACCEPTED:
        _ACCEPTED.update(read(grammar_path().read_text(encoding="utf-8")))
    return _ACCEPTED


_CHILDREN: dict[type, tuple[str, ...]] = {}


def child_fields() -> dict[type, tuple[str, ...]]:
    """Node class -> the fields of it the grammar lists that may hold nodes (the walks' paths)."""
    if not _CHILDREN:
        import ast

        for name, fields in accepted().items():
            _CHILDREN[getattr(ast, name)] = tuple(f for f, kind in fields.items() if kind not in SCALARS)
    return _CHILDREN


def fieldless() -> frozenset[type]:
    """Accepted node classes with no fields at all (operators, contexts, `pass`): nothing below them."""
    import ast

    return frozenset(getattr(ast, name) for name, fields in accepted().items()
                     if not getattr(ast, name)._fields)
