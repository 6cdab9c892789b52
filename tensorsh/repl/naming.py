"""Which variable holds a tensor: the names `:graph` and `:gradcheck` show for the tensors they meet.

A graph holds tensors, not names; the session's variables hold names. Matching the two by
identity names a leaf `w`, a module's parameter `model.0.weight` (from named_parameters)
and a tensor kept in a list `params[1]`. Identity is safe here: the variables keep every
tensor they name alive while a command runs.
"""

from __future__ import annotations

from typing import Any

from tensorsh.lang import describe


def held_tensors(variables: dict[str, Any]) -> list[tuple[str, Any]]:
    """(name, tensor) for every tensor the variables hold, by variable name: tensors, the
    parameters and buffers of modules, and tensors one level inside lists, tuples and dicts."""
    order = sorted(variables, key=lambda name: (name == "_", name.lower()))  # `_` is only the last value shown
    return [held for name in order for held in _held(name, variables[name])]


def tensor_names(variables: dict[str, Any]) -> dict[int, str]:
    """id(tensor) -> the first name that holds it."""
    names: dict[int, str] = {}
    for label, tensor in held_tensors(variables):
        names.setdefault(id(tensor), label)
    return names


def _held(name: str, value: Any):
    if describe.is_tensor(value):
        yield name, value
    elif describe.is_module(value):
        try:
            inside = [*value.named_parameters(), *value.named_buffers()]
        except Exception:  # noqa: BLE001 - a program's module may define these itself, and fail: left unnamed
            return
        for inner, tensor in inside:
            yield f"{name}.{inner}", tensor
    elif type(value) in (list, tuple):  # exactly: a program's subclass could run its own code here
        for i, item in enumerate(value[:_CONTAINER_ITEMS]):
            if describe.is_tensor(item):
                yield f"{name}[{i}]", item
    elif type(value) is dict:
        for key in list(value)[:_CONTAINER_ITEMS]:
            if isinstance(key, (str, int)) and describe.is_tensor(value[key]):
                yield f"{name}[{key!r}]", value[key]


# A program's list may be a dataset of a million tensors: naming looks at the first ones only.
_CONTAINER_ITEMS = 1000
