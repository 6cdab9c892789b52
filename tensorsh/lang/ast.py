"""The syntax tree of a tensorsh program: small frozen dataclasses with source spans.

Each class is named after the grammar rule or alias that produces it
(`bin_op` -> `BinOp`), and the evaluator runs it with the method of the rule's name
(`Evaluator.bin_op`); `Node.rule` holds that name. The tree knows nothing of Lark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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


# ---------------------------------------------------------------- statements

@dataclass(frozen=True)
class Module(Node):
    body: tuple[Node, ...]


@dataclass(frozen=True)
class ExprStmt(Node):
    value: Node
    silent: bool = False  # the statement ended its line with `;`


@dataclass(frozen=True)
class Assign(Node):
    targets: tuple[Node, ...]  # `a = b = value` has two targets
    value: Node


@dataclass(frozen=True)
class AugAssign(Node):
    target: Node
    op: str  # "+=", "@=", ...
    value: Node


@dataclass(frozen=True)
class PassStmt(Node):
    pass


@dataclass(frozen=True)
class Alias(Node):
    name: str  # dotted: "torch.nn.functional"
    asname: str | None


@dataclass(frozen=True)
class ImportStmt(Node):
    names: tuple[Alias, ...]


@dataclass(frozen=True)
class FromImport(Node):
    module: str
    names: tuple[Alias, ...]  # empty for `from torch import *`


@dataclass(frozen=True)
class IfStmt(Node):
    test: Node
    body: tuple[Node, ...]
    orelse: tuple[Node, ...]  # an `elif` is an IfStmt alone in here


@dataclass(frozen=True)
class ForStmt(Node):
    target: Node
    iter: Node
    body: tuple[Node, ...]


@dataclass(frozen=True)
class WithStmt(Node):
    context: Node
    name: str | None
    body: tuple[Node, ...]


# ---------------------------------------------------------------- expressions

@dataclass(frozen=True)
class Name(Node):
    id: str


@dataclass(frozen=True)
class Constant(Node):
    value: Any  # int, float, complex, str, bool, None or Ellipsis


@dataclass(frozen=True)
class Tuple(Node):
    elts: tuple[Node, ...]


@dataclass(frozen=True)
class List(Node):
    elts: tuple[Node, ...]


@dataclass(frozen=True)
class Keyword(Node):
    name: str
    value: Node


@dataclass(frozen=True)
class Starred(Node):
    value: Node


@dataclass(frozen=True)
class Call(Node):
    func: Node
    args: tuple[Node, ...]  # expressions and Starred
    keywords: tuple[Keyword, ...]


@dataclass(frozen=True)
class Attribute(Node):
    value: Node
    attr: str
    attr_span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Subscript(Node):
    value: Node
    index: Node


@dataclass(frozen=True)
class Slice(Node):
    lower: Node | None
    upper: Node | None
    step: Node | None


@dataclass(frozen=True)
class UnaryOp(Node):
    op: str  # "-", "+", "~", "not"
    operand: Node


@dataclass(frozen=True)
class BinOp(Node):
    left: Node
    op: str
    right: Node


@dataclass(frozen=True)
class BoolOp(Node):
    left: Node
    op: str  # "and" or "or"
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    left: Node
    ops: tuple[str, ...]  # "<", "not in", "is not", ...
    comparators: tuple[Node, ...]


@dataclass(frozen=True)
class IfExp(Node):
    body: Node
    test: Node
    orelse: Node


@dataclass(frozen=True)
class Param(Node):
    name: str
    default: Node | None


@dataclass(frozen=True)
class LambdaExpr(Node):
    params: tuple[Param, ...]
    body: Node
