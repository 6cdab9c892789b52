"""A validated tree -> a code object whose every reach past the sandbox calls a guard.

As RestrictedPython does, the tree is rewritten and then compiled by CPython, so a
program runs as Python bytecode. The rewrite (`Guarding`), node by node:

    obj.name                   _tsh_getattr(obj, 'name')
    obj.name = v               _tsh_setattr(v, obj, 'name')       (in unpacking, `for` and
    del obj.name               _tsh_delattr(obj, 'name')           `with` targets too)
    obj.name += v              t = obj; _tsh_setattr(_tsh_augment('Add', _tsh_getattr(t, 'name'), v), t, 'name')
    a * b, a ** b, a << b, a % b, a @ b      _tsh_Mult(a, b), ...  (bounded results)
    x *= y                     x = _tsh_iMult(x, y)      (and a[i] *= y through temporaries)
    f(**kw)                    f(**_tsh_kwargs(kw))
    f'{x!r:>{w}}'              f'{_tsh_format(x, 114, f"{...}")}'
    with m:                    with _tsh_context(m):
    except E:                  except _tsh_catch(E):
    class C(B):                @_tsh_class  class C(*_tsh_bases(B)):
    import torch.nn as nn      nn = _tsh_import('torch.nn')
    x     (a top-level expression statement)    _tsh_show(x)     unless it ends with ';' or
                                                                 is the module's docstring

Where a rewrite needs a value twice, or in Python's order, it keeps it in a temporary
(`_tsh_t1`), deleted after use. Annotations are never evaluated (CPython does not
evaluate a local's either). Every new node takes the position of the node it replaces,
so CPython's positions in a traceback still name the user's source span.
"""

from __future__ import annotations

import ast
import warnings
from types import CodeType

from tensorsh.lang import grammar
from tensorsh.lang.errors import TensorshError, source_lines, span_of, syntax_error
from tensorsh.lang.guards import BINARY


def compile_program(tree: ast.Module, source: str, filename: str, show: str = "all") -> CodeType:
    """The code object for a validated module; a located SyntaxError for what CPython's compiler
    refuses. `show` says which top-level expression statements show their value: "all" (a
    program's rule), or "last" (Jupyter's: the last statement only, if it is one). A module's
    docstring is documentation, never shown, unless it is the whole program."""
    lines = source_lines(source)
    guarding = Guarding(lines, show)
    tree = guarding.visit(tree)
    try:
        with warnings.catch_warnings():
            # CPython's SyntaxWarnings ("'int' object is not subscriptable") would print unlocated
            # on stderr; the error they foresee is reported, located, when the line runs.
            warnings.simplefilter("ignore", SyntaxWarning)
            return compile(tree, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:  # 'return' outside function, 'break' outside loop, ...
        raise syntax_error(exc) from None


def _name(identifier: str) -> ast.Name:
    return ast.Name(identifier, ast.Load())


def _call(guard: str, args: list[ast.expr], at: ast.AST) -> ast.Call:
    position = _position(at)
    for arg in args:
        if "lineno" not in arg.__dict__:  # a new argument (the attribute's name): here too
            _located(arg, at)
    return ast.Call(ast.Name(guard, _LOAD, **position), args, [], **position)


_LOAD = ast.Load()


def _position(node: ast.AST) -> dict[str, int]:
    return {"lineno": node.lineno, "col_offset": node.col_offset,
            "end_lineno": node.end_lineno, "end_col_offset": node.end_col_offset}


def _located(node: ast.AST, at: ast.AST) -> ast.AST:
    """`node` and its new children at the position of `at`; children from the source keep theirs."""
    stack = [node]
    while stack:
        child = stack.pop()
        if "lineno" in child.__dict__:
            continue  # from the source, with its own position and its children's
        if child._attributes:  # a node with a position (not an operator or a context)
            child.lineno, child.col_offset = at.lineno, at.col_offset
            child.end_lineno, child.end_col_offset = at.end_lineno, at.end_col_offset
        for field in child._fields:
            value = getattr(child, field, None)
            if type(value) is list:
                stack.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return node


def _statement(value: ast.expr, at: ast.AST) -> ast.Expr:
    return _located(ast.Expr(value), at)


_METHODS: dict[type, object] = {}
_CHILD_FIELDS = grammar.child_fields()
# Nodes with nothing inside to rewrite: names, constants, and those with no fields at all.
_LEAVES = frozenset({ast.Name, ast.Constant, *grammar.fieldless()})


def _has_attribute(target: ast.expr) -> bool:
    """Whether an assignment target stores into an attribute anywhere in it."""
    if isinstance(target, ast.Attribute):
        return True
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_has_attribute(e) for e in target.elts)
    return isinstance(target, ast.Starred) and _has_attribute(target.value)


