"""`:graph NAME`: the autograd graph behind a tensor, as a tree (rich, plain) or nested JSON.

The root is the tensor's grad_fn and a node's children are its next_functions, in
PyTorch's order, so the tree reads as PyTorch's `grad_fn.next_functions` chain does:
`None` for an input that needs no gradient, `AccumulateGrad` for a leaf, named after the
variable that holds it (`w`, `model.0.weight`). A node shows the shape of its output,
read from the edge that leads to it (its parent's inputs_meta: the graph keeps shapes,
not the tensors), and what it saved for backward: what a backward() without retain_graph
frees. Memory is counted by the array that owns it, once however many nodes save it or
views of it, and memory a variable also holds is named, not counted as freed.

The graph is a DAG: a node reached again shows once and is referred to afterwards
(`↑ see #2`). Graphs can be long (a loop's loss, an RNN unrolled a thousand steps), so
every walk here is iterative, and the tree stops at MAX_DEPTH levels and MAX_ROWS lines
with a count of the nodes left out.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import numpy as np

from tensorsh.engine.autograd import AccumulateGrad, Node
from tensorsh.engine.dtypes import from_numpy_dtype
from tensorsh.engine.limits import human
from tensorsh.lang import describe
from tensorsh.repl import naming
from tensorsh.repl.commands import command
from tensorsh.repl.runner import NOTHING, Context, evaluate

MAX_DEPTH = 12  # levels below the root: four columns each, and a node's line still fits a terminal
MAX_ROWS = 200

GUIDES = ("├── ", "└── ", "│   ", "    ")  # rich's own tree guides, so that plain and rich read alike


@command("graph", "NAME", code=True)
def graph_command(ctx: Context, argument: str) -> None:
    """The autograd graph behind a tensor: grad_fn tree, shapes, leaves, what backward frees.

    NAME may be any expression (`:graph loss`, `:graph model(x).sum()`). Leaves are named by
    the variables that hold them; `None` marks an input that needs no gradient.
    """
    if not argument:
        ctx.error("usage: :graph NAME   (for example  :graph loss)")
        return
    value = evaluate(ctx, argument, "<graph>")
    if value is NOTHING:
        return
    if not describe.is_tensor(value):
        hint = f" (a module's graph: :graph {argument}(x).sum())" if describe.is_module(value) else ""
        ctx.error(f":graph shows a tensor's autograd graph; {argument} is {_a(type(value).__name__)}, "
                  f"not a tensor{hint}")
        return
    if value.grad_fn is not None and not isinstance(value.grad_fn, Node):
        ctx.error(":graph reads the graphs tensorsh's engine records, not PyTorch's (this session runs on "
                  "--backend torch)")
        return
    graph = graph_of(value, argument, ctx.session.user_variables())
    if ctx.printer.fmt == "json":
        ctx.out.write(json.dumps(graph) + "\n")
        ctx.out.flush()
    elif ctx.printer.fmt == "plain":
        ctx.out.write("\n".join(plain_lines(graph)) + "\n")
        ctx.out.flush()
    else:
        _print_rich(ctx, graph)


def _a(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


# ---------------------------------------------------------------- the graph as data

def graph_of(tensor: Any, label: str, variables: dict[str, Any]) -> dict:
    """The graph behind `tensor` as plain data: the JSON form, which the text forms render."""
    graph = {"expression": label, "shape": list(tensor.shape), "dtype": _dtype(tensor.dtype),
             "requires_grad": bool(tensor.requires_grad), "is_leaf": tensor.grad_fn is None}
    root = tensor.grad_fn
    if root is None:
        graph["grad_fn"] = None
        return graph
    names = Names(variables)
    nodes, shapes = _reachable(root, tuple(tensor.shape), _dtype(tensor.dtype))
    parents = Counter(child for node in nodes for child, _ in node.next_functions if child is not None)
    shared = {node for node, count in parents.items() if count > 1}
    tree, shown = _tree(root, shapes, shared, names)
    graph.update(nodes=len(nodes), leaves=sum(type(n) is AccumulateGrad for n in nodes), shown=shown,
                 freed=any(n.freed for n in nodes), saved=_saved_total(nodes, names), grad_fn=tree)
    return graph


class Names:
    """The session's names for what a graph holds: tensors (leaves, saved tensors), nodes (by the
    variable holding their result: `h` for h = x @ w) and memory (a view's owner, which keeping
    the view keeps alive)."""

    def __init__(self, variables: dict[str, Any]):
        self.tensors: dict[int, str] = {}
        self.nodes: dict = {}
        self.memory: dict[int, str] = {}
        views = []
        for name, tensor in naming.held_tensors(variables):
            self.tensors.setdefault(id(tensor), name)
            if tensor.grad_fn is not None:
                self.nodes.setdefault(tensor.grad_fn, name)
            array = tensor.numpy(force=True)
            if _owner(array) is array:
                self.memory.setdefault(id(array), name)
            else:
                views.append((name, _owner(array)))
        for name, owner in views:  # memory is named after its owner first, after a view of it only if none
            self.memory.setdefault(id(owner), name)


def _owner(array: np.ndarray) -> np.ndarray:
    """The array owning the memory `array` looks at."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def _dtype(dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _reachable(root, shape: tuple, dtype: str) -> tuple[list, dict]:
    """Every node behind root, once each, and the (shape, dtype) of each node's output."""
    shapes = {root: (list(shape), dtype)}
    nodes, stack = [root], [root]
    while stack:
        node = stack.pop()
        for (child, _), meta in zip(node.next_functions, _metas(node)):
            if child is None or child in shapes:
                continue
            if type(child) is AccumulateGrad:
                shapes[child] = (list(child.variable.shape), _dtype(child.variable.dtype))
            else:
                shapes[child] = (None, None) if meta is None else (list(meta[0]), _dtype(from_numpy_dtype(meta[1])))
            nodes.append(child)
            stack.append(child)
    return nodes, shapes


