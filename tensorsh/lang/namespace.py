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
import sys
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


# type(torch) shows <class 'module'>, as in Python
for _cls in (Namespace, LazyNamespace):
    _cls.__module__ = "builtins"
    _cls.__name__ = _cls.__qualname__ = "module"


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
    """A class of the program's, an instance of one, `super()` inside one, or an instance of an
    engine class whose attributes are per instance, as a program's objects' are (an nn.Module's
    layers and parameters: see _open)."""
    cls = type(value)
    return cls is super or is_program_class(cls) or is_program_class(value) or _open(cls)


def _open(cls: type) -> bool:
    """An engine class whose instances a program reads and assigns like its own objects: it says
    so with `_public_instance_attributes` (nn.Module, the optimizers, data loaders), or the
    backend names it (register_backend_classes)."""
    return (getattr(cls, "_public_instance_attributes", False) is True and is_engine_class(cls)) \
        or (bool(_BACKEND_OPEN) and issubclass(cls, _BACKEND_OPEN))


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


_NODE_MODULES = (*ENGINE_MODULES, "builtins")  # PyTorch's node classes are in no module: <class 'ExpBackward0'>


def _node_attributes(cls: type) -> tuple[str, ...] | None:
    """The attributes a program may read on instances of cls, if cls is an autograd node class."""
    if not getattr(cls, "__module__", "").startswith(_NODE_MODULES):
        return None  # nodes are the engine's own, never built on by a program
    for base, names in _BACKEND_NODES:
        if issubclass(cls, base):
            return names
    autograd = sys.modules.get("tensorsh.engine.autograd")
    if autograd is None:
        return None  # no node exists before the engine is imported (and a `str` must not import it)
    if issubclass(cls, autograd.AccumulateGrad):
        return _ACCUMULATE_GRAD
    return _NODE if issubclass(cls, autograd.Node) else None


def _engine_public_names(cls: type) -> list[str]:
    refused = refused_attributes(cls)
    return [name for name in dir(cls) if not name.startswith("_") and name not in refused]


# ---------------------------------------------------------------- another backend's classes

# `--backend torch` (torch_backend) registers the classes the rules here know by the engine's own
# marks: its autograd nodes (with the names each shows), the classes whose instances are open as a
# program's objects are, and the attributes of its classes that no program may reach. Empty on the
# default path, which never imports torch.
_BACKEND_NODES: list[tuple[type, tuple[str, ...]]] = []
_BACKEND_OPEN: tuple[type, ...] = ()
_BACKEND_REFUSED: dict[type, tuple[str, ...]] = {}
_REFUSED_BY_CLASS: dict[type, frozenset] = {}


def register_backend_classes(nodes, open_bases, refused: Mapping[type, tuple[str, ...]]) -> None:
    global _BACKEND_OPEN
    _BACKEND_NODES[:] = nodes
    _BACKEND_OPEN = tuple(open_bases)
    _BACKEND_REFUSED.update(refused)


def refused_attributes(cls: type) -> frozenset:
    """The public attributes of cls (and of its bases) the backend refuses."""
    if not _BACKEND_REFUSED:
        return frozenset()
    found = _REFUSED_BY_CLASS.get(cls)
    if found is None:
        found = _REFUSED_BY_CLASS[cls] = frozenset(n for c in cls.__mro__ for n in _BACKEND_REFUSED.get(c, ()))
    return found


def _refused_for(value: Any, name: str) -> bool:
    """Whether `value.name` is one the backend refuses (unless the program's own class defines it)."""
    if type(value) is super:
        cls = value.__self_class__ or value.__thisclass__
    else:
        cls = value if isinstance(value, type) else type(value)
    return name in refused_attributes(cls) and not _defined_by_program(cls, name)


