"""The names a tensorsh program sees, and the attributes it may reach on each value.

Nothing here hands a real Python module to user code: `torch`, `F`, `np` and the
modules reachable by `import` are `Namespace` objects of our own, read-only, holding
only public names. Attributes of other values go through an allow-list per type
(`attribute_table`), built from our own lists or from the public names of the
engine's classes, so user text only ever indexes a dict. No name or attribute that
starts with `_` exists.
"""

from __future__ import annotations

import math
import operator
import types
from typing import Any, Callable, Mapping

import numpy

from tensorsh.lang.errors import did_you_mean
from tensorsh.lang.formatting import SafeFormatter
from tensorsh.lang.exits import raise_pending_exit
from tensorsh.lang.validator import PROTOCOL


class Namespace:
    """A read-only, module-like bag of names (`torch`, `torch.nn.functional`, `np`)."""

    __slots__ = ("name", "members")

    def __init__(self, name: str, members: Mapping[str, Any]):
        self.name = name
        self.members = {k: v for k, v in members.items() if not k.startswith("_")}

    def __repr__(self) -> str:
        return f"<module '{self.name}'>"


class LazyNamespace(Namespace):
    """A Namespace whose members are made on first use: for modules costly to import
    (numpy.random) that most programs never touch."""

    __slots__ = ("_make", "_members")

    def __init__(self, name: str, make: Callable[[], Mapping[str, Any]]):
        self.name = name
        self._make = make
        self._members = None

    @property
    def members(self) -> dict:
        if self._members is None:
            self._members = {k: v for k, v in self._make().items() if not k.startswith("_")}
        return self._members


# ---------------------------------------------------------------- attributes

_NDARRAY = ("T", "all", "any", "argmax", "argmin", "astype", "clip", "copy", "cumsum", "dot", "dtype",
            "fill", "flatten", "imag", "item", "itemsize", "max", "mean", "min", "nbytes", "ndim",
            "prod", "ravel", "real", "reshape", "round", "shape", "size", "squeeze", "std", "sum",
            "swapaxes", "tolist", "transpose", "var")
_NUMPY_SCALAR = ("astype", "dtype", "imag", "item", "itemsize", "ndim", "real", "shape", "size", "tolist")
_NUMPY_DTYPE = ("char", "itemsize", "kind", "name", "str")
_STR = ("capitalize", "casefold", "center", "count", "endswith", "expandtabs", "find", "index", "isalnum",
        "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric", "isprintable",
        "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition", "removeprefix",
        "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split",
        "splitlines", "startswith", "strip", "swapcase", "title", "upper", "zfill")  # `format` is SafeFormatter's: its fields reach attributes
_SIZED_STR = ("center", "expandtabs", "format", "ljust", "replace", "rjust", "zfill")
_LIST = ("append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort")
_TUPLE = ("count", "index")
_INT = ("bit_length", "conjugate", "denominator", "imag", "numerator", "real")
_FLOAT = ("conjugate", "imag", "is_integer", "real")
_COMPLEX = ("conjugate", "imag", "real")
_DICT = ("clear", "copy", "get", "items", "keys", "pop", "popitem", "setdefault", "update", "values")
_SET = ("add", "clear", "copy", "difference", "difference_update", "discard", "intersection",
        "intersection_update", "isdisjoint", "issubset", "issuperset", "pop", "remove",
        "symmetric_difference", "symmetric_difference_update", "union", "update")
_FROZENSET = ("copy", "difference", "intersection", "isdisjoint", "issubset", "issuperset",
              "symmetric_difference", "union")
_EXCEPTION = ("args",)
_SLICE = ("indices", "start", "step", "stop")
_PROPERTY = ("deleter", "getter", "setter")
_RANGE = ("count", "index", "start", "step", "stop")

_PYTHON_TABLES: dict[type, tuple[str, ...]] = {
    str: _STR, list: _LIST, tuple: _TUPLE, bool: _INT, int: _INT, float: _FLOAT, complex: _COMPLEX,
    dict: _DICT, range: _RANGE, numpy.ndarray: _NDARRAY, set: _SET, frozenset: _FROZENSET,
    BaseException: _EXCEPTION, slice: _SLICE, property: _PROPERTY,
}

