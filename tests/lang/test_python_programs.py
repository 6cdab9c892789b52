"""Pure-Python programs that tensorsh must run exactly as CPython does.

Every file in python_programs/ is a small program in the language's subset of Python
that prints its results. Each is run twice in this process: by CPython itself
(compile + exec with the real builtins), which gives the expected output, and by a
tensorsh Session; the two outputs must be equal. Nothing expected is written down
here: CPython is the reference. Both runs start from the same state of Python's
`random` module, so a program that draws numbers without seeding compares too.

A second, smaller set of programs (FAILING, below) must fail the same way in both:
an uncaught exception whose CPython class name is tensorsh's error kind, after the
same printed output.

The last two tests check the corpus itself with CPython only, so that a failure of
the first two points at tensorsh, not at a program: every program keeps to the
subset (names, builtins, imports, statements) and shows nothing at top level
(tensorsh displays the value of a top-level expression statement, CPython does not),
and its output does not depend on the hash seed.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS_DIR = Path(__file__).parent / "python_programs"
PROGRAMS = sorted(PROGRAMS_DIR.glob("*.py"))
SEED = 12345


def run_in_cpython(source: str, filename: str) -> tuple[str, BaseException | None]:
    """CPython's output for `source`, and the exception that ended it, if any."""
    out = io.StringIO()
    globals_ = {"__builtins__": builtins, "__name__": "__main__"}
    code = compile(source, filename, "exec")
    random.seed(SEED)
    error = None
    with contextlib.redirect_stdout(out):
        try:
            exec(code, globals_)
        except Exception as exc:  # noqa: BLE001 - the failing programs are compared on it
            error = exc
    return out.getvalue(), error


def run_in_tensorsh(source: str, name: str):
    """tensorsh's output for `source`, and the TensorshError that ended it, if any."""
    from tensorsh.lang.errors import TensorshError
    from tensorsh.lang.session import Session

    out = io.StringIO()
    session = Session(write=out.write)
    random.seed(SEED)
    error = None
    try:
        session.run(source, f"{name}.py", display=lambda value: out.write(repr(value) + "\n"))
    except TensorshError as exc:
        error = exc
    return out.getvalue(), error


def rendered(error) -> str:
    from tensorsh.lang.errors import render

    return render(error)


# ---------------------------------------------------------------- programs that succeed


def test_the_corpus_is_there():
    assert 50 <= len(PROGRAMS) <= 80


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_program_runs_as_in_cpython(path: Path):
    source = path.read_text(encoding="utf-8")
    expected, cpython_error = run_in_cpython(source, str(path))
    assert cpython_error is None, f"{path.name} fails under CPython: {cpython_error!r}"
    actual, error = run_in_tensorsh(source, path.stem)
    if error is not None:
        pytest.fail(f"tensorsh failed on {path.name}:\n{rendered(error)}\n"
                    f"--- printed before the error:\n{actual}\n--- CPython printed:\n{expected}",
                    pytrace=False)
    assert actual == expected


# ---------------------------------------------------------------- programs that fail

