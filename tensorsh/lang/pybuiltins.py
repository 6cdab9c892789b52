"""Python's builtins as a program sees them, and the modules `math` and `random`.

Most are Python's own objects. A few are ours, where Python's would reach past the
sandbox or past the memory limit:

- `type(x)` takes one argument (three would build a class from a dict of anything);
- `hasattr` and `dir` see public attributes through the allow-lists;
- `format` bounds its widths; `pow` bounds integer results; `print` writes where the
  session says and takes `sep`, `end` and `flush`;
- `min`, `max`, `sum`, `abs`, `round`, `all`, `any` are Python's, as in any PyTorch
  program; where Python's would fail on a tensor (`round(t)`, `max(m)` of a matrix)
  or `dim=` is given, they are torch's (`torch.round(t)`, `torch.max(m)`);
- `exit()` and `quit()` end the program (or the REPL) with a status;
- math's `factorial`, `comb`, `perm` and `prod`, and random's `choices` and `sample`,
  refuse results beyond tensorsh's limits before computing them.
"""

from __future__ import annotations

import builtins as _py
import itertools
import math
import operator
import random
import sys
import types
from typing import Any, Callable

import numpy

from tensorsh.lang import guards, namespace
from tensorsh.lang.exits import ExitRequest
from tensorsh.lang.formatting import builtin_format
from tensorsh.lang.namespace import Namespace, attribute_names, get_attribute, range_length

# Python's own, unchanged.
PYTHON = ("bin", "bool", "callable", "chr", "classmethod", "complex", "dict", "divmod",
          "float", "frozenset", "hash", "hex", "id", "int", "isinstance", "issubclass",
          "len", "list", "next", "object", "oct", "ord", "property", "range", "repr", "reversed",
          "set", "slice", "sorted", "staticmethod", "str", "super", "tuple",
          "Ellipsis", "NotImplemented")
# Exceptions a program may raise and catch by name: all of Python's but the ones that end
# a program (exit() does). `except KeyboardInterrupt:` may be written, and catches nothing:
# Ctrl-C always stops a program (guards.catchable).
EXCEPTIONS = tuple(
    name for name, value in vars(_py).items()
    if isinstance(value, type) and issubclass(value, BaseException)
    and not issubclass(value, (SystemExit, GeneratorExit)))
# Python's builtins that are torch functions too: Python's wherever Python's works.
DUAL = ("abs", "all", "any", "max", "min", "round", "sum")


class map:  # noqa: N801 - it is the program's map
    """map(function, iterable, ...): function applied to the items, lazily.

    Python's own map and filter nest in C without a depth check, so a million nested maps
    overflow the C stack; these take their items in Python, where the recursion limit holds."""

    __module__ = "builtins"
    __slots__ = ("function", "items")

    def __init__(self, function, *iterables):
        if not iterables:
            raise TypeError("map() must have at least two arguments.")
        self.function = function
        self.items = _py.zip(*iterables)

    def __iter__(self):
        return self

    def __next__(self):
        return self.function(*next(self.items))


class filter:  # noqa: N801 - it is the program's filter
    """filter(function or None, iterable): the items for which function(item) is true."""

    __module__ = "builtins"
    __slots__ = ("function", "items")

    def __init__(self, function, iterable):
        self.function = bool if function is None else function
        self.items = _py.iter(iterable)

    def __iter__(self):
        return self

    def __next__(self):
        for item in self.items:
            if self.function(item):
                return item
        raise StopIteration


class zip(_py.zip):  # noqa: N801 - it is the program's zip
    """zip(*iterables, strict=False): Python's, which reads its items in C.

    Python's zip and enumerate nest in C without a depth check, so reading a million zips of
    zips overflows the C stack (a crash); these count how deeply they nest and refuse past the
    recursion limit, as nesting in Python code would. They are still C to iterate."""

    __module__ = "builtins"
    __slots__ = ("depth",)

    def __new__(cls, *iterables, strict=False):
        self = super().__new__(cls, *iterables, strict=strict)
        self.depth = _nesting(iterables)
        return self