def _metas(node) -> list:
    """The (shape, numpy dtype) of each input edge, None where unknown, as long as next_functions."""
    metas = list(node.inputs_meta)
    return metas + [None] * (len(node.next_functions) - len(metas))


def _tree(root, shapes: dict, shared: set, names: Names) -> tuple[dict, int]:
    """The nested entries below root, in next_functions order, depth first; and how many nodes
    they show. A node met again becomes a reference to its first showing; past MAX_DEPTH or
    MAX_ROWS, the nodes not yet shown become one `more` entry per parent."""
    numbers: dict = {}  # shared node -> the number its references name
    seen: set = set()  # nodes shown, or counted in a `more` entry
    top = _entry(root, None, shapes, names, numbers, shared)
    seen.add(root)
    rows, shown = 1, 1
    stack = [(top, child, i, 1) for i, (child, _) in reversed(list(enumerate(root.next_functions)))]
    while stack:
        parent, node, index, depth = stack.pop()
        children = parent["children"]
        if rows >= MAX_ROWS or depth > MAX_DEPTH:
            # Left out: a node's line, or a None or a reference, which then leaves only the ellipsis.
            hidden = _hide(node, seen) if node is not None and node not in seen else 0
            if children and "more" in children[-1]:
                children[-1]["more"] += hidden
            else:
                children.append({"more": hidden})
                rows += 1
        elif node is None:
            children.append({"name": None, "input": index})
            rows += 1
        elif node in numbers:
            children.append({"name": node.name(), "input": index, "ref": numbers[node]})
            rows += 1
        elif node not in seen:  # (a node seen but not numbered is one a `more` entry counted)
            entry = _entry(node, index, shapes, names, numbers, shared)
            children.append(entry)
            seen.add(node)
            rows += 1
            shown += 1
            stack.extend((entry, child, i, depth + 1)
                         for i, (child, _) in reversed(list(enumerate(node.next_functions))))
    return top, shown


def _hide(node, seen: set) -> int:
    """Mark the nodes behind `node` not yet seen as seen; how many there were."""
    count, stack = 0, [node]
    seen.add(node)
    while stack:
        count += 1
        for child, _ in stack.pop().next_functions:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append(child)
    return count


