"""`--backend torch`: the language's `torch` is the installed PyTorch, behind the same sandbox.

Imported only when a session asks for this backend, so the default path never imports torch.
What a program reaches of PyTorch is chosen here, in one place:

- Modules: `torch` and the submodules in SUBMODULES, each a `Namespace` of its public
  functions, classes and constants. Every other submodule is out of reach: the ones that
  execute code or touch files (`hub`, `jit`, `ops`, `classes`, `library`, `package`, `fx`,
  `export`, `onnx`, `serialization`, `utils.cpp_extension`, `multiprocessing`,
  `distributed`, `profiler`, `backends`, `_C`) and the ones nobody has audited.
- Top-level names: PyTorch's tensor operations (the public names of its native function
  table, `torch._C._VariableFunctions`, and of `torch.functional`), its dtypes, and
  TOP_LEVEL (which holds every other name the engine's `torch` has); minus REFUSED_FUNCTIONS.
  `torch.save`/`torch.load` are tensorsh's own `.npy`/`.npz` functions (`files`), never
  pickle.
- `torch.cuda`, `torch.autograd` and `torch.utils.data` are lists of names, not "all public":
  each holds functions that load shared libraries, write files or spawn processes.
- Attributes: torch's classes are engine classes to `namespace` (every public name),
  except REFUSED_ATTRIBUTES, which reach raw memory, files or the compiler. A tensor's
  grad_fn shows PyTorch's public Node API only; an nn.Module, optimizer, scheduler,
  dataset, loader and a custom Function's ctx are open, as a program's own objects.
- REPLACED: a few classes stand in for PyTorch's, where its own reach internals: DataLoader
  runs in the program's process (`num_workers` above 0 would fork workers beyond the memory
  cap and Ctrl-C); ParameterDict takes no `_` key (its keys are getattr names, so
  `pd['__dict__']` is the module's dict); LambdaLR and MultiplicativeLR save and load only
  their functions' public attributes (PyTorch saves a function object's whole __dict__).

What is bounded: the factory functions in FACTORIES check the size they will allocate
against `limits` first, as the engine does; every other allocation is bounded by the
process cap (`limits.limit_process_memory`, which the CLI sets), past which PyTorch's
allocator raises RuntimeError and the session survives. Ctrl-C arrives between operations
(a single long PyTorch kernel finishes first).
"""

from __future__ import annotations

import inspect
import math
import types
from typing import Any, Callable

import torch
import torch.utils.data

from tensorsh.lang import namespace
from tensorsh.lang.namespace import Namespace

# Submodules a program may reach, as `torch.<path>`; the lists say which names of a module are
# chosen by name rather than "every public function and class" (see the module docstring).
SUBMODULES = ("nn", "nn.functional", "nn.init", "nn.utils", "nn.utils.rnn", "autograd", "autograd.functional",
              "cuda", "linalg", "fft", "special", "optim", "optim.lr_scheduler", "random", "utils", "utils.data")
_LISTED = {
    "autograd": ("Function", "Variable", "backward", "enable_grad", "grad", "gradcheck",
                 "gradgradcheck", "inference_mode", "is_grad_enabled", "no_grad", "set_detect_anomaly",
                 "detect_anomaly", "set_grad_enabled"),
    "cuda": ("current_device", "device", "device_count", "empty_cache", "get_device_capability", "get_device_name",
             "get_device_properties", "get_rng_state", "initial_seed", "is_available", "is_bf16_supported",
             "manual_seed", "manual_seed_all", "max_memory_allocated", "max_memory_reserved", "memory_allocated",
             "memory_reserved", "reset_peak_memory_stats", "seed", "seed_all", "set_device", "set_rng_state",
             "synchronize"),
    "random": ("get_rng_state", "initial_seed", "manual_seed", "seed", "set_rng_state"),
    "utils": (),
    "utils.data": ("BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset",
                   "RandomSampler", "Sampler", "SequentialSampler", "StackDataset", "Subset", "SubsetRandomSampler",
                   "TensorDataset", "WeightedRandomSampler", "default_collate", "default_convert",
                   "get_worker_info", "random_split"),
}