class enumerate(_py.enumerate):  # noqa: N801 - it is the program's enumerate
    """enumerate(iterable, start=0): Python's, its nesting counted as zip's is."""

    __module__ = "builtins"
    __slots__ = ("depth",)

    def __new__(cls, iterable, start=0):
        self = super().__new__(cls, iterable, start)
        self.depth = _nesting((iterable,))
        return self


class callable_iterator:  # noqa: N801 - the class of iter(function, sentinel), as Python names it
    """iter(function, sentinel): function's results until one equals sentinel.

    Python's calls the function in C: `iter(int, 1)` never ends, and C code consuming it
    (`0.5 in it`, `set(it)`, `''.join(it)`) never looks at Ctrl-C. Here each item passes
    through Python code, where the interrupt is delivered."""

    __module__ = "builtins"
    __slots__ = ("function", "sentinel")

    def __init__(self, function, sentinel):
        self.function, self.sentinel = function, sentinel

    def __iter__(self):
        return self

    def __next__(self):
        if self.function is None:
            raise StopIteration
        value = self.function()
        if value == self.sentinel:
            self.function = None  # exhausted for good, as Python's is
            raise StopIteration
        return value


def iter(obj, *sentinel):  # noqa: A001 - it is the program's iter
    """iter(iterable) -> an iterator over it; iter(function, sentinel) -> function's results until
    one equals sentinel."""
    if not sentinel:
        return _py.iter(obj)
    if _py.len(sentinel) > 1:
        raise TypeError(f"iter expected at most 2 arguments, got {1 + _py.len(sentinel)}")
    if not callable(obj):
        raise TypeError("iter(v, w): v must be callable")
    return callable_iterator(obj, sentinel[0])


def _nesting(iterables: tuple) -> int:
    depth = 1 + _py.max((i.depth for i in iterables if isinstance(i, (zip, enumerate))), default=0)
    if depth > sys.getrecursionlimit():
        raise RecursionError("maximum recursion depth exceeded while nesting zip() and enumerate()")
    return depth


class ProgramType:
    """The program's `type`: type(obj) gives obj's class where a program may hold it — its own
    classes, Python's builtin ones, torch's and NumPy's scalar types — and an `OpaqueClass`
    standing for any other (a function's, a generator's, an ndarray's), which compares and
    checks instances like the class but cannot be called. Never Python's own `type`, which
    would build a class from a dict of anything: type(int) is this object itself."""

    def __call__(self, obj, *more):
        if more:
            raise TypeError("type() takes 1 argument in tensorsh (it does not build classes)")
        cls = _py.type(obj)
        if issubclass(cls, _py.type):
            return self
        if cls in _NAMED_CLASSES or namespace.is_program_class(cls) or namespace.is_engine_class(cls) \
                or issubclass(cls, numpy.generic):
            return cls
        return _opaque(cls)

    def __instancecheck__(self, obj) -> bool:
        return isinstance(obj, _py.type)

    def __repr__(self) -> str:
        return "<class 'type'>"


class OpaqueClass:
    """A class a program may see (`type(np.arange(3))`) and compare, but not call or look into."""

    __slots__ = ("cls",)

    def __init__(self, cls: type):
        self.cls = cls

    def __eq__(self, other) -> bool:
        return other is self.cls or (isinstance(other, OpaqueClass) and other.cls is self.cls)

    def __hash__(self) -> int:
        return hash(self.cls)

    def __instancecheck__(self, obj) -> bool:
        return isinstance(obj, self.cls)

    def __subclasscheck__(self, cls) -> bool:
        return issubclass(cls, self.cls)

    def __repr__(self) -> str:
        return repr(self.cls)


_OPAQUE: dict[type, OpaqueClass] = {}


def _opaque(cls: type) -> OpaqueClass:
    if cls not in _OPAQUE:
        _OPAQUE[cls] = OpaqueClass(cls)
    return _OPAQUE[cls]


