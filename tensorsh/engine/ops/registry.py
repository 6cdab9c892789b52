"""The op registry: one declaration per op says everything about it.

`@op(...)` on an op's function declares, beside the function itself (its body is the
forward; its docstring is its help):

- its family, and its other names (`clip` for `clamp`);
- its variants, the namespaces it appears in: `torch.X` ("function"), `tensor.X`
  ("method"), `torch.nn.functional.X` ("functional"), `torch.linalg.X` ("linalg": the
  name without its `linalg_` prefix, as PyTorch's own `linalg_norm` is `torch.linalg.norm`);
- its in-place method `X_` (inplace=True), which writes the result into the tensor;
- the operators it implements: `__add__` as it is, `__iadd__` in place, and reflected
  ones (`__rpow__`: `2 ** t` is `pow(2, t)`), through `operator` where the operator
  form differs from the function (`t @ 2` is Python's TypeError, `torch.matmul(t, 2)`
  PyTorch's), and through `reflect` where the reflected one is not the swapped call
  (`2 / t` is `reciprocal(t) * 2`);
- the grad_fn names it records; an op with any is differentiable, and its backward
  formula lives in its body, once;
- for an op whose result can be larger than its operands (`diag` of a vector, `where`
  broadcasting, `nonzero`), its result rule: a function of the op's arguments giving the
  result's (shape, dtype), checked against the memory limit before the body allocates.
  Other ops need none: their results are no larger than their operands, which were
  checked when they were made, and a view may not stand for more than the limit
  (autograd.record_view).
- for an op that takes PyTorch's `out=` tensor, its kind (common.OUT_KINDS: how the out
  tensor is fitted to the result); the op's body never sees `out`, the installed form
  writes the result into it and returns it.

Every form a program calls by name (not the operators) takes NumPy's names for four
parameters, as PyTorch's argument parser does for every native op (NUMPY_NAMES).

`install` turns the declarations into the engine's namespaces; `:help`, completion,
the gradient checks and the golden-coverage test all read `OPS`.
"""

from __future__ import annotations

from typing import Callable

from ..limits import check_allocation

VARIANTS = frozenset({"function", "method", "functional", "linalg"})
# The in-place operators (`x += y`): bound to the op's in-place form.
INPLACE_OPERATORS = frozenset({"__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__", "__imod__",
                               "__ipow__", "__imatmul__", "__iand__", "__ior__", "__ixor__", "__ilshift__",
                               "__irshift__"})
# NumPy's names that PyTorch's argument parser takes for these parameters of every native op
# (numpy_compatibility_arg_names in torch/csrc/utils/python_arg_parser.cpp): sum(axis=0),
# mean(keepdims=True), add(x1=a, x2=b).
NUMPY_NAMES = {"dim": ("axis",), "keepdim": ("keepdims",), "input": ("x", "a", "x1"), "other": ("x2",)}
# Except where PyTorch writes the form in Python: most of torch.nn.functional
# (F.softmax(x, axis=0) is a TypeError) but these native bindings, and a few torch.X and
# Tensor.X (torch/functional.py, torch/_tensor.py).
NATIVE_FUNCTIONAL = frozenset({"gelu", "softplus", "logsigmoid", "one_hot", "linear", "bilinear",
                               "cosine_similarity", "conv1d", "conv2d", "avg_pool1d", "avg_pool2d",
                               "adaptive_avg_pool1d"})
PYTHON_FUNCTIONS = frozenset({"norm", "split", "unique"})
PYTHON_METHODS = frozenset({"norm", "split", "unique", "unflatten"})

# The in-place forms PyTorch also has as functions: torch.sin_(t) is t.sin_() (the names
# that dir(torch) lists with a trailing underscore; not every in-place method is one).
TORCH_INPLACE = frozenset({
    "abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_", "asin_",
    "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clip_", "cos_", "cosh_", "exp_", "expm1_", "fix_", "floor_",
    "frac_", "log10_", "log1p_", "log2_", "log_", "nan_to_num_", "neg_", "negative_", "reciprocal_", "relu_",
    "round_", "rsqrt_", "sigmoid_", "sin_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_"})