# Attributes a program may assign (`w.grad = None`, `x.requires_grad = True`).
_TENSOR_SETTABLE = ("data", "grad", "requires_grad")

_tables: dict[type, dict[str, Callable[[Any], Any]]] = {}

# Where the engine's classes live: its modules, or `torch` for the public classes that say
# so, as PyTorch's do (`type(t)` shows `<class 'torch.Tensor'>`).
ENGINE_MODULES = ("tensorsh.engine", "torch")

# The classes a program defines carry this mark (set as each class statement finishes, under
# a name no program can write): their attributes are the program's own, looked up directly
# rather than through a table, and they may be built on.
_PROGRAM_CLASS = "_tsh_program_class"


def mark_program_class(cls: type) -> None:
    setattr(cls, _PROGRAM_CLASS, True)


def is_program_class(cls: Any) -> bool:
    """A class the program defined (or one built on such a class)."""
    return isinstance(cls, type) and getattr(cls, _PROGRAM_CLASS, False) is True


def _is_user_value(value: Any) -> bool:
    """A class of the program's, an instance of one, or `super()` inside one."""
    cls = type(value)
    return cls is super or is_program_class(cls) or is_program_class(value)


def _getters(names) -> dict[str, Callable[[Any], Any]]:
    # The names come from our lists or our own classes, never from user text.
    return {name: operator.attrgetter(name) for name in names if not name.startswith("_")}


def is_engine_class(cls: type) -> bool:
    """A class of the engine's, or built on one, that a program may hold as a class (call, build
    on, read the public names of): not the autograd graph's nodes (see _node_attributes)."""
    known = _ENGINE_CLASSES.get(cls)
    if known is None:
        known = _ENGINE_CLASSES[cls] = any(getattr(c, "__module__", "").startswith(ENGINE_MODULES)
                                           for c in cls.__mro__[:-1]) and _node_attributes(cls) is None
    return known


_ENGINE_CLASSES: dict[type, bool] = {}

# A tensor's grad_fn shows programs PyTorch's public Node API only: the engine's nodes also hold
# backward closures and saved tensors with the version counters that detect in-place changes.
# Their class is out of reach too (not an engine class above, so type(grad_fn) cannot be called
# or built on), as PyTorch's node classes can be neither instantiated nor subclassed.
_NODE = ("metadata", "name", "next_functions", "register_hook", "register_prehook")
_ACCUMULATE_GRAD = (*_NODE, "variable")


def _node_attributes(cls: type) -> tuple[str, ...] | None:
    """The attributes a program may read on instances of cls, if cls is an autograd node class."""
    if not getattr(cls, "__module__", "").startswith(ENGINE_MODULES):
        return None  # nodes are the engine's own, never built on by a program
    from tensorsh.engine.autograd import AccumulateGrad, Node

    if issubclass(cls, AccumulateGrad):
        return _ACCUMULATE_GRAD
    return _NODE if issubclass(cls, Node) else None


def _engine_public_names(cls: type) -> list[str]:
    return [name for name in dir(cls) if not name.startswith("_")]


def attribute_table(value: Any) -> Mapping[str, Callable[[Any], Any]]:
    """The attributes a program may read on `value`, as name -> getter."""
    if isinstance(value, Namespace):
        return {name: (lambda _, v=member: v) for name, member in value.members.items()}
    if _is_user_value(value):  # the program's own classes change as it runs: never cached
        return _getters(n for n in dir(value) if not n.startswith("_")
                        and (not isinstance(value, type) or _defined_by_class(value, n)))
    cls = type(value)
    table = _tables.get(cls)
    if table is None:
        table = _build_table(value, cls)
        if not isinstance(value, type):  # classes are keyed by their own metaclass: not cacheable
            _tables[cls] = table
    return table


def _check_string_size(length: int) -> None:
    from tensorsh.engine.limits import human, max_memory

    if length > max_memory():
        raise MemoryError(f"a string of {length} characters would need {human(length)}, more than the memory "
                          f"limit of {human(max_memory())} (tensorsh --max-memory sets the limit)")


