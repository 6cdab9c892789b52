"""Every sub-expression's shape and dtype from one evaluation: what `:shape EXPR` shows.

The validated tree of the expression is rewritten so that each sub-expression `e` becomes
`_tsh_note(k, e)`, which describes the value (a tensor's shape and dtype, a number's
repr, otherwise its type) and returns it unchanged; the rewritten tree is then guarded
and compiled like any input and run once. Only descriptions are kept, never values: a
large tensor is neither copied nor kept alive.

What is not noted: constants (they show themselves), the callee of a call (`torch.mm`,
though a method's receiver is noted), targets, slices, and the inside of lambdas,
comprehensions and f-strings (each is one value; inside, a name would be noted once per
element).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from tensorsh.lang.describe import is_tensor
from tensorsh.lang.errors import Span, TensorshError, source_lines, span_of
from tensorsh.lang.namespace import ENGINE_MODULES

NOTE = "_tsh_note"  # no program can write the name: the validator refuses names starting with _
MOST_SHOWN = 48  # characters of a sub-expression's source shown; longer ones are clipped with …

# Values whose repr is shown beside their type: builtin ones, whose repr runs no program code.
_SHOWN_REPR = (int, float, bool, complex, str, type(None))
_LONGEST_REPR = 32


@dataclass(frozen=True)
class Description:
    """What a value is: a tensor's shape and dtype, or a Python value's type (and short repr)."""

    kind: str  # "float32" for a tensor, else the type's name ("int", "list")
    shape: tuple[int, ...] | None = None  # tensors only
    text: str | None = None  # a short repr, or a length ("3 items")
    requires_grad: bool = False


@dataclass
class Step:
    """One sub-expression: its source, where it is, and its value's description (None if it never ran)."""

    source: str
    span: Span
    value: Description | None = None
    children: list[Step] = field(default_factory=list)


def describe(value: Any) -> Description:
    """What `value` is, from the engine's classes or PyTorch's (`--backend torch`) alike."""
    if is_tensor(value):
        return Description(str(value.dtype).removeprefix("torch."), tuple(int(d) for d in value.shape),
                           requires_grad=bool(value.requires_grad))
    if type(value).__name__ in ("Size", "dtype") and type(value).__module__.startswith(ENGINE_MODULES):
        return Description(type(value).__name__, text=repr(value))
    if type(value) in _SHOWN_REPR:
        text = repr(value)
        return Description(type(value).__name__, text=text if len(text) <= _LONGEST_REPR else None)
    if type(value) in (list, tuple, dict, set):
        return Description(type(value).__name__, text=f"{len(value)} items")
    return Description(type(value).__name__)


def trace(session, expression: str, filename: str = "<shape>") -> tuple[list[Step], TensorshError | None]:
    """Run `expression` once in the session, noting each sub-expression; the steps as a tree (one root
    per expression statement) and the error that stopped the run, if one did. A syntax error, or a
    construct outside the language, raises TensorshError before anything runs."""
    noting = _Noting()
    code = session.prepare(expression, filename, instrument=noting.rewrite)
    lines = source_lines(expression)
    steps = [Step(_clipped(ast.get_source_segment(expression, node) or ""), span_of(node, lines))
             for node in noting.nodes]
    for index, children in noting.children.items():
        steps[index].children = [steps[child] for child in children]

    def note(index: int, value: Any) -> Any:
        steps[index].value = describe(value)
        return value

    session.builtins[NOTE] = note
    error = None
    try:
        session.execute(code)
    except TensorshError as exc:
        error = exc.located(filename, expression)
    finally:
        del session.builtins[NOTE]
    return _without_modules([steps[root] for root in noting.roots]), error


def _without_modules(steps: list[Step]) -> list[Step]:
    """The steps with `torch` and `F` (receivers of module functions) left out: they have no shape."""
    kept = []
    for step in steps:
        step.children = _without_modules(step.children)
        if step.value is not None and step.value.kind == "module":
            kept.extend(step.children)
        else:
            kept.append(step)
    return kept


def _clipped(source: str) -> str:
    source = " ".join(source.split())  # one line, even for an expression written over several
    return source if len(source) <= MOST_SHOWN else source[:MOST_SHOWN - 1] + "…"


class _Noting(ast.NodeTransformer):
    """Wraps each noted sub-expression in `_tsh_note(k, ...)`, numbering them, and keeps the tree they form."""

    def __init__(self):
        self.nodes: list[ast.expr] = []
        self.children: dict[int, list[int]] = {}
        self._open: list[list[int]] = [[]]  # the noted descendants of each node being visited

    @property
    def roots(self) -> list[int]:
        return self._open[0]

    def rewrite(self, tree: ast.Module) -> ast.Module:
        for statement in tree.body:
            if isinstance(statement, ast.Expr):
                statement.value = self.visit(statement.value)
        return tree

    def visit(self, node: ast.AST) -> ast.AST:
        self._open.append([])
        result = super().visit(node)
        inner = self._open.pop()
        if result is not node:  # noted: what was noted inside hangs under it
            self.children[len(self.nodes) - 1] = inner
            self._open[-1].append(len(self.nodes) - 1)
        else:
            self._open[-1].extend(inner)
        return result

    def noted(self, node: ast.expr) -> ast.Call:
        self.nodes.append(node)
        call = ast.Call(ast.Name(NOTE, ast.Load()), [ast.Constant(len(self.nodes) - 1), node], [])
        for part in (call, call.func, call.args[0]):
            ast.copy_location(part, node)
        return call

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if not isinstance(node, ast.expr) or isinstance(node, (ast.Constant, ast.Starred, ast.Slice)) \
                or not isinstance(getattr(node, "ctx", ast.Load()), ast.Load):
            return super().generic_visit(node)
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                             ast.JoinedStr)):
            return self.noted(node)  # one value: the inside runs per element, or later
        return self.noted(super().generic_visit(node))

    def visit_Call(self, node: ast.Call) -> ast.expr:
        function = node.func
        if isinstance(function, ast.Attribute):
            function.value = self.visit(function.value)  # the receiver of a method
        elif not isinstance(function, ast.Name):
            node.func = self.visit(function)
        node.args = [self.visit(arg) for arg in node.args]
        for keyword in node.keywords:
            keyword.value = self.visit(keyword.value)
        return self.noted(node)

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        node.value = self.visit(node.value)
        if not any(isinstance(part, ast.Slice) for part in ast.walk(node.slice)):
            node.slice = self.visit(node.slice)  # an index (x[i], x[mask]); a slice stays as written
        return self.noted(node) if isinstance(node.ctx, ast.Load) else node
