"""Runs an `ast.Module`: one method per AST class, named after its grammar rule.

The evaluator never calls eval, exec or getattr on user text. Names resolve in the
program's variables and the builtins given to it; attributes go through
`namespace.get_attribute`'s allow-lists; imports bind only known module namespaces.
An exception from the engine of a user class (RuntimeError, IndexError, ...) becomes
a `TensorshError` carrying the span of the node that failed; anything else is
reported as an internal error.

Before an operator runs on Python values, `check_operands` bounds what it could build:
integers to MAX_INT_DIGITS digits (`10**10**10` fails at once), `'a' * n` and `[0] * n`
and `'%0999999999d'` to the memory limit, NumPy array broadcasting to the memory limit.
Lambda calls nest at most MAX_CALL_DEPTH deep, with a RecursionError that says so.
"""

from __future__ import annotations

import math
import operator
import re
import sys
import types
from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy

from tensorsh.engine import limits
from tensorsh.lang import ast
from tensorsh.lang.errors import USER_EXCEPTIONS, TensorshError, did_you_mean, internal_error, user_error
from tensorsh.lang.namespace import FilesDisabled, Namespace, get_attribute, set_attribute

if TYPE_CHECKING:
    import inspect  # imported where used: it costs start-up time, and only error paths need it


Display = Callable[[Any], None]
Env = tuple  # lambda scopes, innermost first; () at top level

_BINARY = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "@": operator.matmul,
    "&": operator.and_, "|": operator.or_, "^": operator.xor, "<<": operator.lshift,
    ">>": operator.rshift,
}
# Python's in-place operators: `x += 1` calls x.__iadd__ when the type has one.
_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "@=": operator.imatmul,
    "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor, "<<=": operator.ilshift,
    ">>=": operator.irshift,
}
_UNARY = {"-": operator.neg, "+": operator.pos, "~": operator.invert, "not": operator.not_}
_COMPARE = {
    "<": operator.lt, ">": operator.gt, "==": operator.eq, ">=": operator.ge, "<=": operator.le,
    "!=": operator.ne, "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
    "is": operator.is_, "is not": operator.is_not,
}


# Python integers a program computes are bounded: Python's own limit for printing one
# (4300 digits), so `10**10**10` fails at once instead of working for hours.
MAX_INT_DIGITS = 4300
_MAX_INT_BITS = int(MAX_INT_DIGITS * math.log2(10))
# Lambdas calling lambdas: deeper than this is taken for recursion without an end.
MAX_CALL_DEPTH = 200
# Python frames the evaluator may need for MAX_CALL_DEPTH lambda calls of nested expressions.
_RECURSION_LIMIT = 10_000


def _too_big(what: str, span: ast.Span | None = None) -> TensorshError:
    return TensorshError("OverflowError", f"{what}: more than tensorsh's limit of {MAX_INT_DIGITS} digits", span)


def _digits(log10: Callable[[], float]) -> str:
    """'about N digits' for a result of 10**log10(), however big."""
    try:
        return f"about {int(log10()) + 1} digits"
    except OverflowError:
        return "more digits than can be counted"


def _check_int_operands(op: str, a: Any, b: Any) -> None:
    """Refuse integer arithmetic whose result would be enormous, before Python starts on it."""
    if op in ("**", "**="):
        if abs(a) > 1 and b > 0 and (b > _MAX_INT_BITS or b * math.log2(abs(a)) > _MAX_INT_BITS):
            shown = a if a.bit_length() < 64 else "an integer"
            raise _too_big(f"the result of {shown} ** {b if b.bit_length() < 64 else 'a huge exponent'} would "
                           f"have {_digits(lambda: b * math.log10(abs(a)))}")
    elif op in ("<<", "<<="):
        if a and b > 0 and a.bit_length() + b > _MAX_INT_BITS:
            raise _too_big(f"the result of << {b if b.bit_length() < 64 else 'a huge shift'} would have "
                           f"{_digits(lambda: math.log10(abs(a)) + b * math.log10(2))}")
    elif op in ("*", "*="):
        if a and b and a.bit_length() + b.bit_length() - 1 > _MAX_INT_BITS:
            raise _too_big(f"the product would have {_digits(lambda: math.log10(abs(a)) + math.log10(abs(b)))}")


