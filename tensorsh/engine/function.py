"""`torch.autograd.Function`: autograd ops whose forward and backward a program writes.

    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    y = Square.apply(x)      # y.grad_fn is <SquareBackward>

`apply` runs forward under no_grad and, if an input requires grad, puts one node named
`<Class>Backward` on the tape with the tensor inputs as its next functions. The tape gives
each node one incoming gradient, so a Function with several differentiable outputs gives
each output a node of that name that hands its gradient to one shared node (see
`_gathered_outputs`), which calls backward once with all of them, as PyTorch does.
"""

from __future__ import annotations

import inspect

import numpy as np

from . import autograd
from .autograd import Node, no_grad, node_class, tracked
from .tensor import Tensor, _view, wrap

_NOT_IMPLEMENTED_BACKWARD = ("You must implement either the backward or vjp method for your custom "
                             "autograd.Function to use it with backward mode AD.")


class FunctionCtx:
    """The `ctx` forward and backward receive: saved tensors, flags, and any attribute the
    program puts on it (`ctx.k = 3`)."""

    __module__ = "torch.autograd.function"
    # A program reads and assigns ctx's attributes freely, as on its own objects (lang/namespace.py).
    _public_instance_attributes = True
    # Class-level defaults, so that the public names show in dir() before forward sets them.
    needs_input_grad: tuple = ()
    to_save: tuple = ()
    materialize_grads = True
    _node = None

    def __init__(self):
        self._dirty = ()
        self._non_differentiable = ()

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors for backward, which reads them as ctx.saved_tensors."""
        self.to_save = tensors

    def save_for_forward(self, *tensors) -> None:
        self.saved_for_forward = tensors

    @property
    def saved_tensors(self) -> tuple:
        """The tensors save_for_backward kept (checked for in-place changes since)."""
        node = self._node
        if node is not None:
            node.check_saved()
        return tuple(self.to_save)

    def mark_dirty(self, *tensors) -> None:
        """Declare inputs forward modified in place: they become outputs of this node."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        """Declare outputs that get no gradient (indices, masks): they do not require grad."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """Whether backward receives zeros (True, the default) or None for outputs without a gradient."""
        self.materialize_grads = bool(value)

    def __repr__(self) -> str:
        return f"<torch.autograd.function.FunctionCtx object at {hex(id(self))}>"


class Function:
    """Base class of custom autograd operations: subclass it with static forward(ctx, *args) and
    backward(ctx, *grads), and call Class.apply(*args)."""

    __module__ = "torch.autograd.function"

    def __init__(self, *args, **kwargs):
        pass  # PyTorch only warns that autograd functions should not be instantiated

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use new-style "
            "autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(_NOT_IMPLEMENTED_BACKWARD)

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it "
                                  "with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward(ctx, *args) without recording, and record one node whose gradient is backward's."""
        return _apply(cls, args, kwargs)


def once_differentiable(fn):
    """Decorate a backward that only supports one differentiation: it runs under no_grad."""
    def wrapper(ctx, *args):
        with no_grad():
            return fn(ctx, *args)

    wrapper.__name__ = getattr(fn, "__name__", "backward")
    wrapper.__doc__ = getattr(fn, "__doc__", None)
    return wrapper


# ---------------------------------------------------------------- apply


class FunctionNode(Node):
    """The node of a custom Function's outputs: PyTorch's `<Class>Backward`."""

    __slots__ = ("pending",)
    node_module = "torch.autograd.function"  # as PyTorch shows them: <class 'torch.autograd.function.MyBackward'>
    named_classes: dict[str, type] = {}  # node_class's, by name

    def __repr__(self) -> str:
        return f"<torch.autograd.function.{self._name} object at {hex(id(self))}>"