def _index(value: Any) -> Any:
    """An integer argument as an int (NumPy integers, 0-d tensors, __index__), else as it was."""
    try:
        return operator.index(value)
    except TypeError:
        return value


def _padding(name: str) -> Callable[[str], Callable]:
    """str.center/ljust/rjust/zfill with the width checked against the memory limit first."""
    def getter(text: str) -> Callable:
        method = getattr(text, name)  # name: one of our four constants

        def pad(width, *fill):
            width = _index(width)  # read once: an __index__ may not answer the same twice
            if isinstance(width, int):
                _check_string_size(width)
            return method(width, *fill)

        pad.__name__ = name
        pad.__qualname__ = f"str.{name}"
        return pad

    return getter


def _expandtabs(text: str) -> Callable:
    def expandtabs(tabsize=8):
        tabsize = _index(tabsize)
        if isinstance(tabsize, int):
            _check_string_size(len(text) + text.count("\t") * max(tabsize, 0))
        return text.expandtabs(tabsize)

    expandtabs.__qualname__ = "str.expandtabs"
    return expandtabs


def _replace(text: str) -> Callable:
    def replace(old, new, count=-1):
        count = _index(count)
        if isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
            times = text.count(old) if old else len(text) + 1
            if isinstance(count, int) and count >= 0:
                times = min(times, count)
            _check_string_size(len(text) + times * (len(new) - len(old)))
        return text.replace(old, new, count)

    replace.__qualname__ = "str.replace"
    return replace


def _build_table(value: Any, cls: type) -> dict[str, Callable[[Any], Any]]:
    if isinstance(value, type):
        if is_engine_class(value):
            return _getters(_engine_public_names(value))
        # Python's own types: their methods unbound (`key=str.lower`), and dict.fromkeys; not the
        # ones whose size checks only the bound forms make (str.center(s, 10**9)).
        names = tuple(n for n in _PYTHON_TABLES.get(value, ()) if n not in _SIZED_STR)
        return _getters(names + ("fromkeys",) if value is dict else names)
    if is_engine_class(cls):
        return _getters(_engine_public_names(cls))
    node_names = _node_attributes(cls)
    if node_names is not None:
        return _getters(node_names)
    if isinstance(value, str):
        table = _getters(_STR)
        table.update({name: _padding(name) for name in ("center", "ljust", "rjust", "zfill")})
        table["expandtabs"] = _expandtabs
        table["replace"] = _replace
        table["format"] = _FORMATTER.method
        return table
    for base, names in _PYTHON_TABLES.items():
        if isinstance(value, base):
            table = _getters(names)
            if base is numpy.ndarray:
                table["astype"] = lambda array: _without_objects(array.astype)
            return table
    if isinstance(value, numpy.generic):
        return _getters(_NUMPY_SCALAR)
    if isinstance(value, numpy.dtype):
        return _getters(_NUMPY_DTYPE)
    return {}


_FORMATTER = SafeFormatter(lambda value, name: get_attribute(value, name))


def attribute_names(value: Any) -> list[str]:
    """The sorted attribute names of a value, for completion and suggestions."""
    return sorted(attribute_table(value))


def _type_name(value: Any) -> str:
    if isinstance(value, Namespace):
        return f"module '{value.name}'"
    return f"'{type(value).__name__}' object"


def get_attribute(value: Any, name: str) -> Any:
    """`value.name` through the allow-list; AttributeError (with a suggestion) otherwise."""
    cls = type(value)
    table = _tables.get(cls)
    if table is not None:
        getter = table.get(name)
        if getter is not None:
            return getter(value)
    elif cls is Namespace or cls is LazyNamespace:
        members = value.members
        if name in members:
            return members[name]
        raise AttributeError(did_you_mean(f"{_type_name(value)} has no attribute '{name}'", name, members))
    elif _is_user_value(value):
        return _user_attribute(value, name)
    if name.startswith("_"):
        raise AttributeError(f"{_type_name(value)} attribute '{name}' is not available in tensorsh")
    table = attribute_table(value)
    getter = table.get(name)
    if getter is None:
        if name in dir(cls):  # real, but not on the allow-list
            raise AttributeError(f"{_type_name(value)} attribute '{name}' is not available in tensorsh")
        raise AttributeError(did_you_mean(f"{_type_name(value)} has no attribute '{name}'", name, table))
    return getter(value)


