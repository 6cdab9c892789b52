"""The functions a compiled program calls wherever Python would reach past the sandbox.

`compiler.py` rewrites the validated tree so that every attribute read, write and
delete, every `**mapping` in a call, every f-string field, every `except` clause and
class statement, every import, and the operators that can build huge values
(`*`, `**`, `<<`, `%`) call one of the functions below, by the names in `GUARDS`.
They live in the program's builtins, where no program can name them (the validator
refuses names that start with `_`). The policy itself (which attributes exist) is
`namespace`'s; what is here applies it and bounds resources:

- Python integers stay under MAX_INT_DIGITS digits (`10**10**10` fails at once);
- `'a' * n`, `[0] * n` (n an int, a NumPy integer or a 0-d tensor), `'%0999999999d' % 1`,
  `f'{x:>999999999}'` and NumPy broadcasting stay under the memory limit, checked before
  anything is allocated.
"""

from __future__ import annotations

import math
import operator
from typing import Any, Callable

import numpy

from tensorsh.engine import limits
from tensorsh.engine.tensor import Tensor
from tensorsh.lang import namespace
from tensorsh.lang.exits import ExitRequest
from tensorsh.lang.formatting import check_percent, format_field

# Python integers a program computes are bounded: Python's own limit for printing one
# (4300 digits), so `10**10**10` fails at once instead of working for hours.
MAX_INT_DIGITS = 4300
_MAX_INT_BITS = int(MAX_INT_DIGITS * math.log2(10))


# ---------------------------------------------------------------- operators

def _too_big(what: str) -> OverflowError:
    return OverflowError(f"{what}: more than tensorsh's limit of {MAX_INT_DIGITS} digits")


def _digits(log10: Callable[[], float]) -> str:
    """'about N digits' for a result of 10**log10(), however big."""
    try:
        return f"about {int(log10()) + 1} digits"
    except OverflowError:
        return "more digits than can be counted"


def _is_int(value: Any) -> bool:
    return type(value) is int or type(value) is bool


def _check_power(a: Any, b: Any) -> None:
    if _is_int(a) and _is_int(b) and abs(a) > 1 and b > 0 \
            and (b > _MAX_INT_BITS or b * math.log2(abs(a)) > _MAX_INT_BITS):
        shown = a if a.bit_length() < 64 else "an integer"
        raise _too_big(f"the result of {shown} ** {b if b.bit_length() < 64 else 'a huge exponent'} would "
                       f"have {_digits(lambda: b * math.log10(abs(a)))}")


def _check_shift(a: Any, b: Any) -> None:
    if _is_int(a) and _is_int(b) and a and b > 0 and a.bit_length() + b > _MAX_INT_BITS:
        raise _too_big(f"the result of << {b if b.bit_length() < 64 else 'a huge shift'} would have "
                       f"{_digits(lambda: math.log10(abs(a)) + b * math.log10(2))}")


_SEQUENCES = (str, bytes, bytearray, list, tuple)


def _checked_product(a: Any, b: Any) -> tuple[Any, Any]:
    """The operands of `a * b`, checked: integers bounded, a repetition's count read once
    (an __index__ could answer differently the second time) and bounded by the memory limit."""
    if _is_int(a) and _is_int(b):
        if a and b and a.bit_length() + b.bit_length() - 1 > _MAX_INT_BITS:
            raise _too_big(f"the product would have {_digits(lambda: math.log10(abs(a)) + math.log10(abs(b)))}")
    elif isinstance(a, _SEQUENCES) and not isinstance(b, _SEQUENCES):
        b = _checked_repetition(a, b)
    elif isinstance(b, _SEQUENCES) and not isinstance(a, _SEQUENCES):
        a = _checked_repetition(b, a)
    return a, b


def _checked_repetition(seq: Any, count: Any) -> Any:
    """`'a' * n` and `[0] * n`: the count as an int, refused if the result is beyond the memory limit."""
    if isinstance(count, numpy.ndarray):
        return count  # `[1, 2] * np.array(3)` is NumPy's elementwise product, not a repetition
    try:
        count = operator.index(count)
    except TypeError:
        if isinstance(count, Tensor):
            # PyTorch's multiplication declines a sequence, and Python then repeats it by the
            # tensor's __index__: its TypeError (a float tensor) is the one PyTorch reports.
            raise
        return count  # not a repetition: Python reports it
    text = isinstance(seq, (str, bytes, bytearray))
    length = real_length(seq)
    check_size(length * count * (1 if text else 8),
               f"a {type(seq).__name__} of {length * max(count, 0)} {'characters' if text else 'items'}")
    return count


