"""Shape errors that explain themselves: the failing operation's operands, labelled with their shapes.

When an op refuses its operands' shapes (broadcasting, a matrix product, cat/stack,
view/reshape, a layer's input), PyTorch's message stays the first line; the diagnostic
then marks the operator, underlines each tensor operand with its shape, and adds a
note that lines the shapes up:

    error[RuntimeError]: The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 1
     --> <input>:1:18
      |
    1 | torch.ones(2, 3) + torch.ones(4, 5)
      | ---------------- ^ ----------------
      | (2, 3)             (4, 5)
      |
      = note: broadcasting lines shapes up from the right; dimension 1 clashes:
                a  (2, 3)
                b  (4, 5)
                       ^ 3 against 5

Nothing is computed again to find the shapes: the operands are the arguments the failing
call received, read from its frame in the exception's traceback, and paired with the
expression's operands in the order the call was written. An operand whose value cannot
be paired (a starred argument, a keyword the callee does not name) goes unlabelled.
"""

from __future__ import annotations

import ast
import math
import re
from types import FrameType
from typing import Any

from tensorsh.lang.compiler import callee_path
from tensorsh.lang.describe import is_tensor
from tensorsh.lang.errors import Span, TensorshError, span_at, span_of
from tensorsh.lang.namespace import Namespace, is_program_class

# PyTorch's messages for operands whose shapes do not fit the op.
_SHAPE_MESSAGE = re.compile(
    r"must match the size of tensor|shapes cannot be multiplied|Sizes of tensors must match|"
    r"is invalid for input of size|stack expects each tensor|Expected size for first two dimensions|"
    r"size mismatch|doesn't match the broadcast shape|must have same number of dimensions|"
    r"inconsistent tensor size|1D tensors expected|both arguments to matmul need to be at least 1D|"
    r"Expected \d+D \(unbatched\) or \d+D \(batched\) input|to have \d+ channels|expected input\[|"
    r"input and target|must match the number of|cannot reshape tensor of 0 elements|must be a matrix|"
    r"should contain \d+ elements|batch_size|does not match the length of the desired ordering|"
    r"The expanded size of the tensor|Dimension out of range|number of dimensions|out of bounds for dimension|"
    r"does not match the shape of the indexed tensor")

_BROADCAST = re.compile(r"tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton "
                        r"dimension (\d+)")
_PRODUCT = re.compile(r"shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)")
_CAT = re.compile(r"except in dimension (\d+)\. Expected size (\d+) but got size (\d+) for tensor number (\d+)")
_VIEW = re.compile(r"shape '\[([-\d, ]*)\]' is invalid for input of size (\d+)")

_VARARGS = 0x04  # CO_VARARGS: the code takes *args
_VARKEYWORDS = 0x08  # CO_VARKEYWORDS: the code takes **kwargs


def about_shapes(exc: BaseException) -> bool:
    """Whether an op refused its operands' shapes: PyTorch's message for it. Only the builtin classes
    the engine raises: a program's own exception class could run its code in __str__."""
    return type(exc) in (RuntimeError, ValueError, IndexError) and _SHAPE_MESSAGE.search(str(exc)) is not None


def explain(error: TensorshError, exc: BaseException, frame: FrameType, below: list[FrameType],
            node: ast.AST | None, lines: list[str]) -> None:
    """Label the operands of `node` (the failing expression, run in the program's `frame`), for an
    `exc` that is `about_shapes`.

    `below` are the traceback's frames under the program's own, outermost first: the first is
    the function the expression called. `lines` is the source the spans refer to."""
    callee = below[0] if below else None
    if callee is None or node is None:
        return
    written = _written(node, frame, callee)
    if written is None:
        return
    operator, operands = written
    pairs = _paired(node, operands, callee)
    labelled = [(operand, value, _label(value)) for operand, value in pairs]
    labelled = [(operand, value, label) for operand, value, label in labelled if label is not None]
    if not labelled or any(o.lineno != node.lineno or o.end_lineno != node.lineno for o, _, _ in labelled):
        return  # the labels sit under one line of source
    error.span = _trimmed(span_at(lines, *operator), lines)
    error.labels = [(span_of(operand, lines), label) for operand, _, label in labelled]
    shapes = [tuple(value.shape) for _, value, _ in labelled if is_tensor(value)]
    message = str(exc)
    error.explanation = _layer(below, node, lines) + (
        _broadcasting(message, shapes) or _product(message) or _joining(message, callee) or _viewing(message, shapes))


def _trimmed(span: Span, lines: list[str]) -> Span:
    """The operator's span without the spaces and brackets around it: ` + ` is `+`, `) @ (` is `@`."""
    text = lines[span.line - 1][span.column - 1:span.end_column - 1] if span.line == span.end_line else ""
    kept = [i for i, c in enumerate(text) if c not in " \t()\\"]
    if not kept:
        return span
    return Span(span.line, span.column + kept[0], span.line, span.column + kept[-1] + 1)