def _check_repetition(seq: Any, count: int) -> None:
    """`'a' * n` and `[0] * n`: refuse a result beyond the memory limit."""
    if count <= 0:
        return
    per_item = 1 if isinstance(seq, str) else 8
    nbytes = len(seq) * count * per_item
    if nbytes > limits.max_memory():
        items = "characters" if isinstance(seq, str) else "items"
        raise TensorshError("MemoryError", f"a {type(seq).__name__} of {len(seq) * count} {items} would need "
                            f"{limits.human(nbytes)}, more than the memory limit of "
                            f"{limits.human(limits.max_memory())} (tensorsh --max-memory sets the limit)")


_FORMAT_WIDTH = re.compile(r"%[-+ #0]*(\d*)(?:\.(\d+))?")


def _check_format(template: str) -> None:
    """`'%0999999999d' % 1`: refuse widths and precisions that would build a huge string."""
    for width, precision in _FORMAT_WIDTH.findall(template):
        for number in (width, precision):
            if number and (len(number) > 9 or int(number) > limits.max_memory()):
                raise TensorshError("MemoryError", f"the format width {number} is too large")


def _check_arrays(op: str, a: Any, b: Any) -> None:
    """NumPy array arithmetic: refuse a broadcast result beyond the memory limit before NumPy allocates."""
    try:
        shape_a, shape_b = numpy.shape(a), numpy.shape(b)
        if op in ("@", "@="):
            if len(shape_a) < 2 or len(shape_b) < 2:
                return
            shape = (*numpy.broadcast_shapes(shape_a[:-2], shape_b[:-2]), shape_a[-2], shape_b[-1])
        else:
            shape = numpy.broadcast_shapes(shape_a, shape_b)
        dtype = numpy.result_type(a, b)
    except (ValueError, TypeError):
        return  # NumPy will raise its own error
    limits.check_allocation(shape, dtype)


_ARRAY_OPERANDS = (numpy.ndarray, numpy.generic, int, float, complex)


def check_operands(op: str, a: Any, b: Any) -> None:
    """The resource checks before a binary operator runs on Python values (tensors check themselves)."""
    kind_a, kind_b = type(a), type(b)
    if kind_a in (int, bool) and kind_b in (int, bool):
        _check_int_operands(op, a, b)
    elif op in ("*", "*="):
        if kind_b in (int, bool) and isinstance(a, (str, list, tuple)):
            _check_repetition(a, b)
        elif kind_a in (int, bool) and isinstance(b, (str, list, tuple)):
            _check_repetition(b, a)
    elif op in ("%", "%=") and kind_a is str:
        _check_format(a)
    if (kind_a is numpy.ndarray or kind_b is numpy.ndarray) and op not in ("%", "%=") \
            and isinstance(a, _ARRAY_OPERANDS) and isinstance(b, _ARRAY_OPERANDS):
        _check_arrays(op, a, b)


class Lambda:
    """A function made by a `lambda` expression: parameters, defaults, body and the scope it closes over."""

    def __init__(self, node: ast.LambdaExpr, defaults: dict[str, Any], env: Env, evaluator: "Evaluator"):
        self.node = node
        self.defaults = defaults
        self.env = env
        self.evaluator = evaluator

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.node.params)

    @property
    def __signature__(self) -> inspect.Signature:
        import inspect

        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        return inspect.Signature([
            inspect.Parameter(name, kind, default=self.defaults.get(name, inspect.Parameter.empty))
            for name in self.params])

    @property
    def __name__(self) -> str:
        return "<lambda>"

    def __call__(self, *args, **kwargs):
        try:
            bound = self.__signature__.bind(*args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"<lambda>() {exc}") from None
        bound.apply_defaults()
        evaluator = self.evaluator
        if evaluator.call_depth >= MAX_CALL_DEPTH:
            raise TensorshError("RecursionError", "maximum recursion depth exceeded: lambda calls nested "
                                f"more than {MAX_CALL_DEPTH} deep "
                                "(a lambda that calls itself without end?)")
        evaluator.call_depth += 1
        try:
            return evaluator.eval(self.node.body, (dict(bound.arguments), *self.env))
        finally:
            evaluator.call_depth -= 1

    def __repr__(self) -> str:
        return f"<function <lambda>({', '.join(self.params)})>"


