"""Describing a value beyond its repr: the one-line summary and the JSON form.

`summary(value)` is the header the rich display shows above a tensor
(`shape (2, 3) · float32 · cpu`) or an nn.Module (`67 parameters · 268 bytes · training`);
`to_json(value)` is the object `--format json` writes. Both are plain data, so any
front end (CLI, REPL) can present them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy

from tensorsh.lang.namespace import ENGINE_MODULES


def _is_engine(value: Any, name: str) -> bool:
    """Whether value is an instance of the engine's class `name` (Tensor, Module), or of a
    class built on it (Parameter, a program's Net), without importing the engine."""
    return any(c.__name__ == name and c.__module__.startswith(ENGINE_MODULES) for c in type(value).__mro__)


def is_tensor(value: Any) -> bool:
    return _is_engine(value, "Tensor")


def is_module(value: Any) -> bool:
    return _is_engine(value, "Module")


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def module_summary(module: Any) -> str:
    """`67 parameters · 268 bytes · training`: what a module holds (each shared parameter once)."""
    from tensorsh.engine.limits import human

    params = list(module.parameters())
    nbytes = sum(p.nbytes for p in params) + sum(b.nbytes for b in module.buffers())
    return " · ".join([_count(sum(p.numel() for p in params), "parameter"), human(nbytes),
                       "training" if module.training else "eval"])


def _dtype_name(dtype: Any) -> str:
    return str(dtype).removeprefix("torch.")


def _shape(value: Any) -> tuple[int, ...]:
    return tuple(int(d) for d in value.shape)


def summary(value: Any) -> str | None:
    """`shape (2, 3) · float32 · cpu` (plus requires_grad or grad_fn) for tensors and arrays; else None."""
    if is_tensor(value):
        parts = [f"shape {_shape(value)}", _dtype_name(value.dtype), str(value.device.type)]
        if value.grad_fn is not None:
            name = getattr(value.grad_fn, "name", None) or type(value.grad_fn).__name__
            parts.append(f"grad_fn={name() if callable(name) else name}")
        elif value.requires_grad:
            parts.append("requires_grad")
        return " · ".join(parts)
    if isinstance(value, numpy.ndarray):
        return f"shape {_shape(value)} · numpy {value.dtype}"
    if is_module(value):
        return module_summary(value)
    return None


def _plain(data: Any) -> Any:
    """Nested lists of Python scalars made JSON-safe: complex as [re, im], nan/inf as strings."""
    if isinstance(data, (list, tuple)):
        return [_plain(d) for d in data]
    if isinstance(data, complex):
        return [_plain(data.real), _plain(data.imag)]
    if isinstance(data, float) and not math.isfinite(data):
        return "nan" if math.isnan(data) else ("inf" if data > 0 else "-inf")
    if isinstance(data, numpy.generic):
        return _plain(data.item())
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    return repr(data)


def to_json(value: Any) -> dict[str, Any]:
    """The JSON object for one printed value; tensors carry shape, dtype, device, requires_grad, data."""
    if is_tensor(value):
        return {"type": "tensor", "shape": list(_shape(value)), "dtype": _dtype_name(value.dtype),
                "device": str(value.device.type), "requires_grad": bool(value.requires_grad),
                "data": _plain(value.tolist())}
    if isinstance(value, numpy.ndarray):
        return {"type": "ndarray", "shape": list(value.shape), "dtype": str(value.dtype),
                "data": _plain(value.tolist())}
    if value is None:
        return {"type": "none", "data": None}
    if isinstance(value, bool):
        return {"type": "bool", "data": value}
    if isinstance(value, (int, float, complex, str, numpy.generic)):
        return {"type": type(value).__name__, "data": _plain(value)}
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return {"type": type(value).__name__, "data": [to_json(v) for v in value]}
    if type(value).__name__ == "Size":
        return {"type": "size", "data": [int(d) for d in value]}
    return {"type": type(value).__name__, "repr": repr(value)}
