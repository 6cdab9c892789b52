"""`:shape EXPR`: the expression's sub-expressions as a tree, each with its shape and dtype.

    >>> :shape F.softmax(x @ w + b, dim=1)
    F.softmax(x @ w + b, dim=1)  (4, 10)    float32  requires_grad
    └─ x @ w + b                 (4, 10)    float32  requires_grad
       ├─ x @ w                  (4, 10)    float32  requires_grad
       │  ├─ x                   (4, 784)   float32
       │  └─ w                   (784, 10)  float32  requires_grad
       └─ b                      (10,)      float32

The expression runs once (`lang.tracing`); if it fails, the steps that ran are shown
and then the error. json gives the same tree as nested objects.
"""

from __future__ import annotations

import json

from tensorsh.lang.errors import TensorshError
from tensorsh.lang.tracing import Description, Step, trace
from tensorsh.repl.commands import command
from tensorsh.repl.runner import INTERRUPTED, Context, is_statement

NOT_RUN = "not evaluated"


@command("shape", "EXPRESSION", code=True)
def shape_command(ctx: Context, argument: str) -> None:
    """EXPRESSION's sub-expressions as a tree, each with its shape and dtype (it runs once)."""
    if not argument:
        ctx.error("usage: :shape EXPRESSION   (for example  :shape x @ w + b)")
        return
    if is_statement(argument):
        ctx.error(f":shape takes an expression, not a statement: {argument.strip()}")
        return
    try:
        steps, error = trace(ctx.session, argument.strip())
    except TensorshError as refused:
        ctx.report(refused)
        return
    except KeyboardInterrupt:
        ctx.error(INTERRUPTED)
        return
    if ctx.printer.fmt == "json":
        ctx.out.write(json.dumps({"type": "shape", "steps": [as_json(step) for step in steps],
                                  **({"error": str(error)} if error else {})}) + "\n")
    else:
        rows = [(prefix + step.source, *columns(step.value)) for prefix, step in walk(steps)]
        ctx.printer.print(table(rows, ctx.printer.fmt == "rich"))
    if error is not None:
        ctx.report(error)


def walk(steps: list[Step], prefix: str = "", top: bool = True):
    """(tree prefix, step) for each step, depth first; roots have no prefix."""
    for index, step in enumerate(steps):
        last = index == len(steps) - 1
        yield ("" if top else prefix + ("└─ " if last else "├─ ")), step
        inner = "" if top else prefix + ("   " if last else "│  ")
        yield from walk(step.children, inner, top=False)


def columns(value: Description | None) -> tuple[str, str, str]:
    """(shape, dtype or type, detail) for a row."""
    if value is None:
        return "", "", NOT_RUN
    if value.shape is not None:
        return str(value.shape), value.kind, "requires_grad" if value.requires_grad else ""
    return "", value.kind, value.text or ""


def table(rows: list[tuple[str, str, str, str]], rich: bool):
    """The rows as aligned columns: plain text, or a rich Text with the shapes and dtypes coloured."""
    from rich.text import Text

    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    text = Text()
    for number, (source, shape, kind, detail) in enumerate(rows):
        if number:
            text.append("\n")
        text.append(f"{source:<{widths[0]}}  ")
        text.append(f"{shape:<{widths[1]}}  ", style="cyan" if rich else None)
        text.append(f"{kind:<{widths[2]}}  " if detail else kind, style="dim" if rich else None)
        text.append(detail, style="yellow" if rich else None)
    text.rstrip()
    return text


def as_json(step: Step) -> dict:
    value = step.value
    entry: dict = {"source": step.source}
    if value is None:
        entry["evaluated"] = False
    elif value.shape is not None:
        entry.update(shape=list(value.shape), dtype=value.kind, requires_grad=value.requires_grad)
    else:
        entry["type"] = value.kind
        if value.text is not None:
            entry["value"] = value.text
    entry["children"] = [as_json(child) for child in step.children]
    return entry