# torch's own names beyond its operations: classes, grad modes, seeding, defaults, printing.
TOP_LEVEL = ("BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor", "Generator", "HalfTensor",
             "IntTensor", "LongTensor", "ShortTensor", "Size", "Tensor", "are_deterministic_algorithms_enabled",
             "autocast", "default_generator", "device", "dtype", "e", "enable_grad", "finfo", "get_default_device",
             "get_default_dtype", "get_num_threads", "get_printoptions", "get_rng_state", "iinfo", "inf",
             "inference_mode", "initial_seed", "is_grad_enabled", "is_inference_mode_enabled", "is_tensor",
             "layout", "manual_seed", "memory_format", "nan", "newaxis", "no_grad", "pi", "seed",
             "set_default_device", "set_default_dtype", "set_grad_enabled", "set_printoptions", "set_rng_state",
             "typename", "use_deterministic_algorithms", "vmap",
             "channels_last", "contiguous_format", "preserve_format", "strided", "sparse_coo")

# Functions that read or map files, compile code, or hand out raw memory.
REFUSED_FUNCTIONS = frozenset({"from_file", "frombuffer", "compile", "load", "save", "cond", "while_loop",
                               "import_ir_module", "import_ir_module_from_buffer", "from_dlpack"})

# Attributes of torch's values that reach raw memory (storages, shared and pinned memory, set_'s
# storage argument), files (a storage class's from_file) or the compiler; by the class that has them.
# data_ptr() stays, as on the engine: a number, which nothing a program reaches turns into memory.
REFUSED_ATTRIBUTES = {
    torch.Tensor: ("pin_memory", "set_", "share_memory_", "storage", "storage_type",
                   "untyped_storage"),
    torch.nn.Module: ("compile", "share_memory"),
}

# Where a chosen member may come from: torch's modules, but not its compiler and tracing layers.
_FOREIGN = ("torch.jit", "torch._jit_internal", "torch._dynamo", "torch.compiler", "torch._ops", "torch.overrides",
            "torch.types", "torch.fx", "torch.export", "torch.library", "torch.hub", "torch.serialization")

# PyTorch's autograd graph nodes, and the grad accumulators among them (`variable`).
_NODE = ("metadata", "name", "next_functions", "register_hook", "register_prehook")
_ACCUMULATE_GRAD = (*_NODE, "variable")


def _from_torch(member: Any) -> bool:
    if isinstance(member, (bool, int, float, complex, str)) or member is None:
        return True
    if isinstance(member, types.ModuleType):
        return False
    module = getattr(member, "__module__", None) if isinstance(
        member, (type, types.FunctionType, types.BuiltinFunctionType)) else type(member).__module__
    module = module or ""
    return module.startswith("torch") and not module.startswith(_FOREIGN)


def _module_members(module: Any, path: str) -> dict[str, Any]:
    children = [sub.rpartition(".")[2] for sub in SUBMODULES if sub.rpartition(".")[0] == path]
    names = [*_LISTED.get(path, getattr(module, "__all__", None) or dir(module)), *children]
    members = {}
    for name in names:
        if name.startswith("_") or name in REFUSED_FUNCTIONS or not hasattr(module, name):
            continue
        member = getattr(module, name)
        sub = f"{path}.{name}" if path else name
        if sub in SUBMODULES:
            members[name] = Namespace(f"torch.{sub}", _module_members(member, sub))
        elif _from_torch(member):
            members[name] = member
    return members


def _top_level_names() -> list[str]:
    operations = [n for n in dir(torch._C._VariableFunctions) if not n.startswith("_")]
    return sorted({*operations, *torch.functional.__all__, *TOP_LEVEL,
                   *(n for n, v in vars(torch).items() if isinstance(v, torch.dtype)),
                   *(n.partition(".")[0] for n in SUBMODULES)})


# ---------------------------------------------------------------- DataLoader in the program's process

class DataLoader(torch.utils.data.DataLoader):
    """torch's DataLoader, in the program's own process: no worker processes."""

    def __init__(self, *args, **kwargs):
        bound = _DATALOADER_SIGNATURE.bind(None, *args, **kwargs).arguments
        if bound.get("num_workers", 0) or bound.get("multiprocessing_context") is not None:
            raise ValueError("DataLoader(num_workers > 0) is not available in tensorsh: worker processes would "
                             "run outside its memory limit and Ctrl-C; batches load in the program's process")
        super().__init__(*args, **kwargs)

    def __setattr__(self, name, value):
        if name in ("num_workers", "multiprocessing_context") and getattr(self, "_DataLoader__initialized", False) \
                and value not in (0, None):
            raise ValueError(f"DataLoader.{name} cannot be changed in tensorsh: batches load in the program's process")
        super().__setattr__(name, value)


_DATALOADER_SIGNATURE = inspect.signature(torch.utils.data.DataLoader.__init__)
DataLoader.__module__ = torch.utils.data.DataLoader.__module__  # type(loader) shows PyTorch's class