class Op:
    """One declared op (see the module docstring for its fields)."""

    __slots__ = ("name", "fn", "family", "aliases", "variants", "inplace", "operators", "reflected", "operator",
                 "reflect", "grad_fns", "result", "out")

    def __init__(self, name: str, fn: Callable, family: str, aliases: tuple[str, ...], variants: frozenset,
                 inplace: bool, operators: tuple[str, ...], reflected: tuple[str, ...], operator: Callable | None,
                 reflect: Callable | None, grad_fns: tuple[str, ...], result: Callable | None = None,
                 out: str | None = None):
        self.name = name
        self.fn = fn
        self.family = family
        self.aliases = aliases
        self.variants = variants
        self.inplace = inplace
        self.operators = operators
        self.reflected = reflected
        self.operator = operator
        self.reflect = reflect
        self.grad_fns = grad_fns
        self.result = result
        self.out = out

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def differentiable(self) -> bool:
        return bool(self.grad_fns)

    @property
    def method(self) -> bool:
        return "method" in self.variants

    @property
    def function(self) -> bool:
        return "function" in self.variants

    @property
    def inplace_names(self) -> tuple[str, ...]:
        return tuple(f"{n}_" for n in self.names) if self.inplace else ()

    @property
    def linalg_name(self) -> str | None:
        return self.name.removeprefix("linalg_") if "linalg" in self.variants else None

    def forms(self) -> list[str]:
        """How a program reaches the op, as PyTorch's documentation writes it."""
        shown = []
        if self.function:
            shown.append(f"torch.{self.name}(...)")
        if self.method:
            shown.append(f"tensor.{self.name}(...)")
        if "functional" in self.variants or "functional_inplace" in self.variants:
            shown.append(f"F.{self.name}(...)")
        if self.linalg_name:
            shown.append(f"torch.linalg.{self.linalg_name}(...)")
        shown += [f"tensor.{n}(...)" for n in self.inplace_names]
        return shown + [f"tensor.{d}" for d in (*self.operators, *self.reflected)]

    @property
    def doc(self) -> str:
        import inspect  # imported here: it costs start-up time, and only help reads it

        return inspect.getdoc(self.fn) or ""

    @property
    def signature(self) -> str:
        signature = _signature_with_out(self.fn) if self.out else None
        if signature is None:
            import inspect

            try:
                signature = inspect.signature(self.fn)
            except (TypeError, ValueError):
                return f"{self.name}(...)"
        return f"{self.name}{signature}"


OPS: dict[str, Op] = {}


def op(family: str, *, variants: str = "function, method", aliases: tuple[str, ...] = (), inplace: bool = False,
       operators: tuple[str, ...] = (), reflected: tuple[str, ...] = (), operator: Callable | None = None,
       reflect: Callable | None = None, grad_fn: tuple[str, ...] | str = (), name: str | None = None,
       result: Callable | None = None, out: str | None = None):
    """Declare the decorated function as an op of `family` (see the module docstring).

    variants: comma-separated, from VARIANTS, or "functional_inplace" for an F form that
    takes PyTorch's `inplace=False` flag (F.relu). grad_fn: the name, or names, of the
    nodes the op records. result: the result rule, called with the op's arguments. out: the
    kind of its `out=` argument (common.OUT_KINDS), if it takes one.
    """
    chosen = frozenset(v.strip() for v in variants.split(",") if v.strip())
    unknown = chosen - VARIANTS - {"functional_inplace"}
    if unknown:
        raise ValueError(f"unknown variants {sorted(unknown)}")
    if out is not None:
        from .common import OUT_KINDS

        if out not in OUT_KINDS:
            raise ValueError(f"unknown out= kind {out!r}")

    def register(fn):
        entry = Op(name or fn.__name__, fn, family, tuple(aliases), chosen, inplace, tuple(operators),
                   tuple(reflected), operator, reflect, (grad_fn,) if isinstance(grad_fn, str) else tuple(grad_fn),
                   result, out)
        if entry.name in OPS:
            raise ValueError(f"op {entry.name!r} is declared twice")
        OPS[entry.name] = entry
        return fn

    return register