type = ProgramType()  # noqa: A001 - it is the program's type

# Python's classes a program can name anyway (int, list, ValueError, ...), and None's.
_NAMED_CLASSES = frozenset([*(vars(_py)[name] for name in PYTHON + EXCEPTIONS if isinstance(vars(_py)[name], _py.type)),
                            map, filter, zip, enumerate, callable_iterator, _py.type(None), _py.type(...), _py.type(NotImplemented)])


def hasattr(obj, name):  # noqa: A001
    """hasattr(obj, name): whether obj has the public attribute name."""
    if not isinstance(name, str):
        raise TypeError("hasattr(): attribute name must be string")
    if name.startswith("_"):
        return False
    try:
        get_attribute(obj, name)
    except AttributeError:
        return False
    return True


def pow(base, exp, mod=None):  # noqa: A001
    """pow(base, exp, mod=None): base ** exp, modulo mod if given."""
    if mod is None:
        return guards.power(base, exp)
    return _py.pow(base, exp, mod)


def make_print(write: Callable[[str], Any], flush: Callable[[], Any] | None = None) -> Callable[..., None]:
    def print(*values, sep=" ", end="\n", flush=False):  # noqa: A001 - it is the program's print
        """print(*values, sep=' ', end='\\n', flush=False): write the values' str, separated by sep."""
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        if not isinstance(sep, str):
            raise TypeError(f"sep must be None or a string, not {_py.type(sep).__name__}")
        if not isinstance(end, str):
            raise TypeError(f"end must be None or a string, not {_py.type(end).__name__}")
        text = []
        try:
            for i, value in _py.enumerate(values):
                if i:
                    text.append(sep)
                text.append(str(value))
        except BaseException:
            write("".join(text))  # as Python's print, which writes each value as it goes
            raise
        write("".join(text) + end)
        if flush and flush_stream is not None:
            flush_stream()

    flush_stream = flush
    print.__qualname__ = "print"
    return print


# ---------------------------------------------------------------- reductions in pieces

# Python's sum, min, max, any, all and sorted loop in C over a range or a C iterator (iter,
# reversed, zip, enumerate of ranges), where Ctrl-C is not seen until they finish: over
# range(10**13), hours. So a long range, or any iterable that is not already in memory, goes
# to them in pieces of this many items, the interrupt delivered between pieces (milliseconds).
_PIECE = 1 << 20
_IN_MEMORY = (list, tuple, dict, set, frozenset, str, bytes, bytearray, numpy.ndarray)


def _pieces(items):
    if _py.type(items) is _py.range:
        for i in _py.range(0, range_length(items), _PIECE):
            yield items[i:i + _PIECE]
        return
    rest = _py.iter(items)
    while piece := _py.list(itertools.islice(rest, _PIECE)):
        yield piece


def _lazy(items) -> bool:
    """Whether Python's reductions would loop over items in C for as long as items last."""
    if _py.type(items) is _py.range:
        try:
            return len(items) > _PIECE
        except OverflowError:  # longer than sys.maxsize
            return True
    # Iterators written in C (iter, reversed, zip, enumerate); not generators, whose Python code
    # sees Ctrl-C, nor the program's own iterator classes.
    return not isinstance(items, (*_IN_MEMORY, types.GeneratorType)) and _py.type(items).__module__ == "builtins" \
        and _py.hasattr(_py.type(items), "__next__")


def _sum(items, start=0):
    if _py.type(items) is _py.range and _py.type(start) is int:  # the arithmetic series: exact
        n = range_length(items)
        return start + guards.mul(n, items[0] + items[-1]) // 2 if n else start
    for piece in _pieces(items):
        start = _py.sum(piece, start)  # as Python's sum: start + each item, in order
    return start


def _extreme(function: Callable) -> Callable:
    def extreme(items, *, key=None, **default):
        if _py.type(items) is _py.range and key is None and range_length(items):
            return function(items[0], items[-1])  # a range is monotonic: its extreme is an end
        # The first extreme item of the first piece that has it: Python's answer, ties too.
        best = [function(piece, key=key) for piece in _pieces(items)]
        return function(best, key=key, **default)

    return extreme