def shape_text(shape) -> str:
    """A shape as a tuple: (2, 3), (5,), ()."""
    return str(tuple(int(d) for d in shape))


_MOST_LISTED = 4  # shapes in the label of a list of tensors, before "…"


def _label(value: Any) -> str | None:
    """A tensor's shape, or a list's or tuple's of tensors (`[(2, 3), (2, 4)]`); None for anything else."""
    if is_tensor(value):
        return shape_text(value.shape)
    if isinstance(value, (list, tuple)) and value and all(is_tensor(item) for item in value):
        shown = [shape_text(item.shape) for item in value[:_MOST_LISTED]]
        more = f", … {len(value) - _MOST_LISTED} more" if len(value) > _MOST_LISTED else ""
        return f"[{', '.join(shown)}{more}]"
    return None


# ---------------------------------------------------------------- the expression's operands


def _written(node: ast.AST, frame: FrameType, callee: FrameType) -> tuple[tuple[int, int, int, int],
                                                                          list[ast.expr]] | None:
    """Where the operator is written (CPython positions) and the operands, in the order the call takes them."""
    if isinstance(node, (ast.BinOp, ast.AugAssign)):
        left = node.left if isinstance(node, ast.BinOp) else node.target
        right = node.right if isinstance(node, ast.BinOp) else node.value
        if left.end_lineno != right.lineno:
            return None
        return (left.end_lineno, right.lineno, left.end_col_offset, right.col_offset), [left, right]
    if isinstance(node, ast.Subscript):  # x[2, 5]: the brackets are the operator
        value = node.value
        return (value.end_lineno, node.end_lineno, value.end_col_offset, node.end_col_offset), [value, node.slice]
    if isinstance(node, ast.Call):
        function = node.func
        if isinstance(function, ast.Attribute) and callee.f_code.co_name != "__call__" \
                and not _is_module(function.value, frame):
            # x.view(4, 2): `.view` is the operator, x an operand
            receiver = function.value
            where = (receiver.end_lineno, function.end_lineno, receiver.end_col_offset, function.end_col_offset)
            return where, [receiver, *node.args]
        return (function.lineno, function.end_lineno, function.col_offset, function.end_col_offset), list(node.args)
    return None


def _is_module(node: ast.expr, frame: FrameType) -> bool:
    """Whether `node` names a module (`torch`, `torch.nn.functional`, `F`), looked up without running anything."""
    path = callee_path(node)
    if path is None:
        return False
    first, *rest = path
    scopes = (frame.f_locals, frame.f_globals, frame.f_globals.get("__builtins__", {}))
    value = next((scope[first] for scope in scopes if isinstance(scope, dict) and first in scope), None)
    for name in rest:
        if not isinstance(value, Namespace):
            return False
        value = value.members.get(name)
    return isinstance(value, Namespace)


def _paired(node: ast.AST, operands: list[ast.expr], callee: FrameType) -> list[tuple[ast.expr, Any]]:
    """Each operand with the value the callee received for it; lists and tuples written out
    (`torch.cat([a, b])`) are paired element by element."""
    values = _arguments(callee)
    if callee.f_code.co_name == "__call__":
        values = values[1:]  # an object called (a layer): its `self` comes first
    pairs = []
    for operand, value in zip(operands, values):
        if isinstance(operand, ast.Starred):
            break  # how many values it stood for is not known
        if isinstance(operand, (ast.List, ast.Tuple)) and isinstance(value, (list, tuple)) \
                and len(operand.elts) == len(value):
            pairs.extend((element, item) for element, item in zip(operand.elts, value)
                         if not isinstance(element, ast.Starred))
        else:
            pairs.append((operand, value))
    if isinstance(node, ast.Call):
        received = _keywords(callee)
        pairs.extend((keyword.value, received[keyword.arg]) for keyword in node.keywords
                     if keyword.arg is not None and keyword.arg in received)
    return pairs


def _keywords(frame: FrameType) -> dict[str, Any]:
    """The arguments a frame's function received by name: its parameters, and what its
    **kwargs took (a wrapper that passes them on, as the engine's out= forms do)."""
    code = frame.f_code
    received = dict(frame.f_locals)
    if code.co_flags & _VARKEYWORDS:
        position = code.co_argcount + code.co_kwonlyargcount + bool(code.co_flags & _VARARGS)
        received.update(received.pop(code.co_varnames[position], None) or {})
    return received


def _arguments(frame: FrameType) -> list[Any]:
    """The positional arguments a frame's function was called with, *args included."""
    code = frame.f_code
    names = code.co_varnames[:code.co_argcount]
    values = [frame.f_locals.get(name) for name in names]
    if code.co_flags & _VARARGS:
        values.extend(frame.f_locals.get(code.co_varnames[code.co_argcount + code.co_kwonlyargcount], ()))
    return values


# ---------------------------------------------------------------- the notes


