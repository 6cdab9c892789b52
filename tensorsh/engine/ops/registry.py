"""The op registry: every op is defined once and registered here.

`@op(...)` records an op's function, family, docstring (its help text), its other
names, the operators it implements, and whether it is differentiable. `install(Tensor)`
turns the registry into Tensor methods and operators; the engine's public namespace,
the language's `:help` and completion, and the gradient-check tests all read `OPS`.
"""

from __future__ import annotations

from typing import Callable


class Op:
    """One registered op. A plain class with a dataclass's constructor, equality and repr:
    making a dataclass compiles generated code at import, which costs start-up time."""

    __match_args__ = ("name", "fn", "family", "aliases", "method", "function", "operators",
                      "reflected_operators", "differentiable")

    def __init__(self, name: str, fn: Callable, family: str, aliases: tuple[str, ...] = (),
                 method: bool = True, function: bool = True, operators: tuple[str, ...] = (),
                 reflected_operators: tuple[str, ...] = (), differentiable: bool = False):
        self.name = name
        self.fn = fn
        self.family = family
        self.aliases = aliases
        self.method = method  # reachable as tensor.NAME(...)
        self.function = function  # reachable as torch.NAME(...)
        self.operators = operators
        self.reflected_operators = reflected_operators
        self.differentiable = differentiable

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __eq__(self, other):
        return self._fields() == other._fields() if type(other) is Op else NotImplemented

    __hash__ = None  # as a dataclass with eq: mutable, so not hashable

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(self.__match_args__, self._fields()))
        return f"Op({shown})"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

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


def op(family: str, *, aliases: tuple[str, ...] = (), method: bool = True, function: bool = True,
       operators: tuple[str, ...] = (), reflected_operators: tuple[str, ...] = (),
       differentiable: bool = False, name: str | None = None):
    """Register the decorated function as an op of `family`.

    aliases: other names for the same op (`clip` for `clamp`). method / function: whether
    it is reachable as `tensor.NAME` / `torch.NAME`. operators: dunder names it implements
    as it is (`__add__`); reflected_operators: those that swap the operands (`__radd__`).
    differentiable: it records a grad_fn, so the gradient checks must cover it.
    """

    def register(fn):
        entry = Op(name or fn.__name__, fn, family, tuple(aliases), method, function,
                   tuple(operators), tuple(reflected_operators), differentiable)
        if entry.name in OPS:
            raise ValueError(f"op {entry.name!r} is defined twice")
        OPS[entry.name] = entry
        return fn

    return register


def _reflected(fn):
    """`other OP self` for a binary op `fn(input, other)`."""

    def reflected_op(self, other):
        return fn(other, self)

    reflected_op.__name__ = f"r{fn.__name__}"
    return reflected_op


def install(cls) -> None:
    """Make every registered op a method and operator of `cls` (the Tensor class)."""
    for entry in OPS.values():
        if entry.method:
            for n in entry.names:
                setattr(cls, n, entry.fn)
        for dunder in entry.operators:
            setattr(cls, dunder, entry.fn)
        for dunder in entry.reflected_operators:
            setattr(cls, dunder, _reflected(entry.fn))


def functions() -> dict[str, Callable]:
    """Every op reachable as `torch.NAME`, under each of its names."""
    return {n: entry.fn for entry in OPS.values() if entry.function for n in entry.names}