def _any(items):
    if _py.type(items) is _py.range:  # every item but 0 is true
        return range_length(items) > 1 or (range_length(items) == 1 and items[0] != 0)
    for item in items:  # one at a time, in Python: any() leaves the rest of an iterator unread
        if item:
            return True
    return False


def _all(items):
    if _py.type(items) is _py.range:
        return 0 not in items
    for item in items:
        if not item:
            return False
    return True


def _sorted(items, /, *, key=None, reverse=False):
    if _py.type(items) is _py.range:
        guards.check_size(8 * range_length(items), f"sorted(): a list of {range_length(items)} items")
    collected = []
    for piece in _pieces(items):
        guards.check_size(8 * (len(collected) + len(piece)), f"sorted(): a list of over {len(collected)} items")
        collected.extend(piece)
    collected.sort(key=key, reverse=reverse)
    return collected


# What each builtin does with a long range or a C iterator as its only positional argument
# (sum: and its start).
_IN_PIECES = {"sum": _sum, "min": _extreme(_py.min), "max": _extreme(_py.max), "any": _any, "all": _all,
              "sorted": _sorted}


def _lazy_call(name: str, args: tuple) -> bool:
    return name in _IN_PIECES and 1 <= len(args) <= (2 if name == "sum" else 1) and _lazy(args[0])


def _piecewise(name: str, function: Callable) -> Callable:
    """`function` (Python's builtin `name`), with a long range or a C iterator done in pieces."""
    in_pieces = _IN_PIECES[name]

    def piecewise(*args, **kwargs):
        if _lazy_call(name, args):
            return in_pieces(*args, **kwargs)
        return function(*args, **kwargs)

    piecewise.__name__ = piecewise.__qualname__ = name
    piecewise.__module__ = "builtins"
    piecewise.__wrapped__ = function
    piecewise.__doc__ = function.__doc__
    return piecewise


def _dual(name: str, torch_function: Callable | None, tensor_type: type | None) -> Callable:
    python_function = vars(_py)[name]

    def dual(*args, **kwargs):
        if torch_function is not None and "dim" in kwargs:
            return torch_function(*args, **kwargs)
        if _lazy_call(name, args):
            return _IN_PIECES[name](*args, **kwargs)
        try:
            return python_function(*args, **kwargs)
        except (TypeError, RuntimeError, ValueError):
            if torch_function is None or not args or not isinstance(args[0], tensor_type):
                raise
        return torch_function(*args, **kwargs)

    dual.__name__ = dual.__qualname__ = name
    dual.__module__ = "builtins"  # Python names it so in its messages: "max() argument after * ..."
    dual.__wrapped__ = python_function  # its signature, for help and for explaining a bad call
    dual.__doc__ = (f"{name}(...): Python's {name}; where Python's cannot take a tensor, or with dim=, "
                    f"torch.{name}.")
    return dual


class Exit:
    """exit() and quit(): end the program, or leave the REPL."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, code=0):
        raise ExitRequest(code if isinstance(code, int) else 1)

    def __repr__(self) -> str:
        return f"Use {self.name}() or Ctrl-D (i.e. EOF) to exit"


def make_dir(names: Callable[[], list[str]]) -> Callable:
    def dir(*obj):  # noqa: A001 - it is the program's dir()
        """dir([object]): the names in scope, or the public attributes of object, sorted."""
        if len(obj) > 1:
            raise TypeError(f"dir expected at most 1 argument, got {len(obj)}")
        return names() if not obj else attribute_names(obj[0])

    dir.__qualname__ = "dir"
    return dir


def python_builtins(torch: Namespace, write: Callable[[str], Any],
                    flush: Callable[[], Any] | None = None) -> dict[str, Any]:
    """Python's names, as a program sees them; torch's namesakes where Python's fail on tensors."""
    names = {name: vars(_py)[name] for name in PYTHON + EXCEPTIONS}
    names.update(type=type, hasattr=hasattr, pow=pow, format=builtin_format, print=make_print(write, flush),
                 map=map, filter=filter, zip=zip, enumerate=enumerate, iter=iter,
                 exit=Exit("exit"), quit=Exit("quit"))
    tensor_type = torch.members.get("Tensor", ())
    for name in DUAL:
        names[name] = _dual(name, torch.members.get(name), tensor_type)
    names["sorted"] = _piecewise("sorted", sorted)
    return names