def _apply(cls, args: tuple, kwargs: dict):
    ctx = FunctionCtx()
    ctx.needs_input_grad = tuple(tracked(a) for a in args)
    with no_grad():
        if cls.setup_context is not Function.setup_context:
            bound = inspect.signature(cls.forward).bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
            outputs = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, outputs)
        else:
            outputs = cls.forward(ctx, *args, **kwargs)
    for i, t in enumerate(ctx.to_save):
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                            f"{type(t).__name__}")
    if not (autograd.is_grad_enabled() and any(ctx.needs_input_grad)):
        return outputs

    name = f"{cls.__name__}Backward"
    many = isinstance(outputs, tuple)
    outs = list(outputs) if many else [outputs]
    dirty = {id(t) for t in ctx._dirty}
    non_differentiable = {id(t) for t in ctx._non_differentiable}
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    differentiable = []  # positions of the outputs that get the node
    for i, out in enumerate(outs):
        if not isinstance(out, Tensor):
            continue
        if id(out) in inputs and id(out) not in dirty:
            out = outs[i] = _view(out, out._data, follows=False)  # an input returned as is: a view of it
        elif id(out) not in dirty and out._view_version is not None:
            out = outs[i] = _view(out, out._data, follows=False)  # the node, not the view's base, makes it
        if id(out) in dirty and out._grad_fn is None and out._requires_grad:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
        if id(out) not in non_differentiable and out._data.dtype.kind in "fc":
            differentiable.append(i)
    tensor_args = [a for a in args if isinstance(a, Tensor)]

    def backward(*grads):
        """The gradients for the tensor inputs, given one gradient per output (None: none arrived)."""
        return _call_backward(cls, ctx, name, args, outs, grads)

    if len(differentiable) == 1:
        position = differentiable[0]
        node = node_class(name, FunctionNode)(
            name, lambda g: backward(*(g if i == position else None for i in range(len(outs)))),
            tensor_args, saved=ctx.to_save)
        nodes = [node]
    else:
        node = node_class(name, FunctionNode)(name, lambda _: backward(*node.pending), tensor_args, saved=ctx.to_save)
        nodes = _gathered_outputs(node, name, differentiable, len(outs))
    ctx._node = node
    for position, out_node in zip(differentiable, nodes):
        out = outs[position]
        out._requires_grad = True
        out._grad_fn = out_node
    return tuple(outs) if many else outs[0]


def _gathered_outputs(node: FunctionNode, name: str, positions: list, count: int) -> list:
    """One node per differentiable output, each putting the gradient of its output in node.pending and
    handing node a token gradient, so that node runs once, after them all, with every gradient."""
    node.pending = [None] * count
    token_meta = ((), np.dtype(np.float32))
    out_nodes = []
    for position in positions:
        def gather(g, position=position):
            pending = node.pending
            pending[position] = g if pending[position] is None else pending[position] + g
            return wrap(np.zeros((), np.float32))

        out_node = node_class(name, FunctionNode)(name, (gather,), ())
        out_node.next_functions = ((node, 0),)
        out_node.inputs_meta = [token_meta]
        out_nodes.append(out_node)
    return out_nodes


def _call_backward(cls, ctx: FunctionCtx, name: str, args: tuple, outs: list, grads: tuple) -> list:
    # The engine's namespace is complete by the time a backward runs.
    from . import zeros_like

    node = ctx._node
    if getattr(node, "pending", None) is not None:
        node.pending = [None] * len(outs)  # gathered: ready for the next backward pass
    if ctx.materialize_grads:
        grads = tuple(zeros_like(out) if g is None and isinstance(out, Tensor) else g for g, out in zip(grads, outs))
    result = cls.backward(ctx, *grads)
    if not isinstance(result, tuple):
        result = (result,)
    n = len(args)
    if len(result) > n and all(r is None for r in result[n:]):
        result = result[:n]
    if len(result) != n:
        raise RuntimeError(f"function {name} returned an incorrect number of gradients (expected {n}, got "
                           f"{len(result)})")
    input_grads = []
    for position, (arg, grad) in enumerate(zip(args, result)):
        if not isinstance(arg, Tensor):
            if grad is not None:
                raise RuntimeError(f"function {name} returned a gradient different than None at position "
                                   f"{position + 1}, but the corresponding forward input was not a Variable")
            continue
        if grad is not None and not isinstance(grad, Tensor):
            raise RuntimeError(f"expected Variable or None (got {type(grad).__name__})")
        if grad is not None and tracked(arg) and not _expandable(arg._data.shape, grad._data.shape):
            raise RuntimeError(f"Function {name} returned an invalid gradient at index {len(input_grads)} - got "
                               f"{list(grad._data.shape)} but expected shape compatible with {list(arg._data.shape)}")
        input_grads.append(grad)
    return input_grads


def _expandable(shape: tuple, to: tuple) -> bool:
    """Whether a tensor of `shape` broadcasts to `to` (so a gradient of shape `to` sums back to it)."""
    if len(shape) > len(to):
        return False
    return all(s == t or s == 1 for s, t in zip(reversed(shape), reversed(to)))


# ---------------------------------------------------------------- Variable


class _VariableMeta(type):
    def __instancecheck__(cls, other) -> bool:
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """Legacy: Variable(t, requires_grad=False) is a tensor sharing t's memory, outside any graph."""

    __module__ = "torch.autograd.variable"

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if data is None:
            return wrap(np.zeros((0,), np.float32))
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)