# ---------------------------------------------------------------- keys and saved state that reach internals

class ParameterDict(torch.nn.ParameterDict):
    """torch's ParameterDict, whose keys are attribute names (`pd['__dict__']` is getattr): no key
    that starts with `_`, as no attribute a program writes may."""

    def _key_to_attr(self, key: str) -> str:
        if isinstance(key, str) and key.startswith("_"):
            raise KeyError(f"parameter name {key!r} is not available in tensorsh")
        return super()._key_to_attr(key)

    def fromkeys(self, keys, default=None):
        return type(self)((k, default) for k in keys)

    def copy(self):
        return type(self)([(k, self[k]) for k in self.keys()])


def _public_state(fn) -> dict | None:
    """What LambdaLR saves of a learning-rate function: a callable object's public attributes (PyTorch
    saves its whole __dict__, a class's too: internals no program may hold)."""
    if isinstance(fn, (types.FunctionType, type)) or not hasattr(fn, "__dict__"):
        return None
    return {key: value for key, value in vars(fn).items() if not key.startswith("_")}


def _with_public_lambdas(scheduler: type) -> type:
    """A scheduler class whose state_dict and load_state_dict carry only its functions' public attributes."""
    def state_dict(self):
        state = {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [_public_state(fn) for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        # As saved: no optimizer (PyTorch would set whatever the dict holds), and the functions'
        # public attributes only (a program's dict must not install a module's hooks).
        state = {key: value for key, value in state_dict.items() if key != "optimizer"}
        state["lr_lambdas"] = [{k: v for k, v in saved.items() if not str(k).startswith("_")}
                               if isinstance(saved, dict) else saved for saved in state.get("lr_lambdas", ())]
        scheduler.load_state_dict(self, state)

    state_dict.__doc__, load_state_dict.__doc__ = scheduler.state_dict.__doc__, scheduler.load_state_dict.__doc__
    return type(scheduler.__name__, (scheduler,), {"__module__": scheduler.__module__, "state_dict": state_dict,
                                                   "load_state_dict": load_state_dict})


ParameterDict.__module__ = torch.nn.ParameterDict.__module__
# Classes of ours in place of PyTorch's, by the path a program names them with.
REPLACED = {
    "nn.ParameterDict": ParameterDict,
    "utils.data.DataLoader": DataLoader,
    "optim.lr_scheduler.LambdaLR": _with_public_lambdas(torch.optim.lr_scheduler.LambdaLR),
    "optim.lr_scheduler.MultiplicativeLR": _with_public_lambdas(torch.optim.lr_scheduler.MultiplicativeLR),
}


# ---------------------------------------------------------------- sizes checked before allocating

def _shape(args: tuple, kwargs: dict) -> tuple | None:
    """The shape a factory's positional sizes or `size=` give (`zeros(2, 3)`, `zeros((2, 3))`)."""
    sizes = kwargs.get("size", args)
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list, torch.Size)):
        sizes = sizes[0]
    try:
        return tuple(int(d) for d in sizes)
    except (TypeError, ValueError, RuntimeError):
        return None  # not a shape: PyTorch reports it


def _dtype(kwargs: dict, default: Any = None) -> Any:
    dtype = kwargs.get("dtype") or default or torch.get_default_dtype()
    return dtype if isinstance(dtype, torch.dtype) else None


def _sized(shape_of: Callable[[tuple, dict], tuple | None], default_dtype: Any = None):
    def rule(args, kwargs):
        shape, dtype = shape_of(args, kwargs), _dtype(kwargs, default_dtype)
        return None if shape is None or dtype is None else (shape, dtype)

    return rule


def _range_length(args: tuple, kwargs: dict) -> tuple | None:
    """arange(end), arange(start, end[, step]), and any of them by keyword."""
    given = dict(zip(("start", "end", "step") if len(args) > 1 else ("end",), args))
    given.update((k, v) for k, v in kwargs.items() if k in ("start", "end", "step"))
    start, end, step = (float(given.get(name, default)) for name, default in (("start", 0), ("end", 0), ("step", 1)))
    return (max(0, math.ceil((end - start) / step)),)


def _arange(args: tuple, kwargs: dict) -> tuple | None:
    # Integers in, int64 out, as PyTorch's arange.
    numbers = [*args, *(v for k, v in kwargs.items() if k in ("start", "end", "step"))]
    dtype = _dtype(kwargs, torch.int64 if all(isinstance(n, int) for n in numbers) else None)
    return None if dtype is None else (_range_length(args, kwargs), dtype)


