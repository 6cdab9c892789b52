"""The syntax tree of a tensorsh program: small immutable node classes with source spans.

Each class is named after the grammar rule or alias that produces it
(`bin_op` -> `BinOp`), and the evaluator runs it with the method of the rule's name
(`Evaluator.bin_op`); `Node.rule` holds that name. The tree knows nothing of Lark.
"""

from __future__ import annotations

import re
from typing import Any


class Span:
    """Where a node sits in its source: 1-based lines and columns, end column exclusive."""

    __slots__ = ("line", "column", "end_line", "end_column")

    def __init__(self, line: int, column: int, end_line: int, end_column: int):
        # The slots' own setters (Span refuses assignment): half the time of object.__setattr__,
        # and the parser makes a span for every node.
        _set_line(self, line)
        _set_column(self, column)
        _set_end_line(self, end_line)
        _set_end_column(self, end_column)

    def _key(self) -> tuple:
        return (self.line, self.column, self.end_line, self.end_column)

    def __eq__(self, other: object) -> bool:
        return type(other) is Span and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Span(line={self.line}, column={self.column}, end_line={self.end_line}, end_column={self.end_column})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field '{name}': spans are immutable")

    def to(self, other: "Span") -> "Span":
        """The span from the start of this one to the end of `other`."""
        return Span(self.line, self.column, other.end_line, other.end_column)


_set_line, _set_column, _set_end_line, _set_end_column = (
    Span.line.__set__, Span.column.__set__, Span.end_line.__set__, Span.end_column.__set__)
NO_SPAN = Span(1, 1, 1, 1)


class Node:
    """A syntax node: its fields (from the class annotations, see `node`) and its span.

    Written by hand rather than with dataclasses: generating an __init__, __eq__ and
    __repr__ for every node class costs start-up time on each run of `tensorsh -c`.
    """

    _fields: tuple[str, ...] = ()  # in order, as positional arguments
    _uncompared: tuple[str, ...] = ()  # fields left out of equality and repr (positions)

    def __init__(self, *args: Any, span: Span = NO_SPAN, **kwargs: Any):
        names = self._fields
        if not kwargs and len(args) == len(names):
            # Every field given in order, as the parser builds nodes: no defaults to look up.
            fields = self.__dict__  # writing it directly skips __setattr__, which refuses changes
            fields.update(zip(names, args))
            fields["span"] = span
            return
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__}() takes {len(names)} fields but {len(args)} were given")
        values = dict(zip(names, args))
        for name, value in kwargs.items():
            if name not in names or name in values:
                raise TypeError(f"{type(self).__name__}() got an unexpected or repeated field {name!r}")
            values[name] = value
        for name in names:
            if name in values:
                value = values[name]
            elif hasattr(type(self), name):
                value = getattr(type(self), name)  # the class body's default
            else:
                raise TypeError(f"{type(self).__name__}() is missing the field {name!r}")
            object.__setattr__(self, name, value)
        object.__setattr__(self, "span", span)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field '{name}': syntax nodes are immutable")

    def replace(self, **changes: Any) -> "Node":
        """A copy with some fields (or the span) changed."""
        values = {name: getattr(self, name) for name in self._fields}
        span = changes.pop("span", self.span)
        values.update(changes)
        return type(self)(**values, span=span)

    @classmethod
    def rule(cls) -> str:
        """The grammar alias and evaluator method name of this class: `BinOp` -> `bin_op`."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields if name not in self._uncompared)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields if name not in self._uncompared)
        return f"{type(self).__name__}({shown})"


def node(cls: type) -> type:
    """Declare a node class: its fields are its base's followed by its own annotations, in order."""
    own = tuple(cls.__dict__.get("__annotations__", {}))
    cls._fields = tuple(base for base in cls._fields if base not in own) + own
    return cls


# ---------------------------------------------------------------- statements

@node
class Module(Node):
    body: tuple[Node, ...]


@node
class ExprStmt(Node):
    value: Node
    silent: bool = False  # the statement ended its line with `;`


@node
class Assign(Node):
    targets: tuple[Node, ...]  # `a = b = value` has two targets
    value: Node


@node
class AugAssign(Node):
    target: Node
    op: str  # "+=", "@=", ...
    value: Node


@node
class PassStmt(Node):
    pass


@node
class Alias(Node):
    name: str  # dotted: "torch.nn.functional"
    asname: str | None


@node
class ImportStmt(Node):
    names: tuple[Alias, ...]


@node
class FromImport(Node):
    module: str
    names: tuple[Alias, ...]  # empty for `from torch import *`


@node
class IfStmt(Node):
    test: Node
    body: tuple[Node, ...]
    orelse: tuple[Node, ...]  # an `elif` is an IfStmt alone in here


@node
class ForStmt(Node):
    target: Node
    iter: Node
    body: tuple[Node, ...]


@node
class WithStmt(Node):
    context: Node
    name: str | None
    body: tuple[Node, ...]


# ---------------------------------------------------------------- expressions

@node
class Name(Node):
    id: str


@node
class Constant(Node):
    value: Any  # int, float, complex, str, bool, None or Ellipsis


@node
class Tuple(Node):
    elts: tuple[Node, ...]


@node
class List(Node):
    elts: tuple[Node, ...]


@node
class Keyword(Node):
    name: str
    value: Node


@node
class Starred(Node):
    value: Node


@node
class Call(Node):
    func: Node
    args: tuple[Node, ...]  # expressions and Starred
    keywords: tuple[Keyword, ...]


@node
class Attribute(Node):
    value: Node
    attr: str
    attr_span: Span = NO_SPAN
    _uncompared = ("attr_span",)


@node
class Subscript(Node):
    value: Node
    index: Node


@node
class Slice(Node):
    lower: Node | None
    upper: Node | None
    step: Node | None


@node
class UnaryOp(Node):
    op: str  # "-", "+", "~", "not"
    operand: Node


@node
class BinOp(Node):
    left: Node
    op: str
    right: Node


@node
class BoolOp(Node):
    left: Node
    op: str  # "and" or "or"
    right: Node


@node
class Compare(Node):
    left: Node
    ops: tuple[str, ...]  # "<", "not in", "is not", ...
    comparators: tuple[Node, ...]


@node
class IfExp(Node):
    body: Node
    test: Node
    orelse: Node


@node
class Param(Node):
    name: str
    default: Node | None


@node
class LambdaExpr(Node):
    params: tuple[Param, ...]
    body: Node