def real_length(seq: Any) -> int:
    """A builtin sequence's length as Python's own operations see it, whatever __len__ a
    subclass (the program's, of torch.Size) claims."""
    base = next(b for b in (str, bytes, bytearray, list, tuple) if isinstance(seq, b))
    return base.__len__(seq)


def check_size(nbytes: int, what: str) -> None:
    """Refuse a Python value of nbytes beyond the memory limit, before it is built."""
    if nbytes > limits.max_memory():
        raise MemoryError(f"{what} would need {limits.human(nbytes)}, more than the memory limit of "
                          f"{limits.human(limits.max_memory())} (tensorsh --max-memory sets the limit)")


def _check_arrays(a: Any, b: Any, matmul: bool = False) -> None:
    """NumPy array arithmetic: refuse a broadcast result beyond the memory limit before NumPy allocates
    (a list operand is converted to an array: it counts as one)."""
    if not (type(a) is numpy.ndarray or type(b) is numpy.ndarray):
        return
    operands = namespace.array_operand(a), namespace.array_operand(b)
    if None in operands:
        return
    try:
        if matmul:
            shape = namespace.matmul_shape(operands[0][0], operands[1][0])
        else:
            shape = numpy.broadcast_shapes(operands[0][0], operands[1][0])
        dtype = numpy.result_type(operands[0][1], operands[1][1])
    except (ValueError, TypeError):
        return  # NumPy will raise its own error
    if shape is not None:
        limits.check_allocation(shape, dtype)


# An arithmetic operation with a tensor is the engine's, which checks the memory limit itself;
# a sequence repeated by a tensor is Python's, checked here.


def mul(a, b):
    a, b = _checked_product(a, b)
    if not (isinstance(a, Tensor) or isinstance(b, Tensor)):
        _check_arrays(a, b)
    return a * b


def imul(a, b):
    a, b = _checked_product(a, b)
    if not (isinstance(a, Tensor) or isinstance(b, Tensor)):
        _check_arrays(a, b)
    a *= b
    return a


def power(a, b):
    if not (isinstance(a, Tensor) or isinstance(b, Tensor)):
        _check_power(a, b)
        _check_arrays(a, b)
    return a ** b


def ipower(a, b):
    if not (isinstance(a, Tensor) or isinstance(b, Tensor)):
        _check_power(a, b)
        _check_arrays(a, b)
    a **= b
    return a


def lshift(a, b):
    _check_shift(a, b)
    _check_arrays(a, b)
    return a << b


def ilshift(a, b):
    _check_shift(a, b)
    _check_arrays(a, b)
    a <<= b
    return a


def mod(a, b):
    check_percent(a, b)
    _check_arrays(a, b)
    return a % b


def imod(a, b):
    check_percent(a, b)
    _check_arrays(a, b)
    a %= b
    return a


def matmul(a, b):
    if not (isinstance(a, Tensor) or isinstance(b, Tensor)):
        _check_arrays(a, b, matmul=True)
    return a @ b


def imatmul(a, b):
    if not (isinstance(a, Tensor) or isinstance(b, Tensor)):
        _check_arrays(a, b, matmul=True)
    a @= b
    return a


# The guarded operators by the AST class of their operator: binary, then in-place.
BINARY = {"Mult": mul, "Pow": power, "LShift": lshift, "Mod": mod, "MatMult": matmul}
INPLACE = {"Mult": imul, "Pow": ipower, "LShift": ilshift, "Mod": imod, "MatMult": imatmul}
_PLAIN_INPLACE = {
    "Add": operator.iadd, "Sub": operator.isub, "Div": operator.itruediv, "FloorDiv": operator.ifloordiv,
    "BitAnd": operator.iand, "BitOr": operator.ior, "BitXor": operator.ixor, "RShift": operator.irshift,
}