class Evaluator:
    """Runs programs against one set of variables, on top of fixed builtins and importable modules."""

    def __init__(self, builtins: Mapping[str, Any], variables: dict[str, Any] | None = None,
                 modules: Mapping[str, Namespace] | None = None):
        self.builtins = builtins
        self.variables = {} if variables is None else variables
        self.modules = modules or {}
        self._methods = {cls: vars(Evaluator)[cls.rule()].__get__(self) for cls in _NODE_CLASSES}
        self._signatures: dict[Any, inspect.Signature | None] = {}
        self.call_depth = 0  # lambda calls in progress
        if sys.getrecursionlimit() < _RECURSION_LIMIT:
            sys.setrecursionlimit(_RECURSION_LIMIT)

    # ------------------------------------------------------------ entry points

    def run(self, module: ast.Module, display: Display | None = None) -> None:
        """Run every statement in order; `display(value)` receives each value a top-level expression shows."""
        self.block(module.body, display)

    def eval(self, node: ast.Node, env: Env = ()) -> Any:
        """The value of an expression node; engine errors come back as TensorshError with its span."""
        try:
            return self._methods[type(node)](node, env)
        except TensorshError as error:
            if error.span is None:
                error.span = node.span
            raise
        except FilesDisabled as exc:
            raise TensorshError("PermissionError", str(exc), node.span) from exc
        except BrokenPipeError:
            raise  # the reader of our output left; the CLI ends quietly
        except (*USER_EXCEPTIONS, OSError) as exc:  # OSError: save/load on a missing or unwritable file
            raise user_error(exc, node.span) from exc
        except AssertionError as exc:
            if not str(exc):  # a bare `assert` failing inside tensorsh is our bug
                raise internal_error(exc, node.span) from exc
            # PyTorch itself raises AssertionError for a user's mistake: "Torch not compiled with CUDA enabled".
            raise user_error(exc, node.span) from exc
        except Exception as exc:  # noqa: BLE001 - anything else is our bug, reported as such
            raise internal_error(exc, node.span) from exc

    def block(self, statements, display: Display | None) -> None:
        for statement in statements:
            self.eval(statement, display)

    # ------------------------------------------------------------ statements
    # Statement methods receive the display callback where expressions receive their scope.
    # Only top-level expression statements are shown: a block (if, for, with) runs its
    # statements without display, as a notebook cell and the golden runner do.

    def module(self, node: ast.Module, display):
        self.block(node.body, display)

    def expr_stmt(self, node: ast.ExprStmt, display):
        value = self.eval(node.value)
        if display is not None and value is not None and not node.silent:
            try:
                display(value)
            except (BrokenPipeError, TensorshError):
                raise
            except MemoryError as exc:  # showing the value (e.g. as JSON) needs more than the limit
                raise user_error(exc, node.span) from exc
            except ValueError as exc:
                if str(exc).startswith("Exceeds the limit"):  # Python's own cap on printing integers
                    raise _too_big("this integer cannot be shown", node.span) from exc
                raise internal_error(exc, node.span) from exc
            except Exception as exc:  # noqa: BLE001 - a value that cannot print itself is our bug
                raise internal_error(exc, node.span) from exc

    def assign(self, node: ast.Assign, display):
        value = self.eval(node.value)
        for target in node.targets:
            self.store(target, value)

    def aug_assign(self, node: ast.AugAssign, display):
        inplace = _INPLACE[node.op]

        def op(old, new):
            check_operands(node.op, old, new)
            return inplace(old, new)

        target = node.target
        if isinstance(target, ast.Name):
            self.variables[target.id] = self._apply(op, self.eval(target), self.eval(node.value), node=node)
        elif isinstance(target, ast.Subscript):
            container, index = self.eval(target.value), self.index(target.index, ())
            old = self._apply(operator.getitem, container, index, node=target)
            new = self._apply(op, old, self.eval(node.value), node=node)
            self._apply(operator.setitem, container, index, new, node=node)
        else:  # Attribute
            owner = self.eval(target.value)
            old = self._attribute_of(owner, target)
            set_attribute(owner, target.attr, self._apply(op, old, self.eval(node.value), node=node))

    def pass_stmt(self, node, display):
        return None

    def import_stmt(self, node: ast.ImportStmt, display):
        for alias in node.names:
            module = self._module(alias.name, alias.span)
            if alias.asname:
                self.variables[alias.asname] = module
            else:  # `import torch.nn` binds `torch`, as Python does
                top = alias.name.split(".")[0]
                self.variables[top] = self._module(top, alias.span)

    def from_import(self, node: ast.FromImport, display):
        module = self._module(node.module, node.span)
        if not node.names:  # from torch import *
            self.variables.update(module.members)
            return
        for alias in node.names:
            if alias.name not in module.members:
                raise TensorshError("ImportError", did_you_mean(
                    f"cannot import name '{alias.name}' from '{node.module}'", alias.name, module.members),
                    alias.span)
            self.variables[alias.asname or alias.name] = module.members[alias.name]

    def if_stmt(self, node: ast.IfStmt, display):
        if self._truth(self.eval(node.test), node.test):
            self.block(node.body, None)
        else:
            self.block(node.orelse, None)

    def for_stmt(self, node: ast.ForStmt, display):
        iterable = self.eval(node.iter)
        for item in self._apply(iter, iterable, node=node.iter):
            self.store(node.target, item)
            self.block(node.body, None)

    def with_stmt(self, node: ast.WithStmt, display):
        manager = self.eval(node.context)
        kind = type(manager)
        if not (hasattr(kind, "__enter__") and hasattr(kind, "__exit__")):
            raise TensorshError("TypeError", f"'{kind.__name__}' object does not support the context "
                                "manager protocol", node.context.span)
        entered = self._apply(kind.__enter__, manager, node=node.context)
        if node.name is not None:
            self.variables[node.name] = entered
        try:
            self.block(node.body, None)
        except BaseException as exc:
            kind.__exit__(manager, type(exc), exc, exc.__traceback__)
            raise
        self._apply(kind.__exit__, manager, None, None, None, node=node.context)

    # ------------------------------------------------------------ assignment targets

    def store(self, target: ast.Node, value: Any) -> None:
        if isinstance(target, ast.Name):
            self.variables[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = self._unpack(value, len(target.elts), target)
            for elt, item in zip(target.elts, items):
                self.store(elt, item)
        elif isinstance(target, ast.Subscript):
            container, index = self.eval(target.value), self.index(target.index, ())
            self._apply(operator.setitem, container, index, value, node=target)
        else:  # Attribute
            owner = self.eval(target.value)
            try:
                set_attribute(owner, target.attr, value)
            except TensorshError as error:
                error.span = error.span or target.span
                raise
            except USER_EXCEPTIONS as exc:
                raise user_error(exc, target.span) from exc

    def _unpack(self, value: Any, count: int, target: ast.Node) -> list:
        try:
            items = list(value)
        except TypeError:
            raise TensorshError("TypeError", f"cannot unpack non-iterable {type(value).__name__} object",
                                target.span) from None
        if len(items) > count:
            raise TensorshError("ValueError", f"too many values to unpack (expected {count})", target.span)
        if len(items) < count:
            raise TensorshError("ValueError",
                                f"not enough values to unpack (expected {count}, got {len(items)})", target.span)
        return items

    # ------------------------------------------------------------ expressions

    def name(self, node: ast.Name, env: Env):
        key = node.id
        for scope in env:
            if key in scope:
                return scope[key]
        if key in self.variables:
            return self.variables[key]
        if key in self.builtins:
            return self.builtins[key]
        raise TensorshError("NameError", did_you_mean(f"name '{key}' is not defined", key, self.names(env)),
                            node.span)

    def names(self, env: Env = ()) -> list[str]:
        """Every name visible from a scope: lambda parameters, variables, builtins."""
        seen = {k for scope in env for k in scope}
        return sorted(seen | set(self.variables) | set(self.builtins))

    def constant(self, node: ast.Constant, env: Env):
        return node.value

    def tuple(self, node: ast.Tuple, env: Env):
        return tuple(self.eval(elt, env) for elt in node.elts)

    def list(self, node: ast.List, env: Env):
        return [self.eval(elt, env) for elt in node.elts]

    def attribute(self, node: ast.Attribute, env: Env):
        return self._attribute_of(self.eval(node.value, env), node)

    def _attribute_of(self, owner: Any, node: ast.Attribute) -> Any:
        try:
            return get_attribute(owner, node.attr)
        except TensorshError as error:
            error.span = error.span or node.span
            raise

    def subscript(self, node: ast.Subscript, env: Env):
        container = self.eval(node.value, env)
        index = self.index(node.index, env)
        try:
            return operator.getitem(container, index)
        except KeyError as exc:
            raise TensorshError("KeyError", repr(exc.args[0]) if exc.args else "", node.span) from exc

    def index(self, node: ast.Node, env: Env) -> Any:
        """A subscript's index: slices are only legal here, and inside tuples of indices."""
        if isinstance(node, ast.Slice):
            return self.slice(node, env)
        if isinstance(node, ast.Tuple):
            return tuple(self.index(elt, env) for elt in node.elts)
        return self.eval(node, env)

    def slice(self, node: ast.Slice, env: Env):
        part = lambda p: None if p is None else self.eval(p, env)  # noqa: E731
        return slice(part(node.lower), part(node.upper), part(node.step))

    def starred(self, node: ast.Starred, env: Env):
        raise TensorshError("SyntaxError", "'*' can only unpack arguments of a call", node.span)

    def keyword(self, node: ast.Keyword, env: Env):
        raise TensorshError("SyntaxError", "a keyword argument outside a call", node.span)

    def call(self, node: ast.Call, env: Env):
        func = self.eval(node.func, env)
        args: list[Any] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                value = self.eval(arg.value, env)
                try:
                    args.extend(value)
                except TypeError:
                    raise TensorshError("TypeError", f"argument after * must be an iterable, not "
                                        f"{type(value).__name__}", arg.span) from None
            else:
                args.append(self.eval(arg, env))
        kwargs = {kw.name: self.eval(kw.value, env) for kw in node.keywords}
        if not callable(func):
            raise TensorshError("TypeError", f"'{type(func).__name__}' object is not callable", node.func.span)
        try:
            return func(*args, **kwargs)
        except TypeError:
            # A call with wrong arguments fails before the callee runs; binding them to its
            # signature (slow, so only now) says which argument is wrong.
            self._check_arguments(func, args, kwargs, node)
            raise

    def unary_op(self, node: ast.UnaryOp, env: Env):
        operand = self.eval(node.operand, env)
        if node.op == "not":
            return not self._truth(operand, node.operand)
        return _UNARY[node.op](operand)

    def bin_op(self, node: ast.BinOp, env: Env):
        left, right = self.eval(node.left, env), self.eval(node.right, env)
        check_operands(node.op, left, right)
        return _BINARY[node.op](left, right)

    def bool_op(self, node: ast.BoolOp, env: Env):
        left = self.eval(node.left, env)
        truth = self._truth(left, node.left)
        if (node.op == "and") != truth:  # `and` stops at a false value, `or` at a true one
            return left
        return self.eval(node.right, env)

    def compare(self, node: ast.Compare, env: Env):
        left = self.eval(node.left, env)
        result: Any = True
        for op, right_node in zip(node.ops, node.comparators):
            right = self.eval(right_node, env)
            result = _COMPARE[op](left, right)
            if len(node.ops) > 1 and not self._truth(result, node):
                return result
            left = right
        return result

    def if_exp(self, node: ast.IfExp, env: Env):
        if self._truth(self.eval(node.test, env), node.test):
            return self.eval(node.body, env)
        return self.eval(node.orelse, env)

    def lambda_expr(self, node: ast.LambdaExpr, env: Env):
        defaults = {p.name: self.eval(p.default, env) for p in node.params if p.default is not None}
        return Lambda(node, defaults, env, self)

    # ------------------------------------------------------------ helpers

    def _truth(self, value: Any, node: ast.Node) -> bool:
        try:
            return bool(value)
        except USER_EXCEPTIONS as exc:
            raise user_error(exc, node.span) from exc

    def _apply(self, fn, *args, node: ast.Node):
        try:
            return fn(*args)
        except TensorshError:
            raise
        except USER_EXCEPTIONS as exc:
            raise user_error(exc, node.span) from exc

    def _module(self, dotted: str, span: ast.Span) -> Namespace:
        module = self.modules.get(dotted)
        if module is None:
            known = sorted(self.modules)
            message = did_you_mean(f"module '{dotted}' is not available in tensorsh", dotted, known)
            roots = sorted({name.split(".")[0] for name in known})
            note = f"tensorsh knows {' and '.join(roots)}, with submodules such as torch.nn.functional" \
                if "torch" in roots else None
            raise TensorshError("ImportError", message, span, note)
        return module

    def _signature(self, func: Any) -> inspect.Signature | None:
        if isinstance(func, Lambda):
            return func.__signature__
        function = getattr(func, "__func__", func)  # a bound method's function, or func itself
        if isinstance(function, types.FunctionType):  # stable objects: worth caching
            if function not in self._signatures:
                self._signatures[function] = _signature_of(function)
            signature = self._signatures[function]
        else:
            signature = _signature_of(function)
        if signature is not None and function is not func:  # a bound method: drop `self`
            signature = signature.replace(parameters=list(signature.parameters.values())[1:])
        return signature

    def _check_arguments(self, func: Any, args: list, kwargs: dict, node: ast.Call) -> None:
        """Bind the arguments to the callee's signature, to say which one is wrong (if one is)."""
        if isinstance(func, type):
            return  # classes check their own arguments, and their signatures describe __init__
        signature = self._signature(func)
        if signature is None:
            return
        try:
            signature.bind(*args, **kwargs)
        except TypeError as exc:
            name = getattr(func, "__name__", "function")
            message = str(exc)
            span = node.span
            params = signature.parameters
            if message.startswith("got an unexpected keyword argument"):
                bad = next((kw for kw in node.keywords if kw.name not in params), None)
                if bad is not None:
                    span = bad.span
                    message = did_you_mean(message, bad.name,
                                           [p for p, v in params.items()
                                            if v.kind not in (v.VAR_POSITIONAL, v.VAR_KEYWORD)])
            elif message == "too many positional arguments":
                capacity = sum(1 for p in params.values()
                               if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
                if capacity < len(node.args) and not any(isinstance(a, ast.Starred) for a in node.args):
                    span = node.args[capacity].span
                plural = "s" if capacity != 1 else ""
                message = f"takes {capacity} positional argument{plural} but {len(args)} were given"
            shown = signature.replace(parameters=[p for p in params.values() if not p.name.startswith("_")])
            raise TensorshError("TypeError", f"{name}() {message}", span, f"signature: {name}{shown}") from None


_NODE_CLASSES = [cls for cls in vars(ast).values()
                 if isinstance(cls, type) and issubclass(cls, ast.Node)
                 and cls not in (ast.Node, ast.Alias, ast.Param, ast.Span)]


def _signature_of(function: Any) -> inspect.Signature | None:
    import inspect

    try:
        return inspect.signature(function)
    except (TypeError, ValueError):  # builtins without a text signature
        return None