def _user_attribute(value: Any, name: str) -> Any:
    """An attribute of a user class, of its instances, or of `super()`: the names the program's
    classes define and the public names of the classes they build on; the protocol methods
    (`super().__init__`) only on classes and `super()`."""
    if name.startswith("_") and not (name in PROTOCOL and isinstance(value, (type, super))):
        raise AttributeError(f"{_type_name(value)} attribute '{name}' is not available in tensorsh")
    if type(value) is super and not is_program_class(value.__thisclass__):
        # super(C, obj) looks past C into obj's classes: only from the program's own classes.
        raise AttributeError(f"super() of '{value.__thisclass__.__name__}' is not available in tensorsh: "
                             "only super() inside the program's own classes")
    if isinstance(value, type) and not name.startswith("_") and not _defined_by_class(value, name):
        raise AttributeError(did_you_mean(f"type object '{value.__name__}' has no attribute '{name}'", name,
                                          dir(value)))
    try:
        return getattr(value, name)  # name: from the program's text, checked above and by the validator
    except AttributeError as exc:
        if exc.obj is not value or type(value) is super:
            raise
        raise AttributeError(did_you_mean(f"{_type_name(value)} has no attribute '{name}'", name,
                                          [n for n in dir(value) if not n.startswith("_")])) from None


def _defined_by_class(cls: type, name: str) -> bool:
    """Whether a class or one of its bases (not its metaclass, not `object`) defines `name`."""
    return any(name in vars(c) for c in cls.__mro__[:-1])


_ANY_NAME = ("any public name",)
_SETTABLE: dict[type, tuple[str, ...]] = {}


def _settable(cls: type) -> tuple[str, ...]:
    """What a program may assign on instances of cls: any public name on its own classes'."""
    if is_program_class(cls):
        return _ANY_NAME
    return _TENSOR_SETTABLE if is_engine_class(cls) and hasattr(cls, "requires_grad") else ()


def assign_attribute(new: Any, value: Any, name: str) -> None:
    """`value.name = new` for a user class or its instances, and the few attributes of tensors
    a program may assign (`w.grad = None`). The new value comes first, as Python evaluates it
    before the object it is assigned on."""
    cls = type(value)
    settable = _SETTABLE.get(cls)
    if settable is None:
        settable = _SETTABLE[cls] = _settable(cls)
    if settable is _ANY_NAME or is_program_class(value):
        setattr(value, name, new)  # name: public, checked by the validator
        return
    if name not in settable:
        if name in attribute_table(value):
            raise AttributeError(f"attribute '{name}' of {_type_name(value)} is read-only")
        raise AttributeError(did_you_mean(f"{_type_name(value)} has no attribute '{name}'", name,
                                          attribute_table(value)))
    # `name` is one of our three constants by now.
    if name == "data":
        value.data = new
    elif name == "grad":
        value.grad = new
    else:
        value.requires_grad = new


def delete_attribute(value: Any, name: str) -> None:
    """`del value.name`: only on user classes and their instances."""
    if type(value) is not super and _is_user_value(value):
        delattr(value, name)
        return
    raise AttributeError(f"cannot delete attribute '{name}' of {_type_name(value)}")


# ---------------------------------------------------------------- the engine as modules

# Engine submodules that are PyTorch API; every other module inside the engine is implementation.
_SUBMODULES = ("nn", "nn.functional", "autograd", "cuda", "linalg")


def _public_members(obj: Any, path: str) -> dict[str, Any]:
    """The public names of an engine module or namespace object, submodules wrapped."""
    names = getattr(obj, "__all__", None)
    if names is None:
        names = [n for n in (vars(obj) if hasattr(obj, "__dict__") else dir(obj)) if not n.startswith("_")]
    members = {}
    for name in names:
        if name.startswith("_") or not hasattr(obj, name):
            continue
        member = getattr(obj, name)
        sub = f"{path}.{name}".partition(".")[2]
        if _is_module_like(member) or (isinstance(member, type) and sub in _SUBMODULES):
            if sub in _SUBMODULES:  # a module, or a class the engine uses as one (torch.cuda)
                members[name] = Namespace(f"{path}.{name}", _public_members(member, f"{path}.{name}"))
            continue  # implementation modules (ops, printing, numpy itself) stay hidden
        if _exportable(member):
            members[name] = member
    return members