def augment(op: str, old, operand):
    """`old op= operand` (op: the AST class of the operator, 'Add'), guarded where it can build huge values."""
    return (INPLACE.get(op) or _PLAIN_INPLACE[op])(old, operand)


# ---------------------------------------------------------------- attributes and calls

def keyword_arguments(mapping):
    """`f(**mapping)`: its keys are keyword names, which never start with '_'. A copy is checked
    and passed on, so a mapping cannot show other keys the second time it is read."""
    copied = dict(mapping)
    for key in copied:
        if isinstance(key, str) and str.startswith(key, "_"):
            raise TypeError(f"keyword argument '{key}' starts with '_': such names are not part of tensorsh")
    return copied


# ---------------------------------------------------------------- exceptions and classes

# Exceptions a program cannot catch: Ctrl-C always stops it, and exit() always leaves.
_UNCATCHABLE = (KeyboardInterrupt, SystemExit, GeneratorExit, ExitRequest)


def catchable(types):
    """The classes an `except` clause catches: `except:` and `except BaseException` catch
    every Exception, never an interrupt or exit() (an except for those alone matches nothing)."""
    if types is None or types is BaseException:
        return Exception
    if isinstance(types, tuple):
        return tuple(c for t in types for c in _flat(catchable(t)))
    if isinstance(types, type) and issubclass(types, _UNCATCHABLE):
        return ()
    return types


def _flat(types) -> tuple:
    return types if isinstance(types, tuple) else (types,)


class _Interruptible:
    """A context manager of the program's, kept from swallowing Ctrl-C or exit() by its __exit__."""

    __slots__ = ("manager",)

    def __init__(self, manager):
        self.manager = manager

    def __enter__(self):
        return type(self.manager).__enter__(self.manager)

    def __exit__(self, kind, value, traceback):
        suppress = type(self.manager).__exit__(self.manager, kind, value, traceback)
        return bool(suppress) and not (kind is not None and issubclass(kind, _UNCATCHABLE))


_ENGINE_MANAGERS: set[type] = set()


def context(manager):
    """A `with` statement's manager: the engine's as they are (they never swallow an exception),
    any other wrapped so that it cannot swallow an interrupt."""
    kind = type(manager)
    if kind in _ENGINE_MANAGERS:
        return manager
    if namespace.is_engine_class(kind) and not namespace.is_program_class(kind):
        _ENGINE_MANAGERS.add(kind)
        return manager
    if not (hasattr(kind, "__enter__") and hasattr(kind, "__exit__")):
        raise TypeError(f"'{kind.__name__}' object does not support the context manager protocol")
    return _Interruptible(manager)


def bases(*classes):
    """A class statement's bases: the program's classes, `object`, the exception classes,
    and the engine's classes; never a metaclass."""
    for cls in classes:
        if not isinstance(cls, type):
            raise TypeError(f"a class can only build on classes, not on {type(cls).__name__!r} values")
        if issubclass(cls, type) or not (
                cls is object or issubclass(cls, Exception)
                or namespace.is_program_class(cls) or namespace.is_engine_class(cls)):
            raise TypeError(f"a class cannot build on {cls.__name__!r} in tensorsh: it may build on the "
                            "program's classes, object, Exception and its subclasses, and torch's classes")
    return classes


def register_class(cls: type) -> type:
    """Applied to every class a program makes, before its own decorators."""
    namespace.mark_program_class(cls)
    return cls


# ---------------------------------------------------------------- the names compiled code uses

GUARDS = {
    "_tsh_getattr": namespace.get_attribute,
    "_tsh_setattr": namespace.assign_attribute,
    "_tsh_delattr": namespace.delete_attribute,
    "_tsh_augment": augment,
    "_tsh_kwargs": keyword_arguments,
    "_tsh_format": format_field,
    "_tsh_catch": catchable,
    "_tsh_context": context,
    "_tsh_bases": bases,
    "_tsh_class": register_class,
    "_tsh_slice": slice,
    **{f"_tsh_{op}": fn for op, fn in BINARY.items()},
    **{f"_tsh_i{op}": fn for op, fn in INPLACE.items()},
}
