"""The names a program starts with, and the modules it may import.

Top-level names: every public name of torch bare (`tensor`, `softmax`, `float32`),
`torch`, `F` (torch.nn.functional), `nn`, `optim`, `np` (a NumPy subset), `math`, `grad`, `save` and
`load`, and Python's builtins (`pybuiltins`), which win where both have a name (`int`,
`sum`). `torch` is tensorsh's engine, or with `backend="torch"` PyTorch itself
(`torch_backend`). Importable: torch and its submodules, numpy, math, random, and collections'
dictionaries (`nn.Sequential(OrderedDict(...))` is how PyTorch code names layers).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from tensorsh.lang.files import make_files
from tensorsh.lang.namespace import LazyNamespace, Namespace, engine_namespace, make_grad, numpy_namespace
from tensorsh.lang.pybuiltins import math_namespace, python_builtins, random_namespace


def _stdout_write(text: str) -> None:
    import sys

    sys.stdout.write(text)


def _stdout_flush() -> None:
    import sys

    sys.stdout.flush()


# The engines a program may run on: tensorsh's own (the default) and the installed PyTorch.
BACKENDS = ("numpy", "torch")


class BackendUnavailable(Exception):
    """`--backend torch` without PyTorch installed."""


def _torch_of(backend: str) -> Namespace:
    """The `torch` a program sees: the engine's, or PyTorch's through `torch_backend`'s allow-lists."""
    if backend == "numpy":
        return engine_namespace()
    if backend != "torch":
        raise ValueError(f"unknown backend {backend!r}: tensorsh has {', '.join(BACKENDS)}")
    try:
        from tensorsh.lang.torch_backend import torch_namespace
    except ImportError as exc:
        raise BackendUnavailable(f"the torch backend runs on PyTorch, which is not installed ({exc}): "
                                 "pip install 'tensorsh[torch]'") from None
    return torch_namespace()


def builtins(files_allowed: bool = True, write: Callable[[str], Any] | None = None,
             backend: str = "numpy") -> dict[str, Any]:
    """The top-level names every program starts with, on `backend` (one of BACKENDS)."""
    torch = _torch_of(backend)
    names: dict[str, Any] = {name: member for name, member in torch.members.items()
                             if not isinstance(member, Namespace)}
    nn = torch.members.get("nn")
    functional = nn.members.get("functional") if isinstance(nn, Namespace) else None
    names["torch"] = torch
    if functional is not None:
        names["F"] = functional
    for name in ("nn", "optim"):
        if isinstance(torch.members.get(name), Namespace):
            names[name] = torch.members[name]
    names["np"] = numpy_namespace()
    names["math"] = math_namespace()
    grad = make_grad(torch)
    if grad is not None:
        names["grad"] = grad
    names["save"], names["load"] = make_files(torch, files_allowed)
    # torch.save/torch.load are ours too: .npy/.npz only, and off under --no-files.
    torch.members["save"], torch.members["load"] = names["save"], names["load"]
    names.update(python_builtins(torch, write or _stdout_write, _stdout_flush if write is None else None))
    return names


def modules(names: Mapping[str, Any]) -> dict[str, Namespace]:
    """What `import` may bind: every Namespace reachable from torch and np, by dotted name,
    and Python's math and random."""
    found: dict[str, Namespace] = {}

    def walk(path: str, ns: Namespace) -> None:
        found[path] = ns
        if isinstance(ns, LazyNamespace):
            return  # it holds no namespaces, and looking would build it
        for name, member in ns.members.items():
            if isinstance(member, Namespace):
                walk(f"{path}.{name}", member)

    torch, np_ = names.get("torch"), names.get("np")
    if isinstance(torch, Namespace):
        walk("torch", torch)
    if isinstance(np_, Namespace):
        walk("numpy", np_)
    found["math"] = names["math"] if isinstance(names.get("math"), Namespace) else math_namespace()
    found["random"] = random_namespace()
    found["collections"] = _collections_namespace()
    return found


def _collections_namespace() -> Namespace:
    # The dict subclasses only: a program reads them through dict's attributes.
    from collections import Counter, OrderedDict, defaultdict

    return Namespace("collections", {"Counter": Counter, "OrderedDict": OrderedDict, "defaultdict": defaultdict})