def _exportable(member: Any) -> bool:
    """Engine-defined functions, classes and instances, and plain constants; not helpers it imported."""
    if isinstance(member, (bool, int, float, complex, str)) or member is None:
        return True
    if isinstance(member, (type, types.FunctionType, types.BuiltinFunctionType)):
        return getattr(member, "__module__", "").startswith(ENGINE_MODULES)
    return type(member).__module__.startswith(ENGINE_MODULES)


def _is_module_like(value: Any) -> bool:
    return isinstance(value, (types.ModuleType, types.SimpleNamespace))


def engine_namespace() -> Namespace:
    """`torch`: the engine's public names and its submodules nn, nn.functional, autograd, cuda."""
    from tensorsh import engine  # imported when a program first needs torch, not at start-up

    return Namespace("torch", _public_members(engine, "torch"))


# ---------------------------------------------------------------- NumPy subset

_NUMPY_FUNCTIONS = (
    "abs", "allclose", "arange", "argmax", "argmin", "array", "array_equal", "asarray", "ceil", "clip",
    "concatenate", "cos", "cumsum", "dot", "exp", "expand_dims", "eye", "floor", "full", "full_like",
    "hstack", "isclose", "linspace", "log", "matmul", "max", "maximum", "mean", "min", "minimum",
    "ones", "ones_like", "prod", "reshape", "round", "sign", "sin", "sort", "sqrt", "squeeze", "stack",
    "std", "sum", "tanh", "transpose", "unique", "var", "vstack", "where", "zeros", "zeros_like",
    # dtypes and constants
    "bool_", "complex128", "complex64", "e", "float16", "float32", "float64", "inf", "int16", "int32",
    "int64", "int8", "nan", "newaxis", "pi", "uint8",
)
_NUMPY_RANDOM = ("normal", "permutation", "rand", "randint", "randn", "random", "seed", "uniform")


def _count(shape) -> tuple:
    """A NumPy shape argument (an int or a sequence of ints) as a tuple, for the memory check."""
    if shape is None:
        return ()
    if isinstance(shape, (int, numpy.integer)):
        return (int(shape),)
    try:
        return tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        return ()  # not a shape: NumPy reports it


def _arange_length(start, stop=None, step=1, *_, **__) -> int:
    if stop is None:
        start, stop = 0, start
    try:
        return max(0, math.ceil((float(stop) - float(start)) / float(step)))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return 0


def _total(arrays) -> int:
    try:
        return sum(int(numpy.size(a)) for a in arrays)
    except (TypeError, ValueError):
        return 0


def _last_shape(*args, size=None, **_):
    return _count(size if size is not None else (args[-1] if len(args) >= 3 else None))


# How big the result of each NumPy function that builds arrays from sizes would be, from its
# arguments: (shape, dtype). NumPy allocates lazily, so without this `np.ones((50000, 50000))`
# would reach far past the memory limit.
_NUMPY_RESULT_SIZE: dict[str, Callable[..., tuple]] = {
    "zeros": lambda shape, dtype=float, *_, **__: (_count(shape), dtype),
    "ones": lambda shape, dtype=None, *_, **__: (_count(shape), dtype),
    "full": lambda shape, fill_value=0, dtype=None, *_, **__: (
        _count(shape), numpy.array(fill_value).dtype if dtype is None else dtype),
    "eye": lambda N, M=None, *_, dtype=float, **__: ((int(N), int(N if M is None else M)), dtype),
    "arange": lambda *args, dtype=None, **kwargs: ((_arange_length(*args, **kwargs),), dtype),
    "linspace": lambda start, stop, num=50, *_, dtype=None, **__: ((int(num),), dtype),
    "concatenate": lambda arrays, *_, dtype=None, **__: ((_total(arrays),), dtype),
    "stack": lambda arrays, *_, dtype=None, **__: ((_total(arrays),), dtype),
    "hstack": lambda arrays, *_, dtype=None, **__: ((_total(arrays),), dtype),
    "vstack": lambda arrays, *_, dtype=None, **__: ((_total(arrays),), dtype),
    "random.rand": lambda *dims: (_count(dims), None),
    "random.randn": lambda *dims: (_count(dims), None),
    "random.random": lambda size=None: (_count(size), None),
    "random.normal": lambda *args, **kwargs: (_last_shape(*args, **kwargs), None),
    "random.uniform": lambda *args, **kwargs: (_last_shape(*args, **kwargs), None),
    "random.randint": lambda *args, dtype=None, **kwargs: (_last_shape(*args, **kwargs), dtype),
    "random.permutation": lambda x: (_count(x if isinstance(x, (int, numpy.integer)) else None), None),
}


