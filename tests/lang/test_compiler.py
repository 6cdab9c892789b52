"""The compiler's promise: after the rewrite, nothing in a program reaches past a guard.

Every program of the test corpora (the Python programs, the golden cases, the error
cases) and programs made to hide attributes in odd corners are rewritten, and the
result is searched for what the sandbox must never compile: a plain attribute read,
write or delete, an f-string field or `**mapping` that skips its guard, an `except`
clause or class statement without its guard, an import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tensorsh.lang.compiler import Guarding
from tensorsh.lang.errors import TensorshError
from tensorsh.lang.validator import validate
from tests.golden import runner

HERE = Path(__file__).parent
SOURCES = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((HERE / "python_programs").glob("*.py"))]
SOURCES += [(case.id, case.source) for cases in runner.load_cases().values() for case in cases]
SOURCES += [(p.name, p.read_text(encoding="utf-8")) for p in sorted((HERE / "errors").glob("*.tsh"))]

# Attributes in every corner of the grammar where an expression may stand.
CORNERS = """
d = {**o.a, o.b: o.c, **{o.d: 1}}
s = {o.e, *o.f}
def f(p=o.g, *args, k=o.h, q, **kw) -> o.i:
    global z
    return [o.j for k2 in o.l if o.m]
async_free = lambda x=o.n: x.o
class C(o.p, *o.q):
    attr = o.r
    def m(self, v=o.s):
        self.t = v
        del self.t
        self.u += 1
with o.v as w, o.x as (y1, y2.z):
    pass
for a.b, (c.d, *e.f) in o.g2:
    pass
try:
    pass
except (o.h2, o.i2) as err:
    raise o.j2 from o.k3
x: o.l2 = o.m2
(o.n2).o2[o.p2:o.q2, ...] = f"{o.r2!r:>{o.s2}} {o.t2=}"
o.u2, o.v2 = o.w2 = 1, 2
assert o.x2, o.y2
del o.z2, o.a3[o.b3]
print(*o.c3, **o.d3, sep=o.e3)
o.f3 *= o.g3 ** o.h3 % o.i3 << o.j3 @ o.k4
while (n := o.l3):
    break
"""


def unguarded(tree: ast.AST) -> list[str]:
    """What in a rewritten tree would reach past the sandbox."""
    found = []
    for node in ast.walk(tree):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute):
            found.append(f"{where}: attribute .{node.attr} ({type(node.ctx).__name__})")
        elif isinstance(node, ast.FormattedValue) and (node.conversion != -1 or node.format_spec is not None
                                                       or not _calls(node.value, "_tsh_format")):
            found.append(f"{where}: f-string field without _tsh_format")
        elif isinstance(node, ast.keyword) and node.arg is None and not _calls(node.value, "_tsh_kwargs"):
            found.append(f"{where}: **mapping without _tsh_kwargs")
        elif isinstance(node, ast.ExceptHandler) and not _calls(node.type, "_tsh_catch"):
            found.append(f"{where}: except without _tsh_catch")
        elif isinstance(node, ast.ClassDef) and (
                node.bases and not (len(node.bases) == 1 and isinstance(node.bases[0], ast.Starred)
                                    and _calls(node.bases[0].value, "_tsh_bases"))
                or not (node.decorator_list and isinstance(node.decorator_list[-1], ast.Name)
                        and node.decorator_list[-1].id == "_tsh_class")):
            found.append(f"{where}: class {node.name} without _tsh_bases/_tsh_class")
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and not (
                isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            found.append(f"{where}: import")
        elif isinstance(node, ast.BinOp) and type(node.op).__name__ in ("Mult", "Pow", "LShift", "Mod", "MatMult"):
            found.append(f"{where}: unguarded {type(node.op).__name__}")
        elif isinstance(node, ast.AugAssign) and type(node.op).__name__ in ("Mult", "Pow", "LShift", "Mod",
                                                                           "MatMult"):
            found.append(f"{where}: unguarded {type(node.op).__name__}=")
    return found


def _calls(node: ast.AST | None, guard: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == guard


def rewritten(source: str) -> ast.Module:
    return Guarding(source.splitlines()).visit(ast.parse(source))


def _accepted(source: str) -> bool:
    """Whether the language accepts the program: the compiler only ever sees those."""
    try:
        validate(ast.parse(source), source, _MODULES)
    except (SyntaxError, TensorshError):
        return False
    return True


_MODULES = ("torch", "torch.nn", "torch.nn.functional", "numpy", "math", "random")
SOURCES = [(name, source) for name, source in SOURCES if _accepted(source)]  # not the refused error cases


@pytest.mark.parametrize("name, source", SOURCES, ids=[name for name, _ in SOURCES])
def test_no_program_of_the_corpora_compiles_past_a_guard(name, source):
    assert unguarded(rewritten(source)) == []


def test_attributes_in_every_corner_of_the_grammar_are_guarded():
    tree = rewritten(CORNERS)
    assert unguarded(tree) == []
    compile(tree, "<corners>", "exec")  # and the rewrite is still a valid program


def test_the_search_itself_finds_what_it_looks_for():
    assert sorted(unguarded(ast.parse("o.a\nf'{x!r}'\nf(**k)\nimport os\n2 * 3"))) == [
        "line 1: attribute .a (Load)", "line 2: f-string field without _tsh_format",
        "line 3: **mapping without _tsh_kwargs", "line 4: import", "line 5: unguarded Mult"]