def _entry(node, index, shapes: dict, names: Names, numbers: dict, shared: set) -> dict:
    shape, dtype = shapes[node]
    entry: dict[str, Any] = {"name": node.name()}
    if index is not None:
        entry["input"] = index
    if node in shared:
        numbers[node] = entry["id"] = len(numbers) + 1
    if type(node) is AccumulateGrad:
        leaf = node.variable
        entry.update(variable=names.tensors.get(id(leaf)), shape=shape, dtype=dtype,
                     requires_grad=bool(leaf.requires_grad), grad=leaf.grad is not None)
        return entry
    if index is not None and node in names.nodes:
        entry["variable"] = names.nodes[node]
    entry.update(shape=shape, dtype=dtype, saved=[_saved(node, item, names) for item in node.saved],
                 saved_bytes=sum(owner.nbytes for owner in _memory(node).values()), freed=bool(node.freed),
                 children=[])
    return entry


def _array(node, tensor) -> np.ndarray:
    """The array of a saved tensor; None stands for the op's own result, kept as its array."""
    return node.output[0] if tensor is None else tensor.numpy(force=True)


def _memory(node) -> dict[int, np.ndarray]:
    """The memory the node's saved tensors keep alive, each owner once (x * x saves x twice; a
    saved view keeps all of its base)."""
    owners = (_owner(_array(node, tensor)) for tensor, _, _ in node.saved)
    return {id(owner): owner for owner in owners}


def _saved(node, item, names: Names) -> dict:
    """One tensor a node saved for backward: its shape, dtype and bytes; the variable holding it,
    or whose memory it views; and whether it changed in place since (then backward raises)."""
    tensor, counter, version = item
    array = _array(node, tensor)
    owner = _owner(array)
    variable = names.tensors.get(id(tensor)) if tensor is not None else None
    if variable is None and owner is array:  # another tensor over a variable's array: the op's result `h`
        variable = names.memory.get(id(owner))
    saved = {"shape": list(array.shape), "dtype": _dtype(from_numpy_dtype(array.dtype)), "bytes": int(array.nbytes),
             "variable": variable}
    if variable is None and id(owner) in names.memory:
        saved["view_of"] = names.memory[id(owner)]
    if counter[0] != version:
        saved["modified"] = True
    return saved


def _saved_total(nodes: list, names: Names) -> dict:
    """The memory the graph's saved tensors keep alive, each once: a backward() frees what no
    variable holds."""
    owners: dict[int, np.ndarray] = {}
    modified = set()
    for node in nodes:
        owners.update(_memory(node))
        for tensor, counter, version in node.saved:
            if counter[0] != version:
                modified.add(names.tensors.get(id(tensor)) or names.memory.get(id(_owner(_array(node, tensor))))
                             or "a saved result")
    freed = [owner for key, owner in owners.items() if key not in names.memory]
    return {"tensors": len(owners), "bytes": sum(int(o.nbytes) for o in owners.values()),
            "frees": len(freed), "frees_bytes": sum(int(o.nbytes) for o in freed),
            "kept": sorted({names.memory[key] for key in owners if key in names.memory}, key=str.lower),
            "modified": sorted(modified, key=str.lower)}


# ---------------------------------------------------------------- text

def headline(graph: dict) -> str:
    """`loss: tensor (), float32 · 9 nodes: 5 ops, 4 leaves`"""
    what = f"{graph['expression']}: tensor {_shape(graph['shape'])}, {graph['dtype']}"
    if graph["grad_fn"] is None:
        if graph["requires_grad"]:
            return (f"{what}: a leaf that requires grad; no graph behind it "
                    f"(backward() through a result of it fills its .grad)")
        return f"{what}: a leaf that does not require grad; no graph behind it"
    ops = graph["nodes"] - graph["leaves"]
    shown = "" if graph["shown"] == graph["nodes"] else f" (showing {graph['shown']:,})"
    return (f"{what} · {_count(graph['nodes'], 'node')}{shown}: "
            f"{_count(ops, 'op')}, {graph['leaves']:,} lea{'f' if graph['leaves'] == 1 else 'ves'}")