FAILING = {
    "zero_division_in_function": """\
def ratio(a, b):
    return a / b

print(ratio(1, 4))
print(ratio(1, 0))
print("not reached")
""",
    "key_error": """\
ages = {"ann": 31}
print(ages["ann"])
print(ages["bob"])
""",
    "index_error": """\
def last_but(items, n):
    return items[len(items) - 1 - n]

print(last_but([1, 2, 3], 0))
print(last_but([1, 2, 3], -1))
""",
    "user_exception_class": """\
class QuotaExceeded(Exception):
    pass

def spend(amount, quota=10):
    if amount > quota:
        raise QuotaExceeded(f"{amount} > {quota}")
    return quota - amount

print(spend(3))
spend(30)
""",
    "user_exception_subclass_of_value_error": """\
class BadColour(ValueError):
    pass

print("checking")
raise BadColour("mauve")
""",
    "unbounded_recursion": """\
def down(n):
    return down(n + 1)

print("start")
down(0)
""",
    "name_error": """\
total = 1
print(total)
print(totl)
""",
    "unbound_local_error": """\
count = 0

def bump():
    count += 1
    return count

print("bumping")
bump()
""",
    "wrong_argument_count": """\
def pair(a, b):
    return (a, b)

print(pair(1, 2))
pair(1)
""",
    "failing_assert_with_message": """\
def check(x):
    assert x > 0, f"x must be positive, got {x}"
    return x

print(check(1))
check(-5)
""",
    "bare_raise_after_printing": """\
try:
    int("twelve")
except ValueError:
    print("logging the failure")
    raise
""",
    "raise_from": """\
def load(key):
    try:
        return {"a": 1}[key]
    except KeyError as e:
        raise LookupError("no such setting: " + key) from e

print(load("a"))
load("b")
""",
    # (not `e`: tensorsh's bare torch names include torch.e, which a deleted name falls back to)
    "except_variable_is_unbound_after_the_handler": """\
try:
    1 / 0
except ZeroDivisionError as err:
    print("caught")
print(err)
""",
    "class_body_comprehension_does_not_see_class_names": """\
class Table:
    size = 3
    print("class body runs")
    rows = [size for _ in range(2)]
""",
    "type_error_from_operands": """\
label = "n = "
print(label + str(1))
print(label + 1)
""",
    "stop_iteration_from_next": """\
it = iter([1])
print(next(it))
next(it)
""",
    "annotation_makes_a_name_local": """\
limit = 10

def below_limit(x):
    print("checking", x)
    limit: int
    return x < limit

print(below_limit(3))
""",
    "print_writes_the_values_before_one_that_fails": """\
class Broken:
    def __str__(self):
        raise ValueError("cannot show this")

print("first line")
print("value:", 42, Broken(), "never")
""",
}


@pytest.mark.parametrize("name", sorted(FAILING))
def test_failing_program_fails_as_in_cpython(name: str):
    source = FAILING[name]
    expected, cpython_error = run_in_cpython(source, f"{name}.py")
    assert cpython_error is not None, f"{name} does not fail under CPython"
    actual, error = run_in_tensorsh(source, name)
    assert error is not None, f"tensorsh ran {name} without error, printing:\n{actual}"
    assert (error.kind, actual) == (type(cpython_error).__name__, expected), rendered(error)


# ---------------------------------------------------------------- the corpus keeps to the subset

ALLOWED_BUILTINS = {
    "print", "len", "range", "enumerate", "zip", "map", "filter", "sorted", "reversed",
    "list", "tuple", "dict", "set", "frozenset", "str", "repr", "int", "float", "bool",
    "complex", "type", "isinstance", "issubclass", "id", "hash", "iter", "next", "callable",
    "hasattr", "divmod", "pow", "chr", "ord", "hex", "bin", "oct", "format", "slice",
    "object", "super", "min", "max", "sum", "abs", "round", "all", "any",
    "staticmethod", "classmethod", "property",
    "Exception", "ValueError", "TypeError", "KeyError", "IndexError", "ZeroDivisionError",
    "RuntimeError", "AttributeError", "StopIteration", "AssertionError", "NotImplementedError",
    "ArithmeticError", "LookupError", "OverflowError", "NameError", "RecursionError",
}
ARITHMETIC = ["add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul",
              "and", "or", "xor", "lshift", "rshift"]
PROTOCOL_METHODS = {
    "__init__", "__call__", "__repr__", "__str__", "__len__", "__getitem__", "__setitem__",
    "__iter__", "__contains__", "__eq__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__",
    "__neg__", "__bool__",
    *(f"__{prefix}{op}__" for op in ARITHMETIC for prefix in ("", "r", "i")),
}
DECORATORS = {"staticmethod", "classmethod", "property"}
PROPERTY_PARTS = {"setter", "getter", "deleter"}  # @NAME.setter
ALLOWED_IMPORTS = {"math", "random"}
FORBIDDEN_NODES = (ast.Yield, ast.YieldFrom, ast.Await, ast.AsyncFunctionDef, ast.AsyncFor,
                   ast.AsyncWith, ast.With, ast.Match, ast.ImportFrom)


