"""What the REPL says about a name: its one-line signature, its help, a value's summary.

Everything comes from the definitions themselves — the engine's op registry (`OPS`:
signature and docstring per op) first, Python's `inspect` for the rest — so completion
menus, the signature toolbar and `:help` always agree with what runs.

Dotted names are resolved by `resolve`, which only looks names up in the session and
reads attributes through the language's allow-lists (`namespace.get_attribute`): it
never calls anything a user typed, so completion cannot run code.
"""

from __future__ import annotations

import inspect
import types
from typing import Any

from tensorsh.engine.ops import registry
from tensorsh.lang import namespace
from tensorsh.lang.namespace import ENGINE_MODULES

_MAX = 72  # a meta column wider than this crowds the completion menu


def resolve(dotted: str, session) -> Any:
    """The value of `name` or `name.attr.attr` in the session; LookupError if it has none."""
    parts = [p.strip() for p in dotted.split(".")]
    head = parts[0]
    if head.startswith("_") and head != "_":
        raise LookupError(head)  # the runtime's own names (the guards), never a program's
    if head in session.variables:
        value = session.variables[head]
    elif head in session.builtins:
        value = session.builtins[head]
    else:
        raise LookupError(head)
    for part in parts[1:]:
        if not part.isidentifier() or part.startswith("_"):
            raise LookupError(part)
        if _computed_by_program(value, part):
            raise LookupError(part)  # completing or explaining must not run the program's code
        try:
            value = namespace.get_attribute(value, part)
        except Exception as exc:  # noqa: BLE001 - any failure means "no value to complete on"
            raise LookupError(part) from exc
    return value


def _computed_by_program(value: Any, name: str) -> bool:
    """Whether reading `value.name` would run the program's code: a property (or other data
    descriptor) of a class the program defined."""
    cls = value if isinstance(value, type) else type(value)
    if not any(namespace.is_program_class(c) for c in cls.__mro__):
        return False
    try:
        found = inspect.getattr_static(value, name)
    except AttributeError:
        return False  # an engine base's __getattr__ (a module's layers) answers: engine code
    return hasattr(type(found), "__get__") and not isinstance(found, (types.FunctionType, staticmethod,
                                                                      classmethod))


# ---------------------------------------------------------------- the op registry

def all_ops() -> dict:
    """The op registry: name -> entry."""
    return registry.OPS


def op_for(obj: Any):
    """The registry entry whose function, or generated form (`add_`, `__rpow__`), is `obj`, if any."""
    fn = getattr(obj, "__func__", obj)
    fn = getattr(fn, "__wrapped__", fn)
    for entry in registry.OPS.values():
        if entry.fn is fn:
            return entry
    return None


def op_named(name: str):
    """The registry entry a program reaches as `name` (its name, an alias, its in-place form), if any."""
    return registry.find(name)


# ---------------------------------------------------------------- signatures

