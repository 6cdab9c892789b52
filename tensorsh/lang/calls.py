"""Why a call's arguments do not fit its callee: which argument, and the signature.

Used only once a call has failed with a TypeError: the callee's signature (slow to
build, so never on the way in) is bound to placeholders for the arguments the call
site wrote, and the first mismatch becomes the message, with the span of the keyword
or argument at fault and the signature as a note.
"""

from __future__ import annotations

import ast
import inspect
from typing import Any

from tensorsh.lang.errors import Span, did_you_mean, span_of


def signature_of(function: Any) -> inspect.Signature | None:
    """The callee's signature without its private parameters; None where Python cannot tell."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # builtins without a text signature
        return None
    return signature.replace(parameters=[p for p in signature.parameters.values() if not p.name.startswith("_")])


def _spelled(keyword: str, signature: inspect.Signature) -> str:
    """The parameter a keyword names: itself, or the one a NumPy name stands for (sum(axis=0)),
    as PyTorch's argument parser takes them (the engine's registry.NUMPY_NAMES)."""
    from tensorsh.engine.ops.registry import NUMPY_NAMES

    if keyword in signature.parameters:
        return keyword
    return next((name for name, aliases in NUMPY_NAMES.items()
                 if keyword in aliases and name in signature.parameters), keyword)


def explain(func: Any, call: ast.Call, lines: list[str]) -> tuple[str, Span, str] | None:
    """(message, span, note) for a call whose arguments cannot bind to `func`; None if they can
    (the TypeError came from inside the callee) or the call site cannot say."""
    if isinstance(func, type) or any(isinstance(a, ast.Starred) for a in call.args) \
            or any(k.arg is None for k in call.keywords):
        return None  # classes check their own arguments; unpacked arguments are not countable here
    signature = signature_of(func)
    if signature is None:
        return None
    try:
        signature.bind(*[None] * len(call.args), **{_spelled(k.arg, signature): None for k in call.keywords})
    except TypeError as exc:
        message = str(exc)
    else:
        return None
    name = getattr(func, "__name__", "function")
    span = span_of(call, lines)
    params = signature.parameters
    if message.startswith("got an unexpected keyword argument"):
        bad = next((k for k in call.keywords if k.arg not in params), None)
        if bad is not None:
            span = span_of(bad, lines)
            message = did_you_mean(message, bad.arg, [p for p, v in params.items()
                                                       if v.kind not in (v.VAR_POSITIONAL, v.VAR_KEYWORD)])
    elif message == "too many positional arguments":
        capacity = sum(1 for p in params.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
        if capacity < len(call.args):
            span = span_of(call.args[capacity], lines)
        plural = "s" if capacity != 1 else ""
        message = f"takes {capacity} positional argument{plural} but {len(call.args)} were given"
    return f"{name}() {message}", span, f"signature: {name}{signature}"
