"""The subset check: a tree from `ast.parse`, walked against grammar/tensorsh.asdl before anything runs.

`validate(tree, source, modules)` raises a located `TensorshError` for the first thing
outside the language, and returns nothing otherwise. The grammar says which node
types and fields exist (`grammar.accepted()`); the rules below say what a tree of
nodes cannot:

- no name, attribute, parameter or keyword that starts with `_` (a lone `_` is a
  name like any other); a class may define the protocol methods in `PROTOCOL`, and a
  program may read them as attributes (`super().__init__(...)`, `Base.__init__(self)`);
- imports name modules tensorsh has (`modules`), or `__future__`, whose features
  change nothing here;
- `from M import *` only at the top level, as Python's compiler requires.
"""

from __future__ import annotations

import ast
from typing import Collection

from tensorsh.lang import grammar
from tensorsh.lang.errors import TensorshError, did_you_mean, source_lines, span_of

# Methods a user class may define (and a program may read as attributes): the protocols
# people write, and nothing that changes how attributes, classes or pickling work.
_ARITHMETIC = ("add", "sub", "mul", "matmul", "truediv", "floordiv", "mod", "pow", "lshift", "rshift",
               "and", "or", "xor")
_NAMED_PROTOCOL = (
    "__init__", "__call__", "__repr__", "__str__", "__len__", "__getitem__", "__setitem__",
    "__delitem__", "__iter__", "__next__", "__reversed__", "__contains__", "__eq__", "__ne__", "__lt__",
    "__le__", "__gt__", "__ge__", "__hash__", "__bool__", "__int__", "__float__", "__index__",
    "__neg__", "__pos__", "__abs__", "__invert__", "__round__", "__enter__", "__exit__")
PROTOCOL = frozenset([*_NAMED_PROTOCOL, *(f"__{prefix}{op}__" for op in _ARITHMETIC for prefix in ("", "r", "i"))])


def protocol_summary() -> str:
    """The protocol methods a class may define, in words."""
    arithmetic = ", ".join(f"__{op}__" for op in _ARITHMETIC)
    return f"{', '.join(_NAMED_PROTOCOL)}, {arithmetic} (and their __r…__ and __i…__ forms)"

# What a refused node is called in a message, where its class name is not what people type.
_WORDS = {
    "AsyncFunctionDef": "async def", "AsyncFor": "async for", "AsyncWith": "async with", "Await": "await",
    "Yield": "yield", "YieldFrom": "yield from", "Match": "match", "TryStar": "except*",
}
_NOTES = {
    "Yield": "generator functions are not part of the language; generator expressions "
             "(`sum(x for x in xs)`) and lists are",
    "YieldFrom": "generator functions are not part of the language; generator expressions and lists are",
    "ClassDef.keywords": "a class takes base classes only",
    "comprehension.is_async": "`async` is not part of the language",
}
_FIELD_WORDS = {
    "ClassDef.keywords": "`class … metaclass=…` (keywords in a class statement)",
    "ImportFrom.level": "relative imports (`from . import …`)",
    "comprehension.is_async": "`async for` in a comprehension",
}

# Node class -> (the fields the grammar leaves out, which must be empty; the fields that may hold nodes).
_RULES: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}
_FIELDLESS: set[type] = set()  # nothing below these to check (operators, contexts)


# The most keyword arguments one call may pass. CPython's compiler checks a call's keywords
# for repeats pair by pair (validate_keywords in compile.c): 20,000 of them take seconds,
# 100,000 minutes. More than this go in a dict: f(**{'a': 1, ...}) is one argument.
MAX_KEYWORD_ARGUMENTS = 1000


def _rules() -> dict[type, tuple[tuple[str, ...], tuple[str, ...]]]:
    if not _RULES:
        for name, fields in grammar.accepted().items():
            cls = getattr(ast, name)
            _RULES[cls] = (tuple(f for f in cls._fields if f not in fields), grammar.child_fields()[cls])
        _FIELDLESS.update(grammar.fieldless())
    return _RULES


def validate(tree: ast.Module, source: str, modules: Collection[str] = ()) -> None:
    """Raise a located TensorshError for the first construct of `tree` outside the language."""
    Validator(source, modules).check(tree)


def private(name: str | None) -> bool:
    return name is not None and name.startswith("_") and name != "_"