def footer(graph: dict) -> list[str]:
    """What a backward() would free, or that one already did; saved tensors changed in place."""
    if graph["grad_fn"] is None:
        return []
    saved = graph["saved"]
    if graph["freed"]:
        lines = ["freed by an earlier backward(): another raises (retain_graph=True keeps a graph)"]
    elif not saved["tensors"]:
        lines = ["backward() frees nothing: no node saved a tensor"]
    else:
        line = f"backward() frees {_count(saved['frees'], 'saved tensor') if saved['frees'] else 'no saved tensor'}"
        if saved["frees"]:
            line += f", {human(saved['frees_bytes'])}"
        if saved["kept"]:
            held = "stays (a variable holds it)" if len(saved["kept"]) == 1 else "stay (variables hold them)"
            line += f"; {_listed(saved['kept'])} {held}"
        lines = [line]
    if saved["modified"]:
        lines.append(f"{_listed(saved['modified'])} changed in place after being saved: backward() will raise")
    return lines


def node_text(entry: dict) -> tuple[str, str]:
    """The (name, details) of one entry: the grad_fn's name, then shape, variable and saved tensors."""
    if "more" in entry:
        return f"… {_count(entry['more'], 'more node')}" if entry["more"] else "…", ""
    if entry["name"] is None:
        return "None", f"input {entry['input']} needs no gradient"
    if "ref" in entry:
        return entry["name"], f"↑ see #{entry['ref']} above"
    parts = []
    if "id" in entry:
        parts.append(f"#{entry['id']}")
    if entry["name"] == "AccumulateGrad":
        parts.append(entry["variable"] or "(no variable)")
        parts.append(_shape(entry["shape"]))
        parts.append("requires_grad" if entry["requires_grad"] else "requires_grad=False now")
        return entry["name"], " ".join(parts)
    if entry.get("variable"):
        parts.append(entry["variable"])
    if entry["shape"] is not None:
        parts.append(_shape(entry["shape"]))
    if entry["saved"]:
        shown = ", ".join(_saved_text(s) for s in entry["saved"])
        parts.append(f"· saves {shown}: {human(entry['saved_bytes'])}")
    elif entry["freed"]:
        parts.append("· freed")
    return entry["name"], " ".join(parts)


def _saved_text(saved: dict) -> str:
    text = saved["variable"] or _shape(saved["shape"])
    if "view_of" in saved:
        text += f" of {saved['view_of']}"
    return text + " (changed in place)" if saved.get("modified") else text


def plain_lines(graph: dict) -> list[str]:
    """The tree in text, with rich's guides: what `:graph` prints in the plain format."""
    lines = [headline(graph)]
    if graph["grad_fn"] is not None:
        for guide, entry in _walk(graph["grad_fn"]):
            name, details = node_text(entry)
            lines.append(f"{guide}{name}  {details}".rstrip())
    return lines + footer(graph)


def _walk(top: dict):
    """(guide, entry) for each entry, depth first: the lines of the tree."""
    stack = [("", "", top)]
    while stack:
        guide, indent, entry = stack.pop()
        yield guide, entry
        children = entry.get("children", ())
        for i in reversed(range(len(children))):
            last = i == len(children) - 1
            stack.append((indent + GUIDES[1 if last else 0], indent + GUIDES[3 if last else 2], children[i]))


def _print_rich(ctx: Context, graph: dict) -> None:
    from rich.text import Text
    from rich.tree import Tree

    ctx.printer.print(Text(headline(graph), style="dim"))
    if graph["grad_fn"] is not None:
        root = Tree(_styled(graph["grad_fn"]), guide_style="dim")
        stack = [(root, graph["grad_fn"])]
        while stack:
            branch, entry = stack.pop()
            for child in entry.get("children", ()):
                stack.append((branch.add(_styled(child)), child))
        ctx.printer.print(root)
    for line in footer(graph):
        ctx.printer.print(Text(line, style="yellow" if graph["freed"] or "raise" in line else "dim"))


def _styled(entry: dict):
    from rich.text import Text

    name, details = node_text(entry)
    leaf = entry.get("name") == "AccumulateGrad" and "ref" not in entry
    style = "dim" if entry.get("name") is None or "more" in entry or "ref" in entry else \
        "green" if leaf else "bold cyan"
    text = Text(name, style=style)
    if details:
        text.append("  ")
        text.append(details, style="dim" if style == "dim" or not leaf else "")
    return text


def _shape(shape) -> str:
    return "?" if shape is None else str(tuple(shape))


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{_s(n)}"


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