def _guarded(name: str, function: Callable) -> Callable:
    """`function` with the memory limit checked on its result's size first."""
    result_size = _NUMPY_RESULT_SIZE[name]

    def guarded(*args, **kwargs):
        try:
            shape, dtype = result_size(*args, **kwargs)
            dtype = numpy.dtype(float if dtype is None else dtype)
        except (TypeError, ValueError, OverflowError):
            shape, dtype = (), None  # arguments NumPy will refuse with its own message
        if dtype is not None and all(d >= 0 for d in shape):
            from tensorsh.engine.limits import check_allocation

            check_allocation(shape, dtype)
        return function(*args, **kwargs)

    guarded.__name__ = function.__name__
    guarded.__doc__ = function.__doc__
    return guarded


def _numpy_member(name: str, function: Any) -> Any:
    if not callable(function) or isinstance(function, type):
        return function  # constants and scalar types (np.pi, np.float32)
    return _without_objects(_guarded(name, function) if name in _NUMPY_RESULT_SIZE else function)


def _check_no_objects(result: Any) -> Any:
    if isinstance(result, numpy.ndarray) and result.dtype.hasobject:
        raise TypeError("arrays of Python objects (dtype=object) are not part of tensorsh: NumPy works on them "
                        "in C code that no limit or Ctrl-C reaches")
    return result


def _without_objects(function: Callable) -> Callable:
    """`function`, refusing to hand the program an array of Python objects, and passing on an
    exit() that NumPy's conversion of the program's objects swallowed."""
    def checked(*args, **kwargs):
        try:
            result = function(*args, **kwargs)
        finally:
            raise_pending_exit()
        return _check_no_objects(result)

    checked.__name__ = checked.__qualname__ = function.__name__
    checked.__doc__ = function.__doc__
    return checked


def numpy_namespace() -> Namespace:
    """`np`: a NumPy subset returning real NumPy arrays (no file, pickle or callback functions)."""
    members = {name: _numpy_member(name, getattr(numpy, name)) for name in _NUMPY_FUNCTIONS
               if hasattr(numpy, name)}
    members["random"] = LazyNamespace(
        "numpy.random", lambda: {name: _numpy_member(f"random.{name}", getattr(numpy.random, name))
                                 for name in _NUMPY_RANDOM})
    return Namespace("numpy", members)


# ---------------------------------------------------------------- grad

def make_grad(torch: Namespace) -> Callable[..., Any] | None:
    autograd = torch.members.get("autograd")
    if not isinstance(autograd, Namespace) or "grad" not in autograd.members:
        return None
    autograd_grad = autograd.members["grad"]
    tensor_type = torch.members.get("Tensor")

    def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
        """grad(outputs, inputs): gradients of outputs w.r.t. inputs, like torch.autograd.grad,
        except that a single tensor in gives a single tensor out."""
        single = tensor_type is not None and isinstance(inputs, tensor_type)
        options = {}
        if grad_outputs is not None:
            options["grad_outputs"] = grad_outputs
        if retain_graph is not None:
            options["retain_graph"] = retain_graph
        if create_graph:
            options["create_graph"] = create_graph
        if allow_unused:
            options["allow_unused"] = allow_unused
        result = autograd_grad(outputs, inputs, **options)
        return result[0] if single else result

    return grad