class Validator:
    def __init__(self, source: str, modules: Collection[str]):
        self.lines = source_lines(source)
        self.modules = modules
        self.rules = _rules()

    def refuse(self, node: ast.AST, message: str, note: str | None = None, kind: str = "SyntaxError"):
        raise TensorshError(kind, message, span_of(node, self.lines), note)

    def check(self, tree: ast.Module) -> None:
        rules = self.rules
        fieldless = _FIELDLESS
        # Iterative, so that a deeply nested expression cannot overflow Python's stack here.
        stack: list[tuple[ast.AST, ast.AST | None]] = [(tree, None)]
        while stack:
            node, parent = stack.pop()
            cls = type(node)
            rule = rules.get(cls)
            if rule is None:
                self.refuse_node(node, parent)
            empty, children = rule
            for field in empty:
                if getattr(node, field, None):
                    self.refuse_field(node, parent, field)
            check = _CHECKS.get(cls)
            if check is not None:
                check(self, node, parent)
            for field in children:
                value = getattr(node, field, None)
                if type(value) is list:
                    for item in value:
                        if item is not None:
                            stack.append((item, node))
                elif value is not None and type(value) not in fieldless:
                    stack.append((value, node))

    def refuse_node(self, node: ast.AST, parent: ast.AST | None) -> None:
        name = type(node).__name__
        word = _WORDS.get(name, name)
        self.refuse(node if hasattr(node, "lineno") else parent, f"`{word}` is not part of tensorsh",
                    _NOTES.get(name))

    def refuse_field(self, node: ast.AST, parent: ast.AST | None, field: str) -> None:
        key = f"{type(node).__name__}.{field}"
        what = _FIELD_WORDS.get(key, f"`{field}` in `{type(node).__name__}`")
        self.refuse(node if hasattr(node, "lineno") else parent, f"{what} is not part of tensorsh",
                    _NOTES.get(key))

    def refuse_private(self, node: ast.AST, name: str, what: str) -> None:
        self.refuse(node, f"{what} '{name}' starts with '_': such names are not part of tensorsh",
                    "names that start with '_' are Python's internals, which tensorsh keeps out of reach")

    # ---------------------------------------------------------------- names

    def name(self, node: ast.Name, parent) -> None:
        if private(node.id):
            self.refuse_private(node, node.id, "the name")

    def attribute(self, node: ast.Attribute, parent) -> None:
        if private(node.attr) and not (node.attr in PROTOCOL and isinstance(node.ctx, ast.Load)):
            self.refuse_private(node, node.attr, "the attribute")

    def arg(self, node: ast.arg, parent) -> None:
        if private(node.arg):
            self.refuse_private(node, node.arg, "the parameter")

    def keyword(self, node: ast.keyword, parent) -> None:
        if private(node.arg):
            self.refuse_private(node, node.arg, "the keyword argument")
        if len(parent.keywords) > MAX_KEYWORD_ARGUMENTS and node is parent.keywords[MAX_KEYWORD_ARGUMENTS]:
            self.refuse(node, f"this call passes {len(parent.keywords):,} keyword arguments, more than "
                        f"tensorsh's limit of {MAX_KEYWORD_ARGUMENTS:,}",
                        "pass them in one dict: f(**{'a': 1, 'b': 2, ...})")

    def function(self, node: ast.FunctionDef, parent) -> None:
        in_class = isinstance(parent, ast.ClassDef)
        if private(node.name) and not (in_class and node.name in PROTOCOL):
            note = (f"a class may define {', '.join(sorted(PROTOCOL)[:8])}, … (`:help syntax` lists them)"
                    if in_class else None)
            self.refuse(node, f"the function name '{node.name}' starts with '_'"
                        + ("" if in_class else ": such names are not part of tensorsh"), note)

    def class_def(self, node: ast.ClassDef, parent) -> None:
        if private(node.name):
            self.refuse_private(node, node.name, "the class name")

    def scope_names(self, node: ast.Global | ast.Nonlocal, parent) -> None:
        for name in node.names:
            if private(name):
                self.refuse_private(node, name, "the name")

    def try_(self, node: ast.Try, parent) -> None:
        exit_ = _leaving(node.finalbody, in_loop=False)
        if exit_ is not None:
            word = type(exit_).__name__.lower()
            self.refuse(exit_, f"`{word}` out of a `finally` block is not part of tensorsh",
                        "it would swallow the exception in flight, Ctrl-C included (Python 3.14 warns "
                        "of it too, PEP 765)")

    def except_handler(self, node: ast.ExceptHandler, parent) -> None:
        if private(node.name):
            self.refuse_private(node, node.name, "the name")

    # ---------------------------------------------------------------- imports

    def import_(self, node: ast.Import, parent) -> None:
        for alias in node.names:
            self.known_module(alias, alias.name)
            if private(alias.asname):
                self.refuse_private(alias, alias.asname, "the name")

    def import_from(self, node: ast.ImportFrom, parent) -> None:
        if node.module != "__future__":  # __future__: a feature of Python's compiler, the same here
            self.known_module(node, node.module or "")
        for alias in node.names:
            if alias.name == "*":
                continue
            if private(alias.name):
                self.refuse_private(alias, alias.name, "the name")
            if private(alias.asname):
                self.refuse_private(alias, alias.asname, "the name")

    def known_module(self, node: ast.AST, dotted: str) -> None:
        if dotted in self.modules:
            return
        known = sorted(self.modules)
        message = did_you_mean(f"No module named '{dotted}' in tensorsh", dotted, known)
        self.refuse(node, message, f"tensorsh can import {', '.join(known)}", kind="ImportError")


def _leaving(statements: list[ast.stmt], in_loop: bool) -> ast.stmt | None:
    """The first `return`, or `break`/`continue` not inside a loop of its own, that leaves these
    statements; functions and classes defined inside are their own scopes."""
    for statement in statements:
        if isinstance(statement, ast.Return) or (isinstance(statement, (ast.Break, ast.Continue))
                                                 and not in_loop):
            return statement
        if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            continue
        loop = in_loop or isinstance(statement, (ast.For, ast.While))
        for field in ("body", "orelse", "finalbody"):
            found = _leaving(getattr(statement, field, []), loop if field == "body" else in_loop)
            if found is not None:
                return found
        for handler in getattr(statement, "handlers", []):
            found = _leaving(handler.body, in_loop)
            if found is not None:
                return found
    return None


_CHECKS = {
    ast.Name: Validator.name,
    ast.Attribute: Validator.attribute,
    ast.arg: Validator.arg,
    ast.keyword: Validator.keyword,
    ast.FunctionDef: Validator.function,
    ast.ClassDef: Validator.class_def,
    ast.Global: Validator.scope_names,
    ast.Nonlocal: Validator.scope_names,
    ast.ExceptHandler: Validator.except_handler,
    ast.Try: Validator.try_,
    ast.Import: Validator.import_,
    ast.ImportFrom: Validator.import_from,
}
