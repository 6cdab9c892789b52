"""The op registry: one declaration per op says everything about it.

`@op(...)` on an op's function declares, beside the function itself (its body is the
forward; its docstring is its help):

- its family, and its other names (`clip` for `clamp`);
- its variants, the namespaces it appears in: `torch.X` ("function"), `tensor.X`
  ("method"), `torch.nn.functional.X` ("functional"), `torch.linalg.X` ("linalg": the
  name without its `linalg_` prefix, as PyTorch's own `linalg_norm` is `torch.linalg.norm`);
- its in-place method `X_` (inplace=True), which writes the result into the tensor;
- the operators it implements: `__add__` as it is, `__iadd__` in place, and reflected
  ones (`__rpow__`: `2 ** t` is `pow(2, t)`), through `operator` where the operator
  form differs from the function (`t @ 2` is Python's TypeError, `torch.matmul(t, 2)`
  PyTorch's), and through `reflect` where the reflected one is not the swapped call
  (`2 / t` is `reciprocal(t) * 2`);
- the grad_fn names it records; an op with any is differentiable, and its backward
  formula lives in its body, once;
- for an op whose result can be larger than its operands (`diag` of a vector, `where`
  broadcasting, `nonzero`), its result rule: a function of the op's arguments giving the
  result's (shape, dtype), checked against the memory limit before the body allocates.
  Other ops need none: their results are no larger than their operands, which were
  checked when they were made, and a view may not stand for more than the limit
  (autograd.record_view).

`install` turns the declarations into the engine's namespaces; `:help`, completion,
the gradient checks and the golden-coverage test all read `OPS`.
"""

from __future__ import annotations

from typing import Callable

from ..limits import check_allocation

VARIANTS = frozenset({"function", "method", "functional", "linalg"})
# The in-place operators (`x += y`): bound to the op's in-place form.
INPLACE_OPERATORS = frozenset({"__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__", "__imod__",
                               "__ipow__", "__imatmul__", "__iand__", "__ior__", "__ixor__", "__ilshift__",
                               "__irshift__"})


class Op:
    """One declared op (see the module docstring for its fields)."""

    __slots__ = ("name", "fn", "family", "aliases", "variants", "inplace", "operators", "reflected", "operator",
                 "reflect", "grad_fns", "result")

    def __init__(self, name: str, fn: Callable, family: str, aliases: tuple[str, ...], variants: frozenset,
                 inplace: bool, operators: tuple[str, ...], reflected: tuple[str, ...], operator: Callable | None,
                 reflect: Callable | None, grad_fns: tuple[str, ...], result: Callable | None = None):
        self.name = name
        self.fn = fn
        self.family = family
        self.aliases = aliases
        self.variants = variants
        self.inplace = inplace
        self.operators = operators
        self.reflected = reflected
        self.operator = operator
        self.reflect = reflect
        self.grad_fns = grad_fns
        self.result = result

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def differentiable(self) -> bool:
        return bool(self.grad_fns)

    @property
    def method(self) -> bool:
        return "method" in self.variants

    @property
    def function(self) -> bool:
        return "function" in self.variants

    @property
    def inplace_names(self) -> tuple[str, ...]:
        return tuple(f"{n}_" for n in self.names) if self.inplace else ()

    @property
    def linalg_name(self) -> str | None:
        return self.name.removeprefix("linalg_") if "linalg" in self.variants else None

    def forms(self) -> list[str]:
        """How a program reaches the op, as PyTorch's documentation writes it."""
        shown = []
        if self.function:
            shown.append(f"torch.{self.name}(...)")
        if self.method:
            shown.append(f"tensor.{self.name}(...)")
        if "functional" in self.variants or "functional_inplace" in self.variants:
            shown.append(f"F.{self.name}(...)")
        if self.linalg_name:
            shown.append(f"torch.linalg.{self.linalg_name}(...)")
        shown += [f"tensor.{n}(...)" for n in self.inplace_names]
        return shown + [f"tensor.{d}" for d in (*self.operators, *self.reflected)]

    @property
    def doc(self) -> str:
        import inspect  # imported here: it costs start-up time, and only help reads it

        return inspect.getdoc(self.fn) or ""

    @property
    def signature(self) -> str:
        import inspect

        try:
            return f"{self.name}{inspect.signature(self.fn)}"
        except (TypeError, ValueError):
            return f"{self.name}(...)"


OPS: dict[str, Op] = {}


