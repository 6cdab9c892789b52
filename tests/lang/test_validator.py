"""The subset: grammar/tensorsh.asdl against CPython's own `ast`, and what the validator refuses.

The grammar is the one definition of the language. These tests check that it speaks of
real node types and fields, that the compiler rewrites only nodes it accepts, and that
each construct left out is refused before anything runs, with a located error.
"""

from __future__ import annotations

import ast

import pytest

from tensorsh.lang import grammar
from tensorsh.lang.compiler import Guarding
from tensorsh.lang.errors import TensorshError
from tensorsh.lang.session import Session
from tensorsh.lang.validator import PROTOCOL

ACCEPTED = grammar.accepted()


def _node_classes() -> set[str]:
    """Every concrete node class of this Python's `ast`."""
    found = set()
    stack = [ast.AST]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls._fields is not None and not cls.__subclasses__() and cls.__module__ == "ast":
            found.add(cls.__name__)
    return found - {"Num", "Str", "Bytes", "NameConstant", "Ellipsis", "Index", "ExtSlice", "Suite", "Param",
                    "AugLoad", "AugStore", "slice"}  # deprecated aliases CPython no longer produces


def test_the_grammar_names_real_node_types_and_fields():
    for name, fields in ACCEPTED.items():
        cls = getattr(ast, name, None)
        assert isinstance(cls, type) and issubclass(cls, ast.AST), name
        assert set(fields) <= set(cls._fields), (name, set(fields) - set(cls._fields))


def test_what_the_grammar_leaves_out_is_exactly_the_refused_python():
    left_out = _node_classes() - set(ACCEPTED)
    assert left_out == {
        "AsyncFunctionDef", "AsyncFor", "AsyncWith", "Await", "Yield", "YieldFrom", "TryStar",
        "Match", "match_case", "MatchValue", "MatchSingleton", "MatchSequence", "MatchMapping", "MatchClass",
        "MatchStar", "MatchAs", "MatchOr", "Interactive", "Expression", "FunctionType",
    }


def test_the_compiler_rewrites_only_accepted_nodes():
    visited = {name[len("visit_"):] for name in vars(Guarding) if name.startswith("visit_")}
    assert visited <= set(ACCEPTED), visited - set(ACCEPTED)


def test_the_grammar_reader_reads_cpythons_notation():
    text = """-- a comment
    module M {
        stmt = Pass | Expr(expr value) -- trailing comment
        arguments = (arg* args, expr? kwarg)
    }"""
    assert grammar.read(text) == {"Pass": {}, "Expr": {"value": "expr"}, "arguments": {"args": "arg", "kwarg": "expr"}}


def refusal(source: str) -> TensorshError:
    session = Session()
    with pytest.raises(TensorshError) as info:
        session.run(source + "\nran = True", "<t>")
    assert "ran" not in session.variables  # refused before anything ran
    error = info.value
    assert error.span is not None and not error.internal and error.exit_code == 2
    return error


@pytest.mark.parametrize("source, message", [
    ("def f():\n    yield 1", "`yield` is not part of tensorsh"),
    ("def f():\n    yield from [1]", "`yield from` is not part of tensorsh"),
    ("async def f():\n    pass", "`async def` is not part of tensorsh"),
    ("match 1:\n    case 1:\n        pass", "`match` is not part of tensorsh"),
    ("try:\n    pass\nexcept* ValueError:\n    pass", "`except*` is not part of tensorsh"),
    ("class A(metaclass=type):\n    pass", "`class … metaclass=…` (keywords in a class statement) is not part of "
                                            "tensorsh"),
    ("from . import x", "relative imports (`from . import …`) is not part of tensorsh"),
    ("[x async for x in y]", "`async for` in a comprehension is not part of tensorsh"),
    ("x.__class__", "the attribute '__class__' starts with '_': such names are not part of tensorsh"),
    ("_secret = 1", "the name '_secret' starts with '_': such names are not part of tensorsh"),
    ("def f(_x):\n    pass", "the parameter '_x' starts with '_': such names are not part of tensorsh"),
    ("f(_fn=1)", "the keyword argument '_fn' starts with '_': such names are not part of tensorsh"),
    ("def __init__(self):\n    pass", "the function name '__init__' starts with '_': such names are not part of "
                                       "tensorsh"),
    ("class A:\n    def __getattr__(self, name):\n        pass", "the function name '__getattr__' starts with '_'"),
    ("class _A:\n    pass", "the class name '_A' starts with '_': such names are not part of tensorsh"),
    ("global _g", "the name '_g' starts with '_': such names are not part of tensorsh"),
    ("try:\n    pass\nexcept ValueError as _e:\n    pass", "the name '_e' starts with '_'"),
    ("def f():\n    from torch import *", "import * only allowed at module level"),
    ("x.__init__ = 1", "the attribute '__init__' starts with '_': such names are not part of tensorsh"),
])
def test_constructs_outside_the_language_are_refused_before_running(source, message):
    error = refusal(source)
    assert error.kind == "SyntaxError"
    assert error.message.startswith(message)


@pytest.mark.parametrize("source", ["import os", "import torch.os", "from subprocess import run",
                                    "import numpy.lib"])
def test_imports_of_unknown_modules_are_refused_before_running(source):
    error = refusal(source)
    assert error.kind == "ImportError" and error.message.startswith("No module named")
    assert "tensorsh can import" in error.note


def test_the_protocol_methods_a_class_defines_are_accepted():
    methods = "\n".join(f"    def {name}(self, *args):\n        pass" for name in sorted(PROTOCOL))
    Session().run(f"class A:\n{methods}\nA()", "<t>")


@pytest.mark.parametrize("source", [
    "t = tensor([1.0])\nclass B:\n    def __init__(self):\n        super().__init__()\nB()",
    "class A:\n    def __init__(self):\n        self.x = 1\nclass B(A):\n    def __init__(self):\n"
    "        A.__init__(self)\nB().x",
    "from __future__ import annotations\nx: int = 1",
    "for _ in range(2):\n    pass\n_",
])
def test_forms_that_look_private_but_are_python_habits_run(source):
    Session().run(source, "<t>")


def test_a_syntax_error_is_cpythons_and_stops_the_whole_file():
    session = Session()
    with pytest.raises(TensorshError) as info:
        session.run("ran = True\nprint((1, 2)\n", "demo.tsh")
    error = info.value
    assert (error.kind, error.message) == ("SyntaxError", "'(' was never closed")
    assert (error.span.line, error.span.column) == (2, 6)
    assert "ran" not in session.variables and error.exit_code == 2


def test_cpythons_compile_time_errors_are_located_too():
    for source, message in [("break", "'break' outside loop"), ("return 1", "'return' outside function"),
                            ("nonlocal x", "nonlocal declaration not allowed at module level")]:
        error = refusal(source)
        assert (error.kind, error.message) == ("SyntaxError", message)