def callee_path(node: ast.expr) -> tuple[str, ...] | None:
    """`torch.nn.functional.softmax` as ('torch', 'nn', 'functional', 'softmax'); None for other callees."""
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return (node.id, *reversed(names))


def silent(lines: list[str], statement: ast.Expr) -> bool:
    """Whether a top-level expression statement ends with ';' (the last on its line): such a
    statement's value is not shown."""
    line = lines[statement.end_lineno - 1]
    rest = line.encode("utf-8")[statement.end_col_offset:].decode("utf-8", "replace")
    rest = rest.lstrip(" \t)")
    if not rest.startswith(";"):
        return False
    after = rest[1:].strip()
    return not after or after.startswith("#")


class Guarding(ast.NodeTransformer):
    def __init__(self, lines: list[str], show: str = "all"):
        self.lines = lines
        self.show = show
        self.temporaries = 0
        self.scopes = 0  # functions and classes the walk is inside

    # ---------------------------------------------------------------- the walk
    # NodeTransformer's own walk, with the method for each node class looked up once and the
    # leaves (names, constants, operators) left alone: a third of the time on a long script.

    def visit(self, node: ast.AST):
        method = _METHODS.get(type(node))
        if method is None:
            method = _METHODS[type(node)] = getattr(type(self), f"visit_{type(node).__name__}", None) \
                or Guarding.generic_visit
        return method(self, node)

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field in _CHILD_FIELDS[type(node)]:  # the validator has checked every node's class
            value = getattr(node, field)
            if type(value) is list:
                # Every item: a list may start with None ({**d, k: v} keys, kw-only defaults).
                items = []
                for item in value:
                    if type(item) in _LEAVES or not isinstance(item, ast.AST):
                        items.append(item)
                        continue
                    result = self.visit(item)
                    if type(result) is list:
                        items.extend(result)
                    elif result is not None:
                        items.append(result)
                value[:] = items
            elif isinstance(value, ast.AST) and type(value) not in _LEAVES:
                setattr(node, field, self.visit(value))
        return node

    def temporary(self) -> str:
        self.temporaries += 1
        return f"_tsh_t{self.temporaries}"

    # ---------------------------------------------------------------- top level

    def visit_Module(self, node: ast.Module) -> ast.Module:
        body: list[ast.stmt] = []
        last = node.body[-1] if node.body else None
        docstring = node.body[0] if len(node.body) > 1 and ast.get_docstring(node, clean=False) is not None \
            else None
        for statement in node.body:
            if isinstance(statement, ast.Expr):
                value = self.visit(statement.value)
                if (self.show == "all" or statement is last) and statement is not docstring \
                        and not silent(self.lines, statement):
                    value = _call("_tsh_show", [value], statement)
                body.append(_statement(value, statement))
            else:
                body.extend(self.statements(statement))
        node.body = body
        return node

    def statements(self, statement: ast.stmt) -> list[ast.stmt]:
        result = self.visit(statement)
        return result if isinstance(result, list) else [result]

    # ---------------------------------------------------------------- attributes

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        if not isinstance(node.ctx, ast.Load):
            raise TensorshError("SyntaxError", "assigning to an attribute here is not part of tensorsh",
                                span_of(node, self.lines), "assign to a name, then to the attribute")
        return _call("_tsh_getattr", [self.visit(node.value), ast.Constant(node.attr)], node)

    def visit_Assign(self, node: ast.Assign) -> ast.stmt | list[ast.stmt]:
        node.value = self.visit(node.value)
        targets = node.targets
        if not any(_has_attribute(t) for t in targets):
            node.targets = [t if type(t) in _LEAVES else self.visit(t) for t in targets]
            return node
        if len(targets) == 1 and isinstance(targets[0], ast.Attribute):
            return self.set_attribute(targets[0], node.value, node)
        # Python stores into each target in turn, left to right, and unpacks before storing:
        # the value (or each unpacked item) goes to a temporary first, then to its target.
        temporary = self.temporary()
        statements = [_located(ast.Assign([ast.Name(temporary, ast.Store())], node.value), node)]
        for target in targets:
            statements.extend(self.store(target, _name(temporary), node))
        return [*statements, self.forget([temporary], node)]

    def store(self, target: ast.expr, value: ast.expr, at: ast.AST) -> list[ast.stmt]:
        """`target = value` as statements, for a target holding attributes."""
        if isinstance(target, ast.Attribute):
            return [self.set_attribute(target, value, at)]
        if not isinstance(target, (ast.Tuple, ast.List)) or not _has_attribute(target):
            return [_located(ast.Assign([self.visit(target)], value), at)]
        temporaries = [self.temporary() for _ in target.elts]
        pattern = [ast.Starred(ast.Name(t, ast.Store()), ast.Store()) if isinstance(e, ast.Starred)
                   else ast.Name(t, ast.Store()) for t, e in zip(temporaries, target.elts)]
        statements = [_located(ast.Assign([ast.Tuple(pattern, ast.Store())], value), at)]
        for element, temporary in zip(target.elts, temporaries):
            element = element.value if isinstance(element, ast.Starred) else element
            statements.extend(self.store(element, _name(temporary), at))
        return [*statements, self.forget(temporaries, at)]

    def set_attribute(self, target: ast.Attribute, value: ast.expr, at: ast.AST) -> ast.stmt:
        # The value comes first, as Python evaluates it before the target's object.
        return _statement(_call("_tsh_setattr", [value, self.visit(target.value), ast.Constant(target.attr)],
                                at), at)

    @staticmethod
    def forget(temporaries: list[str], at: ast.AST) -> ast.Delete:
        """Temporaries dropped once used, so they hold no value alive."""
        return _located(ast.Delete([ast.Name(t, ast.Del()) for t in temporaries]), at)

    def with_temporary_target(self, target: ast.expr, body: list[ast.stmt], at: ast.AST):
        """A `for`/`with` target holding attributes: bind a temporary, store it at the body's start."""
        if not _has_attribute(target):
            return self.visit(target), body
        temporary = self.temporary()
        return (_located(ast.Name(temporary, ast.Store()), target),
                [*self.store(target, _name(temporary), at), *body])

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.stmt | list[ast.stmt]:
        # The annotation is never evaluated (as for locals in CPython); the statement stays,
        # so that a bare `x: int` in a function still makes x local.
        node.annotation = _located(ast.Constant(None), node)
        if isinstance(node.target, ast.Attribute):
            return self.set_attribute(node.target, self.visit(node.value), node) if node.value else \
                _located(ast.Pass(), node)
        node.target = self.visit(node.target)
        node.value = self.visit(node.value) if node.value is not None else None
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt | list[ast.stmt]:
        op = type(node.op).__name__
        target = node.target
        if isinstance(target, ast.Attribute):
            # owner = obj; owner.name = op(owner.name, value): the owner once, the value after reading.
            owner = self.temporary()
            read = _call("_tsh_getattr", [_name(owner), ast.Constant(target.attr)], target)
            combined = _call("_tsh_augment", [ast.Constant(op), read, self.visit(node.value)], node)
            return [_located(ast.Assign([ast.Name(owner, ast.Store())], self.visit(target.value)), node),
                    _statement(_call("_tsh_setattr", [combined, _name(owner), ast.Constant(target.attr)], node),
                               node),
                    self.forget([owner], node)]
        if op not in BINARY:
            self.generic_visit(node)
            return node
        if isinstance(target, ast.Subscript):
            # container[index] = guarded_op(container[index], value), each part evaluated once, in order.
            container, index = self.temporary(), self.temporary()
            item = _located(ast.Subscript(_name(container), _name(index), ast.Load()), target)
            combined = _call(f"_tsh_i{op}", [item, self.visit(node.value)], node)
            stored = _located(ast.Subscript(_name(container), _name(index), ast.Store()), target)
            return [_located(ast.Assign([ast.Name(container, ast.Store())], self.visit(target.value)), node),
                    _located(ast.Assign([ast.Name(index, ast.Store())], self.index(target.slice)), node),
                    _located(ast.Assign([stored], combined), node),
                    self.forget([container, index], node)]
        loaded = _located(ast.Name(target.id, ast.Load()), target)
        return _located(ast.Assign([target], _call(f"_tsh_i{op}", [loaded, self.visit(node.value)], node)), node)

    def index(self, node: ast.expr) -> ast.expr:
        """A subscript's index as a value: slices become slice(...) calls."""
        if isinstance(node, ast.Slice):
            parts = [self.visit(p) if p is not None else ast.Constant(None) for p in (node.lower, node.upper,
                                                                                  node.step)]
            return _call("_tsh_slice", parts, node)
        if isinstance(node, ast.Tuple):
            return _located(ast.Tuple([self.index(e) for e in node.elts], ast.Load()), node)
        return self.visit(node)

    def visit_Delete(self, node: ast.Delete) -> list[ast.stmt]:
        statements: list[ast.stmt] = []
        for target in node.targets:
            if isinstance(target, ast.Attribute):
                statements.append(_statement(_call("_tsh_delattr", [self.visit(target.value),
                                                                     ast.Constant(target.attr)], target), node))
            else:
                statements.append(_located(ast.Delete([self.visit(target)]), node))
        return statements

    def visit_For(self, node: ast.For) -> ast.For:
        node.iter = self.visit(node.iter)
        body = [s for statement in node.body for s in self.statements(statement)]
        node.target, node.body = self.with_temporary_target(node.target, body, node)
        node.orelse = [s for statement in node.orelse for s in self.statements(statement)]
        return node

    def visit_With(self, node: ast.With) -> ast.With:
        body = [s for statement in node.body for s in self.statements(statement)]
        for item in reversed(node.items):
            item.context_expr = _call("_tsh_context", [self.visit(item.context_expr)], item.context_expr)
            if item.optional_vars is not None:
                item.optional_vars, body = self.with_temporary_target(item.optional_vars, body, node)
        node.body = body
        return node

    # ---------------------------------------------------------------- operators, calls, formatting

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        op = type(node.op).__name__
        if op in BINARY:
            return _call(f"_tsh_{op}", [node.left, node.right], node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        for keyword in node.keywords:
            if keyword.arg is None:  # **mapping: its keys are checked as they go in
                keyword.value = _call("_tsh_kwargs", [keyword.value], keyword.value)
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.FormattedValue:
        value = self.visit(node.value)
        spec = self.visit(node.format_spec) if node.format_spec is not None else ast.Constant("")
        node.value = _call("_tsh_format", [value, ast.Constant(node.conversion), spec], node.value)
        node.conversion, node.format_spec = -1, None
        return node

    # ---------------------------------------------------------------- functions, classes, exceptions

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        self.scopes += 1
        try:
            return self.function(node)
        finally:
            self.scopes -= 1

    def function(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.returns = None
        arguments = node.args
        for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                         arguments.vararg, arguments.kwarg):
            if argument is not None:
                argument.annotation = None
        self.generic_visit(node)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        self.scopes += 1
        try:
            self.generic_visit(node)
        finally:
            self.scopes -= 1
        if node.bases:
            node.bases = [_located(ast.Starred(_call("_tsh_bases", node.bases, node), ast.Load()), node)]
        node.decorator_list.append(_located(_name("_tsh_class"), node))
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.ExceptHandler:
        self.generic_visit(node)
        node.type = _call("_tsh_catch", [node.type or ast.Constant(None)], node)
        return node

    # ---------------------------------------------------------------- imports

    def visit_Import(self, node: ast.Import) -> list[ast.stmt]:
        statements = []
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            module = alias.name if alias.asname else bound  # `import torch.nn` binds torch, as Python does
            statements.append(self.bind(bound, _call("_tsh_import", [ast.Constant(module)], alias), alias))
        return statements

    def visit_ImportFrom(self, node: ast.ImportFrom) -> list[ast.stmt]:
        if node.module == "__future__":
            return [_located(ast.Pass(), node)]
        statements = []
        for alias in node.names:
            if alias.name == "*":
                if self.scopes:  # as CPython's compiler says, which never sees this import
                    raise TensorshError("SyntaxError", "import * only allowed at module level",
                                        span_of(node, self.lines))
                statements.append(_statement(_call("_tsh_import_star", [ast.Constant(node.module)], node), node))
                continue
            value = _call("_tsh_import_from", [ast.Constant(node.module), ast.Constant(alias.name)], alias)
            statements.append(self.bind(alias.asname or alias.name, value, alias))
        return statements

    @staticmethod
    def bind(name: str, value: ast.expr, at: ast.AST) -> ast.Assign:
        return _located(ast.Assign([ast.Name(name, ast.Store())], value), at)