def op(family: str, *, variants: str = "function, method", aliases: tuple[str, ...] = (), inplace: bool = False,
       operators: tuple[str, ...] = (), reflected: tuple[str, ...] = (), operator: Callable | None = None,
       reflect: Callable | None = None, grad_fn: tuple[str, ...] | str = (), name: str | None = None,
       result: Callable | None = None):
    """Declare the decorated function as an op of `family` (see the module docstring).

    variants: comma-separated, from VARIANTS, or "functional_inplace" for an F form that
    takes PyTorch's `inplace=False` flag (F.relu). grad_fn: the name, or names, of the
    nodes the op records. result: the result rule, called with the op's arguments.
    """
    chosen = frozenset(v.strip() for v in variants.split(",") if v.strip())
    unknown = chosen - VARIANTS - {"functional_inplace"}
    if unknown:
        raise ValueError(f"unknown variants {sorted(unknown)}")

    def register(fn):
        entry = Op(name or fn.__name__, fn, family, tuple(aliases), chosen, inplace, tuple(operators),
                   tuple(reflected), operator, reflect, (grad_fn,) if isinstance(grad_fn, str) else tuple(grad_fn),
                   result)
        if entry.name in OPS:
            raise ValueError(f"op {entry.name!r} is declared twice")
        OPS[entry.name] = entry
        return fn

    return register


def find(name: str) -> Op | None:
    """The op a program reaches as `name`: its own name, an alias, or its in-place method."""
    entry = OPS.get(name)
    if entry is not None:
        return entry
    for entry in OPS.values():
        if name in entry.names or name in entry.inplace_names or name in entry.operators or name in entry.reflected:
            return entry
    return None


# ---------------------------------------------------------------- the generated forms


def _form(fn: Callable, body: Callable, name: str, doc: str) -> Callable:
    """A generated form of op fn: help and coverage find the op through __wrapped__."""
    body.__name__ = body.__qualname__ = name
    body.__doc__ = doc
    body.__wrapped__ = getattr(fn, "__wrapped__", fn)  # the op itself, also for a form of a checked form
    return body


def _checked_form(fn: Callable, rule: Callable) -> Callable:
    """fn, with the result its arguments call for checked against the memory limit first."""
    def checked(*args, **kwargs):
        try:
            shape, dtype = rule(*args, **kwargs)
        except (TypeError, ValueError, AttributeError, IndexError, RuntimeError):
            pass  # arguments the op itself refuses, with its own message
        else:
            check_allocation(shape, dtype)
        return fn(*args, **kwargs)

    return _form(fn, checked, fn.__name__, fn.__doc__)


def inplace_form(fn: Callable, name: str | None = None) -> Callable:
    from .common import inplace

    def in_place(self, *args, **kwargs):
        return inplace(self, fn, *args, **kwargs)

    return _form(fn, in_place, name or f"{fn.__name__}_",
                 f"In-place {fn.__name__}: writes the result into self and returns self.")


def _reflected_form(fn: Callable, dunder: str) -> Callable:
    def reflected(self, other):
        return fn(other, self)

    return _form(fn, reflected, dunder, f"other {dunder} self: {fn.__name__}(other, self).")


def _functional_inplace_form(fn: Callable, in_place: Callable) -> Callable:
    def functional(input, inplace=False):
        return in_place(input) if inplace else fn(input)

    # Not marked as wrapping fn: its signature is its own (inspect would show fn's).
    functional.__name__ = functional.__qualname__ = fn.__name__
    functional.__doc__ = f"{(fn.__doc__ or '').strip()} inplace=True writes into input."
    return functional


def install(tensor_cls, torch_namespace: dict, functional: dict, linalg: dict) -> None:
    """Bind every declared form: methods and operators on the Tensor class, functions in
    the three namespaces (module dicts)."""
    for entry in OPS.values():
        fn = entry.fn if entry.result is None else _checked_form(entry.fn, entry.result)
        in_place = inplace_form(fn) if entry.inplace or any(d in INPLACE_OPERATORS for d in entry.operators) \
            else None
        for n in entry.names:
            if entry.method:
                setattr(tensor_cls, n, fn)
            if entry.function:
                torch_namespace[n] = fn
            if "functional" in entry.variants:
                functional[n] = fn
            if "functional_inplace" in entry.variants:
                functional[n] = _functional_inplace_form(fn, in_place)
        if entry.linalg_name:
            linalg[entry.linalg_name] = fn
        for n in entry.inplace_names:
            setattr(tensor_cls, n, in_place if n == f"{entry.name}_" else inplace_form(fn, n))
        operator = entry.operator or fn
        for dunder in entry.operators:
            setattr(tensor_cls, dunder, in_place if dunder in INPLACE_OPERATORS else operator)
        for dunder in entry.reflected:
            setattr(tensor_cls, dunder, entry.reflect or _reflected_form(operator, dunder))