def find(name: str) -> Op | None:
    """The op a program reaches as `name`: its own name, an alias, or its in-place method."""
    entry = OPS.get(name)
    if entry is not None:
        return entry
    for entry in OPS.values():
        if name in entry.names or name in entry.inplace_names or name in entry.operators or name in entry.reflected:
            return entry
    return None


# ---------------------------------------------------------------- the generated forms


def _form(fn: Callable, body: Callable, name: str, doc: str) -> Callable:
    """A generated form of op fn: help and coverage find the op through __wrapped__."""
    body.__name__ = body.__qualname__ = name
    body.__doc__ = doc
    body.__wrapped__ = getattr(fn, "__wrapped__", fn)  # the op itself, also for a form of a checked form
    return body


def _checked_form(fn: Callable, rule: Callable) -> Callable:
    """fn, with the result its arguments call for checked against the memory limit first."""
    def checked(*args, **kwargs):
        try:
            shape, dtype = rule(*args, **kwargs)
        except (TypeError, ValueError, AttributeError, IndexError, RuntimeError):
            pass  # arguments the op itself refuses, with its own message
        else:
            check_allocation(shape, dtype)
        return fn(*args, **kwargs)

    return _form(fn, checked, fn.__name__, fn.__doc__)


def _numpy_aliases(fn: Callable, method: bool = False) -> dict[str, tuple[str, int | None]]:
    """NumPy's name -> (fn's parameter, its position if it can be passed positionally). A method's
    first parameter is its tensor, which no keyword names."""
    code = fn.__code__
    params = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    return {alias: (name, i if i < code.co_argcount else None)
            for i, name in enumerate(params) if name in NUMPY_NAMES and not (method and i == 0)
            for alias in NUMPY_NAMES[name] if alias not in params}


def _rename(fn: Callable, aliases: dict, args: tuple, kwargs: dict) -> None:
    """NumPy's names in kwargs replaced by fn's, with PyTorch's error for a parameter given twice
    (`sum(0, axis=1)`), which names the first NumPy name given, not the one that clashed."""
    given = [k for k in kwargs if k in aliases]
    for alias in given:
        name, position = aliases[alias]
        if name in kwargs or (position is not None and len(args) > position):
            raise TypeError(f"{fn.__name__}() got an unexpected keyword argument '{given[0]}'")
        kwargs[name] = kwargs.pop(alias)


def _signature_with_out(fn: Callable):
    """fn's signature with PyTorch's keyword-only out=None (before any **kwargs)."""
    import inspect

    signature = inspect.signature(fn)
    params = list(signature.parameters.values())
    if "out" in signature.parameters:
        return signature
    at = len(params) - (bool(params) and params[-1].kind is inspect.Parameter.VAR_KEYWORD)
    params.insert(at, inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None))
    return signature.replace(parameters=params)


def _called_form(fn: Callable, aliases: dict, name: str | None = None, out_kind: str | None = None,
                 op_fn: Callable | None = None) -> Callable:
    """fn as a program calls it by name: taking NumPy's names for its parameters (NUMPY_NAMES),
    and, with an out kind, PyTorch's out= tensor, which the result is written into
    (common.write_out)."""
    from .common import write_out

    if out_kind is None:
        def called(*args, **kwargs):
            if kwargs and not aliases.keys().isdisjoint(kwargs):
                _rename(fn, aliases, args, kwargs)
            return fn(*args, **kwargs)
    else:
        def called(*args, out=None, **kwargs):
            if kwargs and not aliases.keys().isdisjoint(kwargs):
                _rename(fn, aliases, args, kwargs)
            if out is None:
                return fn(*args, **kwargs)
            return write_out(name, out_kind, fn, out, args, kwargs)

    called.__module__ = (op_fn or fn).__module__
    if out_kind is not None:
        called.__signature__ = _signature_with_out(op_fn or fn)  # what inspect, and so error notes, read
    return _form(fn, called, fn.__name__, fn.__doc__)