def subset_violations(tree: ast.Module) -> list[str]:
    """What in `tree` the language's subset refuses (empty when it keeps to it)."""
    problems = []
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add(node.asname or node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
    annotations = [node.annotation for node in ast.walk(tree) if isinstance(node, (ast.arg, ast.AnnAssign))]
    annotations += [node.returns for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    unevaluated = {id(n) for a in annotations if a is not None for n in ast.walk(a)}  # __future__ annotations
    protocol_defs = {id(item) for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                     for item in node.body
                     if isinstance(item, ast.FunctionDef) and item.name in PROTOCOL_METHODS}

    def private(name: str) -> bool:
        return name.startswith("_") and name != "_"

    for node in ast.walk(tree):
        line = getattr(node, "lineno", "?")
        if isinstance(node, ast.ImportFrom):
            if node.module == "__future__" and [a.name for a in node.names] == ["annotations"]:
                continue
            problems.append(f"line {line}: from-import {node.module}")
        elif isinstance(node, FORBIDDEN_NODES):
            problems.append(f"line {line}: {type(node).__name__} is not in the subset")
        elif isinstance(node, ast.Import):
            problems += [f"line {line}: import {a.name}" for a in node.names
                         if a.name not in ALLOWED_IMPORTS or a.asname]
        elif isinstance(node, ast.Name):
            if private(node.id):
                problems.append(f"line {line}: name {node.id}")
            elif (isinstance(node.ctx, ast.Load) and node.id not in bound | ALLOWED_BUILTINS
                  and id(node) not in unevaluated):
                problems.append(f"line {line}: builtin {node.id} is not allowed")
        elif isinstance(node, ast.Attribute) and private(node.attr):
            super_init = (node.attr == "__init__" and isinstance(node.value, ast.Call)
                          and isinstance(node.value.func, ast.Name) and node.value.func.id == "super")
            if not super_init:
                problems.append(f"line {line}: attribute {node.attr}")
        elif isinstance(node, ast.FunctionDef):
            if private(node.name) and id(node) not in protocol_defs:
                problems.append(f"line {line}: def {node.name}")
            problems += [f"line {line}: decorator {ast.unparse(d)}" for d in node.decorator_list
                         if not (isinstance(d, ast.Name) and d.id in DECORATORS
                                 or isinstance(d, ast.Attribute) and d.attr in PROPERTY_PARTS)]
        elif isinstance(node, (ast.ClassDef, ast.arg, ast.keyword, ast.ExceptHandler)):
            name = getattr(node, "name", None) or getattr(node, "arg", None) or ""
            if private(name):
                problems.append(f"line {line}: {type(node).__name__} {name}")
            if isinstance(node, ast.ClassDef) and (node.keywords or node.decorator_list):
                problems.append(f"line {line}: class keywords (metaclass) or decorators")
    return problems


class ShowTopLevel(ast.NodeTransformer):
    """Wrap each expression statement the program runs at top level (in any if/for/while/try
    block, not in a def or class body) in a call recording the value tensorsh would display."""

    def visit_Expr(self, node: ast.Expr) -> ast.Expr:
        call = ast.Call(ast.Name("shown at top level", ast.Load()), [node.value], [])
        return ast.copy_location(ast.Expr(call), node)

    def visit_FunctionDef(self, node):
        return node

    visit_ClassDef = visit_FunctionDef


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_program_keeps_to_the_subset(path: Path):
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    assert 5 <= len(lines) <= 30, f"{path.name} has {len(lines)} lines"
    tree = ast.parse(source, str(path))
    assert subset_violations(tree) == []
    shown = []
    tree = ast.fix_missing_locations(ShowTopLevel().visit(tree))
    globals_ = {"__builtins__": builtins, "__name__": "__main__",
                "shown at top level": lambda value: shown.append(value) if value is not None else None}
    random.seed(SEED)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile(tree, str(path), "exec"), globals_)
    assert out.getvalue(), f"{path.name} prints nothing"
    assert shown == [], f"{path.name} has top-level expressions whose value tensorsh would display"


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_program_output_does_not_depend_on_the_hash_seed(path: Path):
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                              env=env, timeout=60, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1