def attribute_table(value: Any) -> Mapping[str, Callable[[Any], Any]]:
    """The attributes a program may read on `value`, as name -> getter."""
    if isinstance(value, Namespace):
        return {name: (lambda _, v=member: v) for name, member in value.members.items()}
    if _is_user_value(value):  # the program's own classes change as it runs: never cached
        return _getters(n for n in dir(value) if not n.startswith("_")
                        and not (_BACKEND_REFUSED and _refused_for(value, n))
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
            return {name: _method_getter(name) for name in _engine_public_names(value)}
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
            return _ndarray_table() if base is numpy.ndarray else _getters(names)
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
        if name in PROTOCOL and isinstance(value, type) and is_engine_class(value):
            return _engine_protocol_method(value, name)  # nn.Module.__init__(self)
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
    if name.startswith("_") and isinstance(value, type) and not _defined_by_program(value, name):
        return _engine_protocol_method(value, name)
    if _BACKEND_REFUSED and _refused_for(value, name):  # the first test: the default path's lookups stay as fast
        raise AttributeError(f"{_type_name(value)} attribute '{name}' is not available in tensorsh")
    if type(value) is super and not is_program_class(value.__thisclass__):
        # super(C, obj) looks past C into obj's classes: only from the program's own classes.
        raise AttributeError(f"super() of '{value.__thisclass__.__name__}' is not available in tensorsh: "
                             "only super() inside the program's own classes")
    if isinstance(value, type) and not name.startswith("_") and not _defined_by_class(value, name):
        raise AttributeError(did_you_mean(f"type object '{value.__name__}' has no attribute '{name}'", name,
                                          dir(value)))
    try:
        found = getattr(value, name)  # name: from the program's text, checked above and by the validator
    except AttributeError as exc:
        if exc.obj is not value or type(value) is super:
            raise
        raise AttributeError(did_you_mean(f"{_type_name(value)} has no attribute '{name}'", name,
                                          [n for n in dir(value) if not n.startswith("_")])) from None
    if isinstance(value, type):
        return _checked_method(value, value.__mro__, name, found)
    if type(value) is super and isinstance(value.__self__, type):  # super(C, C): unbound, as off a class
        mro = value.__self_class__.__mro__
        return _checked_method(value.__self_class__, mro[mro.index(value.__thisclass__) + 1:], name, found)
    return found


# ---------------------------------------------------------------- methods read off a class

class UnboundMethod:
    """A method an engine class defines, read off a class (`StepLR.state_dict`,
    `nn.Module.__init__`, `super(Net, Net).train`). Python hands out the plain function, which
    takes any `self`; given a foreign one (`object`, a function) an engine method reads or
    writes that object's insides (`vars(self)`). This one takes only instances of the class it
    was read from, as CPython's own method descriptors do (`str.lower(1)` is a TypeError)."""

    def __init__(self, owner: type, function: types.FunctionType):
        self._owner, self._function = owner, function
        self.__name__, self.__qualname__, self.__doc__ = function.__name__, function.__qualname__, function.__doc__
        self.__wrapped__ = function  # for inspect.signature: help and completion show the parameters

    def __call__(self, *args, **kwargs):
        if not args:
            raise TypeError(f"unbound method {self.__qualname__}() needs an argument")
        if not isinstance(args[0], self._owner):
            raise TypeError(f"descriptor '{self.__name__}' for '{self._owner.__name__}' objects doesn't apply to "
                            f"a '{type(args[0]).__name__}' object")
        return self._function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<function {self.__qualname__}>"


def _checked_method(owner: type, mro: tuple[type, ...], name: str, found: Any) -> Any:
    """`found`, read as `owner.name` from the classes in `mro`: a plain function that an engine
    class defines comes as an UnboundMethod of owner; the program's own functions, static
    methods and everything else as they are."""
    if type(found) is not types.FunctionType:
        return found
    for cls in mro:
        entry = vars(cls).get(name)
        if entry is not None:
            return UnboundMethod(owner, found) if entry is found and _PROGRAM_CLASS not in vars(cls) else found
    return found


def _method_getter(name: str) -> Callable[[type], Any]:
    return lambda cls: _checked_method(cls, cls.__mro__, name, getattr(cls, name))


def _engine_protocol_method(cls: type, name: str) -> UnboundMethod:
    """`Base.__init__` where an engine class defines it: only as an UnboundMethod, so only for
    instances of cls (Python's own slot wrappers, as `object.__init__`, are not handed out)."""
    found = _checked_method(cls, cls.__mro__, name, getattr(cls, name, None))
    if type(found) is not UnboundMethod:
        raise AttributeError(f"type object '{cls.__name__}' attribute '{name}' is not available in tensorsh: only "
                             "the protocol methods the program's own classes define, and the engine's own")
    return found


def _defined_by_program(cls: type, name: str) -> bool:
    """Whether the first class in cls's MRO that defines `name` is one of the program's."""
    for c in cls.__mro__:
        if name in vars(c):
            return _PROGRAM_CLASS in vars(c)
    return False


def _defined_by_class(cls: type, name: str) -> bool:
    """Whether a class or one of its bases (not its metaclass, not `object`) defines `name`."""
    return any(name in vars(c) for c in cls.__mro__[:-1])


_ANY_NAME = ("any public name",)
_SETTABLE: dict[type, tuple[str, ...]] = {}


def _settable(cls: type) -> tuple[str, ...]:
    """What a program may assign on instances of cls: any public name on its own classes'."""
    if is_program_class(cls) or _open(cls):
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
_SUBMODULES = ("nn", "nn.functional", "nn.init", "autograd", "autograd.functional", "backends", "cuda", "functional",
               "linalg", "optim", "optim.lr_scheduler", "random", "utils", "utils.data")


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
    # the arithmetic ufuncs tutorials write out (np.add(n, 1, out=n), np.square(x))
    "add", "divide", "multiply", "negative", "power", "square", "subtract",
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


def _joined(arrays, *_, dtype=None, **__):
    """concatenate, stack, hstack, vstack: every item of every array, at their common dtype (a
    string array's items are as wide as its longest string)."""
    if isinstance(arrays, numpy.ndarray):
        return (arrays.size,), arrays.dtype if dtype is None else dtype
    operands = [o for o in map(array_operand, arrays) if o is not None] if isinstance(arrays, (list, tuple)) else []
    if not operands:
        return None  # NumPy refuses it
    count = sum(math.prod(shape) for shape, _ in operands)
    return (count,), numpy.result_type(*{kind for _, kind in operands}) if dtype is None else dtype


def _last_shape(*args, size=None, **_):
    return _count(size if size is not None else (args[-1] if len(args) >= 3 else None))


def range_length(r: range) -> int:
    """len(r), also beyond sys.maxsize (where len() raises OverflowError)."""
    return max(0, (r.stop - r.start + r.step - (1 if r.step > 0 else -1)) // r.step)


_SEQUENCES = (list, tuple, range)


def _nested_shape(value: Any) -> tuple[tuple, Any]:
    """The shape and element dtype NumPy will find in nested lists, read from their first items
    (NumPy refuses ragged ones): the check that comes before converting them."""
    shape = []
    while isinstance(value, _SEQUENCES):
        shape.append(range_length(value) if type(value) is range else len(value))
        if not value:
            return tuple(shape), numpy.dtype(float)
        value = value[0]
    if isinstance(value, (numpy.ndarray, numpy.generic)):
        return (*shape, *value.shape), value.dtype
    try:
        return tuple(shape), numpy.result_type(value)
    except TypeError:
        return tuple(shape), numpy.dtype(float)  # an object NumPy will convert (or refuse) itself


def array_operand(value: Any) -> tuple[tuple, Any] | None:
    """(shape, dtype) of an operand as NumPy will see it, None for what is not an array operand;
    Python numbers stand as themselves, which NumPy's promotion treats as weak."""
    if isinstance(value, (numpy.ndarray, numpy.generic)):
        return value.shape, value.dtype
    if isinstance(value, (bool, int, float, complex)):
        return (), value
    if isinstance(value, _SEQUENCES):
        return _nested_shape(value)
    return None


def _operands(values) -> tuple[tuple, list]:
    found = [o for o in map(array_operand, values) if o is not None]
    return numpy.broadcast_shapes(*(shape for shape, _ in found)), [dtype for _, dtype in found]


def _broadcast(function: Callable) -> Callable[..., tuple]:
    """The default rule: the broadcast of the array arguments, at the result's dtype."""
    def rule(*args, dtype=None, **kwargs):
        shape, dtypes = _operands((*args, *kwargs.values()))
        if dtype is None and isinstance(function, numpy.ufunc):
            inputs = [type(d) if isinstance(d, (bool, int, float, complex)) else d for d in dtypes]
            dtype = function.resolve_dtypes((*inputs[:function.nin], *[None] * function.nout))[-1]
        return shape, numpy.result_type(*dtypes) if dtype is None else dtype

    return rule


def _float_temporaries(a, b, *_, **__):
    """isclose, allclose: float64 temporaries the size of the broadcast arguments."""
    shape, dtypes = _operands((a, b))
    return shape, numpy.result_type(*dtypes, numpy.float64)


def _float_copy(a, *_, **__):
    """std, var: a float64 temporary the size of the array."""
    shape, dtypes = _operands((a,))
    return shape, numpy.result_type(*dtypes, numpy.float64)


def _where(condition, *args, **kwargs):
    if args or kwargs:
        return _broadcast(numpy.where)(condition, *args, **kwargs)
    shape, _ = array_operand(condition) or ((), None)  # where(c): the indices of c's nonzero items
    return (len(shape), *shape), numpy.dtype(numpy.int64)


def matmul_shape(sa: tuple, sb: tuple, dot: bool = False) -> tuple | None:
    """The shape of `a @ b` (or dot(a, b)) from theirs; None if NumPy will refuse it or if it is
    an elementwise product (a scalar operand)."""
    if not sa or not sb or sa[-1] != sb[-2 if len(sb) > 1 else -1]:
        return None
    if dot:
        return (*sa[:-1], *sb[:-2], *sb[-1:]) if len(sb) > 1 else sa[:-1]
    rows, columns = sa[-2:-1], sb[-1:] if len(sb) > 1 else ()
    return (*numpy.broadcast_shapes(sa[:-2], sb[:-2]), *rows, *columns)


def _matmul(dot: bool) -> Callable[..., tuple]:
    def rule(a, b, *_, **__):
        (sa, da), (sb, db) = array_operand(a) or ((), None), array_operand(b) or ((), None)
        shape = matmul_shape(sa, sb, dot)
        return None if shape is None else (shape, numpy.result_type(da, db))

    return rule


def _accumulated(a, axis=None, dtype=None, *_, **__):
    """cumsum: NumPy accumulates small integers and booleans as the platform's integer."""
    shape, kind = array_operand(a) or ((), None)
    if dtype is None:
        dtype = numpy.result_type(kind)
        if dtype.kind in "biu" and dtype.itemsize < numpy.dtype(numpy.int_).itemsize:
            dtype = numpy.dtype(numpy.uint if dtype.kind == "u" else numpy.int_)
    return ((math.prod(shape),) if axis is None else shape), dtype


def _like(a, dtype=None, order="K", subok=True, shape=None, *_, **__):
    own_shape, own_dtype = array_operand(a) or ((), float)
    return (own_shape if shape is None else _count(shape)), (own_dtype if dtype is None else dtype)


def _unchanged(*_, **__):
    """Results no larger than the array given (a reduction, a view, a copy, a sort): no check."""


def _converted(a, dtype=None, *_, **__):
    """np.array, np.asarray: the array made from `a`, at the dtype asked for."""
    shape, own = array_operand(a) or ((), float)
    return shape, (numpy.result_type(own) if dtype is None else dtype)


def _ndarray_astype(array, dtype, *_, **__):
    return array.shape, dtype


# How big the largest array each NumPy function and ndarray method makes would be, from its
# arguments: (shape, dtype), or None when it makes none larger than its arguments (which exist
# already, or were checked as they were converted from lists). A function not named here takes
# the default rule, the broadcast of its array arguments (_broadcast). NumPy allocates lazily,
# so without this `np.ones((50000, 50000))` would reach far past the memory limit.
_NUMPY_RESULT_SIZE: dict[str, Callable[..., tuple | None]] = {
    "zeros": lambda shape, dtype=float, *_, **__: (_count(shape), dtype),
    "ones": lambda shape, dtype=None, *_, **__: (_count(shape), dtype),
    "full": lambda shape, fill_value=0, dtype=None, *_, **__: (
        _count(shape), numpy.array(fill_value).dtype if dtype is None else dtype),
    "eye": lambda N, M=None, *_, dtype=float, **__: ((int(N), int(N if M is None else M)), dtype),
    "arange": lambda *args, dtype=None, **kwargs: ((_arange_length(*args, **kwargs),), dtype),
    "linspace": lambda start, stop, num=50, *_, dtype=None, **__: ((int(num),), dtype),
    **dict.fromkeys(("concatenate", "stack", "hstack", "vstack"), _joined),
    "random.rand": lambda *dims: (_count(dims), None),
    "random.randn": lambda *dims: (_count(dims), None),
    "random.random": lambda size=None: (_count(size), None),
    "random.normal": lambda *args, **kwargs: (_last_shape(*args, **kwargs), None),
    "random.uniform": lambda *args, **kwargs: (_last_shape(*args, **kwargs), None),
    "random.randint": lambda *args, dtype=None, **kwargs: (_last_shape(*args, **kwargs), dtype),
    "random.permutation": lambda x: (_count(x if isinstance(x, (int, numpy.integer)) else None), None),
    "random.seed": _unchanged,
    # functions of arrays
    "array": _converted, "asarray": _converted,
    "zeros_like": _like, "ones_like": _like,
    "full_like": lambda a, fill_value, *args, **kwargs: _like(a, *args, **kwargs),
    "matmul": _matmul(dot=False), "dot": _matmul(dot=True),
    "cumsum": _accumulated,
    "isclose": _float_temporaries, "allclose": _float_temporaries, "std": _float_copy, "var": _float_copy,
    "where": _where,
    **dict.fromkeys(("argmax", "argmin", "array_equal", "expand_dims", "max", "mean", "min", "prod",
                     "reshape", "sort", "squeeze", "sum", "transpose", "unique"), _unchanged),
    # ndarray methods: their array comes first, as in the functions of the same name
    "ndarray.astype": _ndarray_astype,
    "ndarray.clip": _broadcast(numpy.clip), "ndarray.cumsum": _accumulated, "ndarray.dot": _matmul(dot=True),
    "ndarray.round": _broadcast(numpy.round), "ndarray.std": _float_copy,
    "ndarray.var": _float_copy,
    **dict.fromkeys(("ndarray.copy", "ndarray.flatten", "ndarray.ravel", "ndarray.reshape"), _unchanged),
}

# Nested lists longer than this are converted piece by piece, so that Ctrl-C is seen between pieces.
_PIECE = 1 << 20


def _array_in_pieces(value: Any, dtype: Any = None) -> Any:
    """A nested list as an array, made in Python from pieces NumPy converts in milliseconds."""
    shape, _ = _nested_shape(value)
    if not isinstance(value, _SEQUENCES) or math.prod(shape) <= _PIECE:
        return numpy.array(value, dtype=dtype)
    row = math.prod(shape[1:])
    if row > _PIECE:
        return numpy.array([_array_in_pieces(item, dtype) for item in value], dtype=dtype)
    rows = _PIECE // row
    return numpy.concatenate([numpy.array(value[i:i + rows], dtype=dtype) for i in range(0, len(value), rows)])


def _checked_arguments(args: tuple, dtype: Any) -> tuple:
    """Nested lists among the arguments, checked against the memory limit and, if long, converted
    here in pieces (NumPy converts in C code that Ctrl-C cannot stop)."""
    from tensorsh.engine.limits import check_allocation

    converted = []
    for value in args:
        if isinstance(value, _SEQUENCES):
            shape, items = _nested_shape(value)
            check_allocation(shape, items if isinstance(items, numpy.dtype) else numpy.dtype(float))
            if math.prod(shape) > _PIECE:
                value = _array_in_pieces(value, dtype)
        converted.append(value)
    return tuple(converted)


def _check_result(rule: Callable, args: tuple, kwargs: dict) -> None:
    try:
        result = rule(*args, **kwargs)
        if result is None:
            return
        shape, dtype = result
        dtype = numpy.dtype(float if dtype is None else dtype)
        shape = tuple(int(d) for d in shape)
    except (TypeError, ValueError, OverflowError, IndexError):
        return  # arguments NumPy will refuse with its own message
    if dtype.hasobject:
        raise _objects_refused()  # before NumPy makes a Python object per item
    if all(d >= 0 for d in shape):
        from tensorsh.engine.limits import check_allocation

        check_allocation(shape, dtype)


def _guarded(name: str, function: Callable) -> Callable:
    """`function` with the memory limit checked on its arguments' and its result's size first."""
    rule = _NUMPY_RESULT_SIZE.get(name) or _broadcast(function)
    arrays_in_sequence = name in ("concatenate", "stack", "hstack", "vstack")  # a list of arrays, not one

    converts = name in ("array", "asarray")  # the dtype asked for is the conversion's

    def guarded(*args, **kwargs):
        args = tuple(_read_once(value) for value in args)
        kwargs = {key: _read_once(value) for key, value in kwargs.items()}
        if not arrays_in_sequence:
            args = _checked_arguments(args, kwargs.get("dtype") if converts else None)
        _check_result(rule, args, kwargs)
        return function(*args, **kwargs)

    guarded.__name__ = function.__name__
    guarded.__doc__ = function.__doc__
    return guarded


def _read_once(value: Any, inside: bool = False) -> Any:
    """An argument with the program's integer-like objects in it (itself, or the items of a short
    tuple or list: a shape) read once, as the integers they stand for. NumPy reads a size through
    __index__, the program's code, which may answer the size check one number and NumPy another."""
    if not inside and type(value) in (tuple, list) and len(value) <= 64:
        items = [_read_once(item, True) for item in value]
        return type(value)(items) if any(a is not b for a, b in zip(items, value)) else value
    if is_program_class(type(value)) and hasattr(type(value), "__index__"):
        return operator.index(value)
    return value


def _ndarray_method(name: str) -> Callable[[numpy.ndarray], Callable]:
    """The getter of `array.name`: the method, checked by its rule (the array as first argument)."""
    rule = _NUMPY_RESULT_SIZE[f"ndarray.{name}"]

    def getter(array: numpy.ndarray) -> Callable:
        method = getattr(array, name)  # name: one of our constants

        def checked(*args, **kwargs):
            _check_result(rule, (array, *args), kwargs)
            return method(*args, **kwargs)

        checked.__name__ = name
        return _without_objects(checked)

    return getter


def _tolist(array: numpy.ndarray) -> Callable:
    def tolist():
        """a.tolist(): the array as nested Python lists."""
        # Each item becomes a Python object: a pointer and at least a 24-byte number.
        from tensorsh.lang.guards import check_size

        check_size(32 * array.size, f"tolist(): a list of {array.size} items")
        if array.size <= _PIECE:
            return array.tolist()
        if array.ndim > 1:
            return [row.tolist() if row.size <= _PIECE else _tolist(row)() for row in array]
        items = []
        for start in range(0, array.size, _PIECE):  # in pieces: Ctrl-C is seen between them
            items.extend(array[start:start + _PIECE].tolist())
        return items

    return tolist


def _ndarray_table() -> dict[str, Callable[[Any], Any]]:
    table = _getters(_NDARRAY)
    table.update({name.partition(".")[2]: _ndarray_method(name.partition(".")[2])
                  for name in _NUMPY_RESULT_SIZE if name.startswith("ndarray.")})
    table["tolist"] = _tolist
    return table


def _numpy_member(name: str, function: Any) -> Any:
    if not callable(function) or isinstance(function, type):
        return function  # constants and scalar types (np.pi, np.float32)
    return _without_objects(_guarded(name, function))


def _objects_refused() -> TypeError:
    return TypeError("arrays of Python objects (dtype=object) are not part of tensorsh: NumPy works on them "
                     "in C code that no limit or Ctrl-C reaches")


def _check_no_objects(result: Any) -> Any:
    if isinstance(result, numpy.ndarray) and result.dtype.hasobject:
        raise _objects_refused()
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
