"""Record PyTorch's autograd graphs and gradcheck verdicts: tests/repl/data/torch_graphs.json.

Usage (from the repository root, with the venv that has torch):

    .venv/bin/python scripts/record_graphs.py

Each case is a program (run under PyTorch with `torch`, `nn`, `F` in its globals) and an
expression. For a graph case the recording is the graph behind the expression's grad_fn in
the form tests/repl/test_graphs.py reads `:graph`'s JSON into: the nodes in depth-first
order of next_functions, each once, as [name, [child number or null per next_function],
leaf, shape] where leaf is the variable holding an AccumulateGrad's tensor (a module's
parameters named as named_parameters names them) and its shape, and shape the node's output's. For a gradcheck case it is whether
torch.autograd.gradcheck passes `f` on the inputs. Only this script needs torch; the
tests never do.
"""

from __future__ import annotations

import json
import pathlib

import torch
import torch.nn.functional as F
from torch import nn

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "repl" / "data" / "torch_graphs.json"

SETUP = """
torch.manual_seed(0)
w = torch.randn(3, requires_grad=True)
m = torch.randn(3, 3, requires_grad=True)
a = torch.randn(2, 3, requires_grad=True)
b = torch.randn(3, 4, requires_grad=True)
c = torch.randn(4)
logits = torch.randn(4, 5, requires_grad=True)
target = torch.tensor([1, 0, 4, 2])
img = torch.randn(1, 2, 5, 5)
k = torch.randn(3, 2, 3, 3, requires_grad=True)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
x = torch.randn(5, 4)
y = torch.randn(5, 1)
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return t * t
    @staticmethod
    def backward(ctx, g):
        (t,) = ctx.saved_tensors
        return 2 * t * g
class Wrong(torch.autograd.Function):
    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return t.sin()
    @staticmethod
    def backward(ctx, g):
        (t,) = ctx.saved_tensors
        return 2 * t.cos() * g
h = torch.zeros(3)
for step in range(3):
    h = torch.tanh(h @ m + w)
rnn_loss = h.sum()
"""

GRAPHS = [
    "(w * w).sin().sum()",
    "(a @ b).relu().mean()",
    "(w.exp() + w * 2).pow(2).sum()",
    "(w / 3 - 1).abs().sum()",
    "torch.sigmoid(w) * torch.tanh(w)",
    "F.softmax(m, dim=1)[0, 1]",
    "w.view(3, 1).expand(3, 2).t().reshape(-1).sum()",
    "torch.cat([w, w * 2]).max()",
    "F.cross_entropy(logits, target)",
    "w.detach() * w",
    "(m.T @ m).trace()",
    "(a @ b + c).sum(dim=1)",
    "Square.apply(w).sum()",
    "F.conv2d(img, k).sum()",
    "rnn_loss",
    "F.mse_loss(model(x), y)",
]

GRADCHECKS = [
    ("torch.sin", "(w,)"),
    ("torch.sigmoid", "(m,)"),
    ("lambda p, q: (p @ q).tanh()", "(a, b)"),
    ("lambda t: F.softmax(t, dim=1)", "(logits,)"),
    ("Square.apply", "(w,)"),
    ("Wrong.apply", "(w,)"),
    ("lambda t: t.detach() * 2", "(w,)"),
    ("lambda t: t.abs()", "(torch.tensor([0.5, -2.0, 3.0]),)"),
]


def tensor_names(variables: dict) -> dict[int, str]:
    """id(tensor) -> its variable's name, as tensorsh's REPL names leaves (repl/naming.py)."""
    names: dict[int, str] = {}
    for name in sorted(variables, key=str.lower):
        value = variables[name]
        if isinstance(value, torch.Tensor):
            names.setdefault(id(value), name)
        elif isinstance(value, nn.Module):
            for inner, parameter in value.named_parameters():
                names.setdefault(id(parameter), f"{name}.{inner}")
    return names


def nodes_of(root, names: dict[int, str]) -> list:
    """The graph behind root: each node once, in depth-first order of next_functions."""
    order: dict = {}
    rows: list = []

    def visit(node):
        order[node] = len(rows)
        # The class name: name() says torch::autograd::AccumulateGrad. The output's shape: what
        # the node's backward receives (_input_metadata, in backward's terms).
        row: list = [type(node).__name__, [], None, None]
        rows.append(row)
        if hasattr(node, "variable"):
            row[2] = [names.get(id(node.variable)), list(node.variable.shape)]
            row[3] = list(node.variable.shape)
        else:
            row[3] = list(node._input_metadata[0].shape)
        for child, _ in node.next_functions:
            if child is not None and child not in order:
                visit(child)
            row[1].append(None if child is None else order[child])

    visit(root)
    return rows


def main() -> None:
    variables = {"torch": torch, "nn": nn, "F": F}
    exec(SETUP, variables)
    names = tensor_names(variables)
    graphs = [{"expression": e, "nodes": nodes_of(eval(e, variables).grad_fn, names)} for e in GRAPHS]
    checks = []
    for f, inputs in GRADCHECKS:
        values = tuple(t.detach().double().requires_grad_() for t in eval(inputs, variables))
        passed = torch.autograd.gradcheck(eval(f, variables), values, raise_exception=False)
        checks.append({"f": f, "inputs": inputs, "passed": bool(passed)})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"setup": SETUP, "graphs": graphs, "gradchecks": checks}, indent=1) + "\n")
    print(f"wrote {OUT}: {len(graphs)} graphs, {len(checks)} gradchecks")


if __name__ == "__main__":
    main()