def inplace_form(fn: Callable, name: str | None = None) -> Callable:
    from .common import inplace

    def in_place(self, *args, **kwargs):
        return inplace(self, fn, *args, **kwargs)

    return _form(fn, in_place, name or f"{fn.__name__}_",
                 f"In-place {fn.__name__}: writes the result into self and returns self.")


def _reflected_form(fn: Callable, dunder: str) -> Callable:
    def reflected(self, other):
        return fn(other, self)

    return _form(fn, reflected, dunder, f"other {dunder} self: {fn.__name__}(other, self).")


def _functional_inplace_form(fn: Callable, in_place: Callable) -> Callable:
    def functional(input, inplace=False):
        return in_place(input) if inplace else fn(input)

    # Not marked as wrapping fn: its signature is its own (inspect would show fn's).
    functional.__name__ = functional.__qualname__ = fn.__name__
    functional.__doc__ = f"{(fn.__doc__ or '').strip()} inplace=True writes into input."
    return functional


def install(tensor_cls, torch_namespace: dict, functional: dict, linalg: dict) -> None:
    """Bind every declared form: methods and operators on the Tensor class, functions in
    the three namespaces (module dicts)."""
    for entry in OPS.values():
        if entry.out:  # the op's own signature, which help reads, shows out= (its body never sees it)
            entry.fn.__signature__ = _signature_with_out(entry.fn)
        fn = entry.fn if entry.result is None else _checked_form(entry.fn, entry.result)
        in_place = inplace_form(fn) if entry.inplace or any(d in INPLACE_OPERATORS for d in entry.operators) \
            else None
        # The forms called by name take NumPy's names too; the operators need not. Only the
        # torch.X form takes out=, as in PyTorch (tensor.add(b, out=c) is a TypeError).
        aliases, method_aliases = _numpy_aliases(entry.fn), _numpy_aliases(entry.fn, method=True)
        named = _called_form(fn, aliases, op_fn=entry.fn) if aliases else fn
        method = _called_form(fn, method_aliases, op_fn=entry.fn) if method_aliases else fn
        function = fn if entry.name in PYTHON_FUNCTIONS else named
        if entry.out:
            function = _called_form(fn, aliases, entry.name, entry.out, op_fn=entry.fn)
        for n in entry.names:
            if entry.method:
                setattr(tensor_cls, n, fn if n in PYTHON_METHODS else method)
            if entry.function:
                torch_namespace[n] = function
            if "functional" in entry.variants:
                functional[n] = named if n in NATIVE_FUNCTIONAL else fn
            if "functional_inplace" in entry.variants:
                functional[n] = _functional_inplace_form(fn, in_place)
        if entry.linalg_name:
            linalg[entry.linalg_name] = named
        for n in entry.inplace_names:
            form = in_place if n == f"{entry.name}_" else inplace_form(fn, n)
            form = _called_form(form, method_aliases, op_fn=entry.fn) if method_aliases else form
            setattr(tensor_cls, n, form)
            if n in TORCH_INPLACE:
                torch_namespace[n] = form
        operator = entry.operator or fn
        for dunder in entry.operators:
            setattr(tensor_cls, dunder, in_place if dunder in INPLACE_OPERATORS else operator)
        for dunder in entry.reflected:
            setattr(tensor_cls, dunder, entry.reflect or _reflected_form(operator, dunder))