# ---------------------------------------------------------------- math and random

def _digits_of_factorial(n: float) -> float:
    return math.lgamma(n + 1) / math.log(10) if n > 0 else 0.0


def _bounded(function: Callable, digits: Callable[..., float]) -> Callable:
    def bounded(*args):
        args = tuple(_as_int(a) for a in args)  # read once, as the function will use them
        if all(_py.type(a) is int for a in args) and digits(*args) > guards.MAX_INT_DIGITS:
            shown = f"{function.__name__}{args}" if len(args) <= 3 and len(repr(args)) <= 60 \
                else f"{function.__name__}() of {len(args)} numbers"
            raise OverflowError(f"{shown}: the result would have about {int(digits(*args))} digits, more than "
                                f"tensorsh's limit of {guards.MAX_INT_DIGITS}")
        return function(*args)

    bounded.__name__ = bounded.__qualname__ = function.__name__
    bounded.__doc__ = function.__doc__
    return bounded


def _as_int(value: Any) -> Any:
    try:
        return operator.index(value)
    except TypeError:
        return value  # math reports what is not an integer


def _comb_digits(n, k=None):
    if k is None or k < 0 or n < 0 or k > n:
        return 0.0
    return _digits_of_factorial(n) - _digits_of_factorial(k) - _digits_of_factorial(n - k)


def _perm_digits(n, k=None):
    if k is None:
        return _digits_of_factorial(n)
    if k < 0 or n < 0 or k > n:
        return 0.0
    return _digits_of_factorial(n) - _digits_of_factorial(n - k)


def _prod(iterable, *, start=1):
    """prod(iterable, *, start=1): the product of start and the items."""
    result = start
    for item in iterable:
        result = guards.mul(result, item)
    return result


def math_namespace() -> Namespace:
    members = {name: value for name, value in vars(math).items() if not name.startswith("_")}
    members["factorial"] = _bounded(math.factorial, lambda n: _digits_of_factorial(n))
    members["comb"] = _bounded(math.comb, _comb_digits)
    members["perm"] = _bounded(math.perm, _perm_digits)
    members["prod"] = _prod
    # lcm's result has at most the digits of all its arguments together.
    members["lcm"] = _bounded(math.lcm, lambda *numbers: sum(math.log10(abs(n)) if n else 0 for n in numbers))
    return Namespace("math", members)


_RANDOM = ("betavariate", "choice", "expovariate", "gammavariate", "gauss", "lognormvariate",
           "normalvariate", "paretovariate", "randint", "random", "randrange", "seed", "shuffle",
           "triangular", "uniform", "vonmisesvariate", "weibullvariate")


def _count(k: Any, what: str) -> Any:
    """A number of items to draw, as an int, bounded by the memory limit."""
    k = _as_int(k)
    if isinstance(k, int):
        guards.check_size(k * 8, f"{what}: a list of {k} items")
    return k


def _choices(population, weights=None, *, cum_weights=None, k=1):
    """choices(population, weights=None, *, cum_weights=None, k=1): k items drawn with replacement."""
    return random.choices(population, weights, cum_weights=cum_weights, k=_count(k, "choices"))


def _sample(population, k, *, counts=None):
    """sample(population, k, *, counts=None): k distinct items."""
    return random.sample(population, _count(k, "sample"), counts=counts)


def random_namespace() -> Namespace:
    members = {name: getattr(random, name) for name in _RANDOM}
    members.update(choices=_choices, sample=_sample)
    return Namespace("random", members)