def _steps(args: tuple, kwargs: dict) -> tuple | None:
    steps = kwargs.get("steps", args[2] if len(args) > 2 else None)
    return (int(steps),) if isinstance(steps, int) else None


def _eye(args: tuple, kwargs: dict) -> tuple | None:
    sizes = [a for a in args[:2] if isinstance(a, int)]
    return (sizes[0], sizes[-1]) if sizes else None


def _randint_shape(args: tuple, kwargs: dict) -> tuple | None:
    size = kwargs.get("size", args[-1] if args and isinstance(args[-1], (tuple, list, torch.Size)) else None)
    return None if size is None else _shape((size,), {})


# The functions that make a tensor from sizes alone, and how big it will be: (shape, dtype).
FACTORIES: dict[str, Callable[[tuple, dict], tuple | None]] = {
    **dict.fromkeys(("zeros", "ones", "empty", "rand", "randn"), _sized(_shape)),
    "full": _sized(lambda args, kwargs: _shape(args[:1], kwargs)),
    "randint": _sized(_randint_shape, torch.int64),
    "randperm": _sized(lambda args, kwargs: _shape(args[:1], kwargs), torch.int64),
    "arange": _arange, "linspace": _sized(_steps), "logspace": _sized(_steps),
    "eye": _sized(_eye),
}


def _checked_factory(name: str, function: Callable) -> Callable:
    from tensorsh.engine.limits import check_allocation

    rule = FACTORIES[name]

    def factory(*args, **kwargs):
        try:
            found = rule(args, kwargs)
        except (TypeError, ValueError, ArithmeticError, IndexError, RuntimeError):
            found = None  # arguments PyTorch refuses with its own message
        if found is not None and all(d >= 0 for d in found[0]):
            # The limit's message names the dtype as PyTorch does (float32), which torch.dtype has no name for.
            check_allocation(found[0], types.SimpleNamespace(name=str(found[1]).removeprefix("torch."),
                                                             itemsize=found[1].itemsize))
        return function(*args, **kwargs)

    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = function.__doc__
    factory.__wrapped__ = function  # its signature, for help and completion
    return factory


# ---------------------------------------------------------------- torch.backends

def _switch(name: str) -> property:
    return property(lambda self: getattr(torch.backends.cudnn, name),
                    lambda self, value: setattr(torch.backends.cudnn, name, bool(value)))


class CudnnModule:
    """`torch.backends.cudnn`'s switches, read and set on PyTorch's own (a seeding routine sets
    `deterministic`); the rest of torch.backends (its libraries' internals) stays out of reach."""

    __slots__ = ()
    enabled, benchmark = _switch("enabled"), _switch("benchmark")
    deterministic, allow_tf32 = _switch("deterministic"), _switch("allow_tf32")

    @staticmethod
    def is_available() -> bool:
        return torch.backends.cudnn.is_available()


def _backends() -> Namespace:
    mps = Namespace("torch.backends.mps", {"is_available": torch.backends.mps.is_available,
                                            "is_built": torch.backends.mps.is_built})
    return Namespace("torch.backends", {"cudnn": CudnnModule(), "mps": mps})


# ---------------------------------------------------------------- the namespace

def torch_namespace() -> Namespace:
    """`torch`: PyTorch itself, through the allow-lists above."""
    namespace.register_backend_classes(
        nodes=((torch._C._functions.AccumulateGrad, _ACCUMULATE_GRAD), (torch.autograd.graph.Node, _NODE)),
        open_bases=(torch.nn.Module, torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler,
                    torch.utils.data.Dataset, torch.utils.data.Sampler, torch.utils.data.DataLoader,
                    torch.autograd.function.FunctionCtx, CudnnModule),
        refused=REFUSED_ATTRIBUTES)
    members = {}
    for name in _top_level_names():
        if name.startswith("_") or name in REFUSED_FUNCTIONS or not hasattr(torch, name):
            continue
        member = getattr(torch, name)
        if name in SUBMODULES:
            members[name] = Namespace(f"torch.{name}", _module_members(member, name))
        elif _from_torch(member):
            members[name] = _checked_factory(name, member) if name in FACTORIES else member
    members["backends"] = _backends()
    for path, cls in REPLACED.items():
        *modules, name = path.split(".")
        module = members[modules[0]]
        for part in modules[1:]:
            module = module.members[part]
        module.members[name] = cls
    return Namespace("torch", members)