def _inspect_signature(obj: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return None


def _drop_first(signature: inspect.Signature) -> inspect.Signature:
    params = list(signature.parameters.values())
    return signature.replace(parameters=params[1:])


def _generic(signature: inspect.Signature) -> bool:
    """True for `(*args, **kwargs)`: a wrapper that says nothing about its arguments."""
    kinds = [p.kind for p in signature.parameters.values() if p.name != "self"]
    return kinds == [inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD]


def signature_of(obj: Any, *, as_method: bool = False) -> inspect.Signature | None:
    """The call signature of a callable; `as_method` drops the tensor the method is called on.
    A generated form of an op (`sub_`) has its op's signature (inspect follows __wrapped__)."""
    fn = getattr(obj, "__func__", obj)
    signature = _inspect_signature(fn)
    if signature is None:
        return None
    # PyTorch's private parameters (`_stacklevel`) are no argument a program may pass.
    signature = signature.replace(parameters=[p.replace(annotation=_as_written(p.annotation))
                                              for p in signature.parameters.values() if not p.name.startswith("_")],
                                  return_annotation=_as_written(signature.return_annotation))
    params = list(signature.parameters.values())
    bound = fn is not obj and getattr(obj, "__self__", None) is not None
    if (as_method or bound or (params and params[0].name == "self")) and params:
        signature = _drop_first(signature)
    return signature


class _Written(str):
    """An annotation kept as text (the engine's modules postpone theirs): shown as written,
    `mode: bool`, not as the string's repr, `mode: 'bool'`."""

    def __repr__(self) -> str:
        return self.strip("'\"")


def _as_written(annotation: Any) -> Any:
    return _Written(annotation) if isinstance(annotation, str) else annotation


def signature_line(name: str, obj: Any, *, as_method: bool = False, width: int | None = _MAX) -> str:
    """`name(param, ...)` on one line, shortened to `width` (a completion menu's meta column)."""
    if isinstance(obj, type):  # its constructor's arguments: nn.Linear(in_features, out_features, ...)
        import inspect

        try:
            signature = inspect.signature(obj)
        except (TypeError, ValueError):
            text = f"class {name}"
        else:
            bare = [p.replace(annotation=p.empty) for p in signature.parameters.values()]
            text = f"class {name}{signature.replace(parameters=bare, return_annotation=signature.empty)}"
        return shorten(text, width) if width is not None else text
    signature = signature_of(obj, as_method=as_method)
    text = (f"{name}{signature}" if signature is not None else f"{name}(...)").replace("\n", " ")
    return shorten(text, width) if width is not None else text


def shorten(text: str, width: int = _MAX) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def first_line(doc: str | None) -> str:
    return (doc or "").strip().split("\n", 1)[0]


# ---------------------------------------------------------------- values

def _is_tensor(value: Any) -> bool:
    cls = type(value)
    return cls.__name__ == "Tensor" and cls.__module__.startswith(ENGINE_MODULES)


def _dtype_name(dtype: Any) -> str:
    return str(dtype).removeprefix("torch.")


def describe_value(value: Any) -> str:
    """A value in a few words: `tensor (2, 3) float32`, `ndarray (2, 5) int64`, `module torch`."""
    if _is_tensor(value):
        return f"tensor {tuple(value.shape)} {_dtype_name(value.dtype)}"
    if isinstance(value, namespace.Namespace):
        return f"module {value.name}"
    try:
        import numpy

        if isinstance(value, numpy.ndarray):
            return f"ndarray {value.shape} {value.dtype}"
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    if type(value).__name__ == "dtype" and type(value).__module__.startswith(ENGINE_MODULES):
        return "dtype"
    if isinstance(value, (bool, int, float, complex)):
        return shorten(f"{type(value).__name__} {value!r}", 40)
    if isinstance(value, str):
        return shorten(f"str {value!r}", 40)
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of {len(value)}"
    if value is None:
        return "None"
    return type(value).__name__


def meta_for(name: str, value: Any) -> str:
    """The menu's right-hand column for a name bound to `value`."""
    if isinstance(value, type):
        return f"class {name}"
    if callable(value) and not isinstance(value, namespace.Namespace):
        return signature_line(name, value)
    return describe_value(value)


def attribute_meta(owner: Any, name: str) -> str:
    """The meta for `owner.name`, found without evaluating the attribute.

    Tensor properties (`T`, `grad`, ...) are looked up on the class, statically; only
    module members, which are plain stored values, are read.
    """
    if isinstance(owner, namespace.Namespace):
        member = owner.members.get(name)
        return meta_for(name, member) if member is not None else ""
    static = _static_member(owner, name)
    if static is None:
        return ""
    if isinstance(static, property):
        return shorten(first_line(inspect.getdoc(static)) or "attribute")
    if isinstance(static, (staticmethod, classmethod)):
        static = static.__func__
    if callable(static):
        return signature_line(name, static, as_method=True)
    return describe_value(static)


def _static_member(owner: Any, name: str) -> Any:
    try:
        return inspect.getattr_static(type(owner), name)
    except AttributeError:
        return None