def _broadcasting(message: str, shapes: list[tuple]) -> list[str]:
    """The two shapes right-aligned, the clashing dimension marked."""
    found = _BROADCAST.search(message)
    if found is None or len(shapes) != 2:
        return []
    size_a, size_b, dimension = (int(g) for g in found.groups())
    ndim = max(len(s) for s in shapes)
    padded = [(None,) * (ndim - len(s)) + s for s in shapes]
    # PyTorch's tensor a is the broadcast of the operands before b: with two, the first.
    if dimension >= ndim or (padded[0][dimension], padded[1][dimension]) != (size_a, size_b):
        return []
    widths = [max(len(str(s[i])) for s in padded if s[i] is not None) for i in range(ndim)]
    rows = ["[" + ", ".join(f"{d:>{w}}" for d, w in zip(s, widths) if d is not None) + "]" for s in padded]
    width = max(len(row) for row in rows)
    # Lists, not tuples: (5,) would not line up with (2, 5).
    end = width - 2 - sum(w + 2 for w in widths[dimension + 1:])  # the clashing size's last digit
    return [f"broadcasting lines shapes up from the right; dimension {dimension} clashes:",
            *(f"  {name}  {row:>{width}}" for name, row in zip("ab", rows)),
            " " * (5 + end) + f"^ {size_a} against {size_b}"]


def _product(message: str) -> list[str]:
    """A matrix product's inner sizes, marked."""
    found = _PRODUCT.search(message)
    if found is None:
        return []
    rows, inner, other_inner, cols = found.groups()
    left = f"({rows} x {inner})"
    row = f"{left} @ ({other_inner} x {cols})"
    first, second = len(left) - 1 - len(inner), len(left) + 4
    marks = " " * first + "^" * len(inner) + " " * (second - first - len(inner)) + "^" * len(other_inner)
    return ["a matrix product needs the first's columns to equal the second's rows:",
            f"  {row}", f"  {marks} {inner} against {other_inner}"]


def _joining(message: str, callee: FrameType) -> list[str]:
    """cat's first tensor and the one that differs, the clashing dimension marked."""
    found = _CAT.search(message)
    tensors = next((v for v in _arguments(callee) if isinstance(v, (list, tuple))), None)
    if found is None or tensors is None:
        return []
    along, _, _, number = (int(g) for g in found.groups())
    first = next((t for t in tensors if is_tensor(t) and tuple(t.shape) != (0,)), None)
    other = tensors[number] if number < len(tensors) else None
    if first is None or not is_tensor(other) or len(first.shape) != len(other.shape):
        return []
    clash = next((d for d, (m, n) in enumerate(zip(first.shape, other.shape)) if d != along and m != n), None)
    if clash is None:
        return []
    widths = [max(len(str(m)), len(str(n))) for m, n in zip(first.shape, other.shape)]
    rows = ["[" + ", ".join(f"{d:>{w}}" for d, w in zip(t.shape, widths)) + "]" for t in (first, other)]
    names = ["tensor 0", f"tensor {number}"]
    end = 1 + sum(w + 2 for w in widths[:clash]) + widths[clash] - 1
    return [f"cat joins along dimension {along}; every other dimension must match, and dimension {clash} does not:",
            *(f"  {name:<{len(names[1])}}  {row}" for name, row in zip(names, rows)),
            " " * (2 + len(names[1]) + 2 + end) + "^"]


def _viewing(message: str, shapes: list[tuple]) -> list[str]:
    """How many elements the tensor holds, and how many the asked shape needs."""
    found = _VIEW.search(message)
    if found is None or not shapes:
        return []
    asked = [int(d) for d in found.group(1).split(",") if d.strip()]
    shape = shapes[0]
    have = f"{'×'.join(map(str, shape))} = {math.prod(shape)}" if len(shape) > 1 else str(math.prod(shape))
    if -1 in asked:
        known = [d for d in asked if d != -1]
        needs = f"a multiple of {'×'.join(map(str, known))}"
    elif len(asked) > 1:
        needs = f"{'×'.join(map(str, asked))} = {math.prod(asked)}"
    else:
        needs = str(math.prod(asked))
    return [(f"a view keeps the element count: {shape_text(shape)} holds {have} elements; "
             f"[{found.group(1)}] needs {needs}")]


def _layer(below: list[FrameType], node: ast.AST, lines: list[str]) -> list[str]:
    """For a layer called on the wrong input: which layer refused it, and what it is."""
    from tensorsh.engine.nn.module import Module

    called = below[0].f_locals.get("self")
    if not isinstance(called, Module) or not isinstance(node, ast.Call) or is_program_class(type(called)):
        return []  # a program's own module class: its methods and repr are program code, not run here
    refusing = called
    # The innermost layer whose forward ran: a Sequential's failing member, not the Sequential.
    for frame in below:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, Module) and frame.f_code.co_name == "forward" \
                and not is_program_class(type(candidate)):
            refusing = candidate
    name = ast.get_source_segment("\n".join(lines), node.func) or "the layer"
    path = next((n for n, m in called.named_modules() if m is refusing), "")
    where = name + "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in path.split(".") if part)
    return [f"{where} is {repr(refusing).splitlines()[0]}"]

