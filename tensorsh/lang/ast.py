"""The syntax tree of a tensorsh program: small frozen dataclasses with source spans.

Each class is named after the grammar rule or alias that produces it
(`bin_op` -> `BinOp`), and the evaluator runs it with the method of the rule's name
(`Evaluator.bin_op`); `Node.rule` holds that name. The tree knows nothing of Lark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Span:
    """Where a node sits in its source: 1-based lines and columns, end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    def to(self, other: "Span") -> "Span":
        """The span from the start of this one to the end of `other`."""
        return Span(self.line, self.column, other.end_line, other.end_column)


NO_SPAN = Span(1, 1, 1, 1)


@dataclass(frozen=True)
class Node:
    span: Span = field(default=NO_SPAN, compare=False, kw_only=True)

    @classmethod
    def rule(cls) -> str:
        """The grammar alias and evaluator method name of this class: `BinOp` -> `bin_op`."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()

    # Written once here rather than generated per class: generating them for every node
    # class costs start-up time on each run of `tensorsh -c`.
    def _values(self) -> tuple:
        return tuple(getattr(self, f.name) for f in fields(self) if f.compare)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.compare)
        return f"{type(self).__name__}({shown})"


# Node classes: frozen dataclasses that inherit equality, hashing and repr from Node.
node = dataclass(frozen=True, eq=False, repr=False)


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
    attr_span: Span = field(default=NO_SPAN, compare=False)


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
