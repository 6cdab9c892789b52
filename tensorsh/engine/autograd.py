"""Reverse-mode autograd: the tape, grad mode, `backward` and `grad`.

During the forward pass every differentiable op that sees an input requiring grad
records a `Node`: its grad_fn name, a backward closure, and the nodes of its inputs
(`next_functions`). Leaves that require grad are represented by an `AccumulateGrad`
node that adds into `.grad`. `backward` walks the nodes reachable from the root in
reverse topological order.

Backward closures compute with Tensor ops, so with `create_graph=True` the gradient
computation is itself recorded and can be differentiated again; otherwise grad mode
is off while they run and they cost only their NumPy work.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from . import limits
from .dtypes import from_numpy_dtype
from .tensor import Tensor, _view, synced, wrap

# PyTorch's torch.autograd names: the rest of the module (Node, record, ...) is the engine's,
# and `torch.autograd` shows programs only these.
__all__ = ["Function", "Variable", "backward", "enable_grad", "functional", "grad", "inference_mode",
           "is_grad_enabled", "no_grad", "set_grad_enabled"]

_grad_enabled = True


def is_grad_enabled() -> bool:
    """True when operations are being recorded for autograd."""
    return _grad_enabled


class _GradMode:
    """Base of the grad-mode switches: usable as a context manager and as a decorator."""

    mode = True

    def __init__(self, mode: bool | None = None):
        if mode is not None:
            self.mode = bool(mode)

    def __enter__(self):
        global _grad_enabled
        self.prev = _grad_enabled
        _grad_enabled = self.mode

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self.prev
        return False

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with _GradMode(mode):  # a fresh switch per call: calls may nest or recurse
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager and decorator that disables gradient recording."""

    __module__ = "torch.autograd.grad_mode"  # as PyTorch shows it

    mode = False


class enable_grad(_GradMode):
    """Context manager and decorator that enables gradient recording."""

    __module__ = "torch.autograd.grad_mode"  # as PyTorch shows it

    mode = True


class inference_mode(_GradMode):
    """Context manager and decorator for inference: gradient recording off (mode=True), or
    left on (mode=False)."""

    __module__ = "torch.autograd.grad_mode"  # as PyTorch shows it

    def __init__(self, mode: bool = True):
        super().__init__(not mode)


class set_grad_enabled(_GradMode):
    """Turn recording on or off at once; also a context manager that restores the old mode."""

    __module__ = "torch.autograd.grad_mode"  # as PyTorch shows it

    def __init__(self, mode: bool):
        global _grad_enabled
        super().__init__(mode)
        self.prev = _grad_enabled
        _grad_enabled = self.mode

    def __enter__(self):
        pass  # the switch happened in __init__, as in PyTorch


# ---------------------------------------------------------------- the graph

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


# Stands for the op's own result in a node's `saved`: it does not exist yet when the op records.
OUTPUT = object()

_NOT_TENSORS = (bool, int, float, complex, np.generic)
_NO_EDGE = (None, 0)


def tracked(x) -> bool:
    """Whether x is a tensor that requires grad (a view first catching up with its base: see Tensor).

    Every op asks this of every input, so a tensor that follows no base answers from its own
    attribute, without the call to synced."""
    if type(x) is not Tensor and not isinstance(x, Tensor):  # the exact type first: most inputs are
        return False
    return x._requires_grad if x._view_version is None else synced(x)._requires_grad


class Node:
    """One recorded op.

    `backward` is either a tuple with one derivative function per input (`g -> grad`),
    so that only the gradients some input needs are computed, or one function
    `g -> (grad, grad, ...)` for ops whose input gradients share work.

    An op whose backward reads its own result lists OUTPUT in `saved`, and its backward
    then receives the result as a second argument (`(g, y) -> grad`) instead of closing
    over it. The node keeps the result's array, not the result: the result holds the
    node as its grad_fn, and a node holding the result back would make a reference cycle,
    which only the garbage collector frees, with every array in it.

    Programs see PyTorch's public Node API only (name, next_functions, metadata,
    register_hook, register_prehook: the sandbox's allow-list in lang/namespace.py); the
    other attributes are the engine's.
    """

    __slots__ = ("_name", "backward", "next_functions", "inputs_meta", "saved", "output", "freed", "retained",
                 "hooks", "prehooks", "posthooks", "_metadata", "__weakref__")
    node_module = "builtins"  # of the classes node_class makes

    def __init__(self, name, backward, inputs, saved=(), output=None):
        self._name = name
        self.backward = backward
        nexts, metas = [], []
        for t in inputs:  # tensors, numbers or None
            if tracked(t):
                grad_fn = t._grad_fn
                nexts.append((grad_fn if grad_fn is not None else _accumulator_of(t), 0))
                # The shape and dtype the gradient for this input is reduced and cast to.
                data = t._data
                metas.append((data.shape, data.dtype))
            else:
                nexts.append(_NO_EDGE)
                metas.append(None)
        # (node, 0) pairs as PyTorch shows them; None for inputs outside the graph.
        self.next_functions = tuple(nexts)
        self.inputs_meta = metas
        # Each saved tensor (None for the output) with its version counter and the version at
        # save time, to detect in-place changes. Ops may list numbers, None and False among
        # `saved`; only tensors are kept.
        kept = []
        self.output = None  # the result's (array, version counter), when the backward reads it
        for t in saved:
            if t is OUTPUT:
                self.output = (output._data, output._version)
                kept.append((None, output._version, output._version[0]))
            elif not (t is None or isinstance(t, _NOT_TENSORS)):
                kept.append((t, t._version, t._version[0]))
        self.saved = tuple(kept)
        self.freed = False
        self.retained = None  # the tensor whose .grad this node fills (retain_grad)
        self.hooks = None  # functions applied to the gradient arriving here (Tensor.register_hook)
        self.prehooks = self.posthooks = None  # the node's own hooks (register_prehook, register_hook)
        self._metadata = None

    def name(self) -> str:
        return self._name

    @property
    def metadata(self) -> dict:
        """A dict the program may keep anything in, as PyTorch's Node.metadata."""
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def register_prehook(self, hook) -> RemovableHandle:
        """Call hook(grad_outputs) before the node runs; a returned tuple replaces grad_outputs."""
        if self.prehooks is None:
            self.prehooks = []
        self.prehooks.append(hook)
        return RemovableHandle(self.prehooks, hook)

    def register_hook(self, hook) -> RemovableHandle:
        """Call hook(grad_inputs, grad_outputs) after the node runs; a returned tuple replaces grad_inputs."""
        if self.posthooks is None:
            self.posthooks = []
        self.posthooks.append(hook)
        return RemovableHandle(self.posthooks, hook)

    def __repr__(self) -> str:
        return f"<{self._name} object at {hex(id(self))}>"

    def check_saved(self):
        if self.freed:
            raise RuntimeError(FREED_MESSAGE)
        for t, counter, version in self.saved:
            if counter[0] != version:
                # The message names the op that made a saved output, but an input's current grad_fn.
                array, maker = (self.output[0], self) if t is None else (t._data, t._grad_fn)
                what = f"[torch.{_dtype_of(array.dtype).legacy_name} [{', '.join(map(str, array.shape))}]]"
                if maker is not None:
                    what += f", which is output 0 of {re.sub(r'Backward[0-9]*$', '', maker.name())},"
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: {what} is at version {counter[0]}; expected version {version} "
                    "instead. Hint: enable anomaly detection to find the operation that failed to compute "
                    "its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
                )

    def free(self):
        # PyTorch only complains about a second backward through nodes that saved tensors.
        if self.saved:
            self.freed = True
            self.saved = ()
            self.output = None

    def input_grads(self, g):
        """The gradient for each input, given the gradient g of the result; None for an input
        outside the graph (the derivative functions of those are not called)."""
        backward = self.backward
        args = (g,) if self.output is None else (g, self.result())
        if type(backward) is tuple:
            return [None if child is None else derivative(*args)
                    for (child, _), derivative in zip(self.next_functions, backward)]
        return backward(*args)

    def result(self):
        """The op's result, for its backward: a tensor over the saved array, made by this node
        (so that with create_graph the gradient also flows through the result)."""
        array, counter = self.output
        y = wrap(array)
        y._version = counter
        y._requires_grad = True
        y._grad_fn = self
        return y


def node_class(name: str, base: type | None = None) -> type:
    """The class of the nodes called `name`: each op's nodes have their own class, named after
    it in no module (`type(t.exp().grad_fn)` shows `<class 'ExpBackward0'>`), as PyTorch's do."""
    classes = _NODE_CLASSES if base is None else base.named_classes
    cls = classes.get(name)
    if cls is None:
        base = base or Node
        cls = classes[name] = type(name, (base,), {"__slots__": (), "__module__": base.node_module})
    return cls


_NODE_CLASSES: dict[str, type] = {}


class AccumulateGrad(Node):
    """The node of a leaf tensor that requires grad: gradients end up in its `.grad`."""

    __slots__ = ("variable",)
    __module__ = "builtins"  # as PyTorch shows it: <class 'AccumulateGrad'>

    def __init__(self, variable):
        self._name = "AccumulateGrad"
        self.variable = variable
        self.next_functions = ()
        self.inputs_meta = []
        self.saved = ()
        self.freed = False
        self.retained = None
        self.hooks = self.prehooks = self.posthooks = None
        self._metadata = None


# ---------------------------------------------------------------- recording
#
# An op's body computes its result on NumPy arrays and hands it to `record` with its grad_fn
# name, its inputs, its backward, and the tensors its backward reads (`saved`, checked
# against in-place modification; numbers and None there are ignored). The backward is a
# tuple of one derivative function per input (`g -> gradient`, None for inputs without
# one), or one function returning a tuple of gradients: tensor ops, so that the same
# formula serves create_graph=True. A backward that reads the op's own result lists
# OUTPUT in `saved` and takes it as a second argument (`(g, y) -> ...`; see Node). A
# gradient may have the broadcast shape: _run reduces and casts it (_fit).


def record(array, name: str, inputs: tuple, backward, saved: tuple = ()) -> Tensor:
    """Wrap `array` as the op's result and, if any input requires grad, put it on the tape."""
    out = wrap(array)
    # Integer and bool results never require grad: they are where a graph ends.
    if _grad_enabled and out._data.dtype.kind in "fc":
        for t in inputs:
            if tracked(t):
                out._requires_grad = True
                out._grad_fn = node_class(name)(name, backward, inputs, saved, output=out)
                break
    return out


def needs_grad(input, other=None) -> bool:
    """Whether a result of these inputs goes on the tape: ops whose backward costs more to
    build than their forward on a tiny tensor ask before building it."""
    return _grad_enabled and (tracked(input) or tracked(other))


def record_view(base: Tensor, array: np.ndarray, name: str, backward) -> Tensor:
    """Like `record`, for results that share `base`'s memory."""
    if array.nbytes > limits._max_bytes:
        limits.check_view(array)
    out = _view(base, array)
    if _grad_enabled and array.dtype.kind in "fc" and tracked(base):
        out._requires_grad = True
        out._grad_fn = node_class(name)(name, backward, (base,))
    return out


def _node_of(t):
    """The node gradients for tensor `t` flow into, or None if it is outside the graph."""
    if not tracked(t):
        return None
    if t._grad_fn is not None:
        return t._grad_fn
    return _accumulator_of(t)


def _accumulator_of(leaf):
    acc = leaf._accumulator
    if acc is None:
        acc = leaf._accumulator = AccumulateGrad(leaf)
    return acc


def _topological(roots) -> list[Node]:
    """Nodes reachable from the roots, each before the nodes it feeds.

    Nodes hash by identity, so they are their own keys here and in _run."""
    order, seen = [], set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, children = stack[-1]
            for child, _ in children:
                if child is not None and child not in seen:
                    seen.add(child)
                    stack.append((child, iter(child.next_functions)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _fit(grad, meta):
    """Reduce a gradient over broadcast dimensions and cast it to its input's dtype."""
    shape, np_dtype = meta
    if grad._data.shape != shape:
        grad = grad.sum_to_size(shape)
    if grad._data.dtype != np_dtype:
        grad = grad.to(_dtype_of(np_dtype))
    return grad


def _dtype_of(np_dtype):
    return from_numpy_dtype(np_dtype)


def _run(roots, root_grads, *, retain_graph, create_graph, wanted=None, only=None):
    """The backward pass shared by `Tensor.backward` and `grad`.

    Returns the gradients arriving at the nodes in `wanted` (for `grad`); otherwise
    accumulates into leaves' `.grad` (only those whose nodes are in `only`, if given).
    """
    global _grad_enabled
    grads: dict[Node, object] = {}
    for node, g in zip(roots, root_grads):
        grads[node] = g if node not in grads else grads[node] + g
    wanted_at = {n: i for i, n in enumerate(wanted)} if wanted is not None else None
    results = [None] * len(wanted) if wanted is not None else None

    prev_mode = _grad_enabled
    _grad_enabled = create_graph
    try:
        for node in _topological(roots):
            g = grads.pop(node, None)
            if g is None:
                continue
            if node.hooks:
                for hook in node.hooks:
                    changed = hook(g)
                    if changed is not None:
                        if not isinstance(changed, Tensor):
                            raise TypeError(f"expected Variable, but hook returned '{type(changed).__name__}'")
                        g = changed
            if node.retained is not None:
                _deposit(node.retained, g, create_graph)
            if wanted_at is not None and node in wanted_at:
                results[wanted_at[node]] = g
            # The node's own hooks run only where PyTorch runs the node: grad() reads a leaf's
            # gradient as it arrives, without running its AccumulateGrad.
            if type(node) is AccumulateGrad:
                if wanted_at is None and (only is None or node in only):
                    if node.prehooks:
                        g = _prehooked(node, g)
                        if g is None:
                            continue
                    _deposit(node.variable, g, create_graph)
                    if node.posthooks:
                        _posthooked(node, (), g)
                continue
            if node.prehooks:
                g = _prehooked(node, g)
                if g is None:
                    continue
            if node.saved or node.freed:
                node.check_saved()
            input_grads = node.input_grads(g)
            if node.posthooks:
                input_grads = _posthooked(node, input_grads, g)
            for (child, _), meta, ig in zip(node.next_functions, node.inputs_meta, input_grads):
                if ig is None or child is None:
                    continue
                data = ig._data
                if data.shape != meta[0] or data.dtype != meta[1]:
                    ig = _fit(ig, meta)
                grads[child] = grads[child] + ig if child in grads else ig
            if not retain_graph and node.saved:
                node.free()
    finally:
        _grad_enabled = prev_mode
    return results


def _prehooked(node, g):
    """The gradient arriving at node after its register_prehook hooks (None: a hook dropped it)."""
    for hook in tuple(node.prehooks):  # a hook may remove itself
        (g,) = _hook_result(hook, hook((g,)), (g,))
        if g is None:
            return None
    return g


def _posthooked(node, input_grads, g):
    """The gradients node passes on after its register_hook hooks, which see them as PyTorch
    shows them: one per input, None for inputs outside the graph, in the input's shape."""
    grad_inputs = tuple(
        None if child is None or ig is None
        else ig if ig._data.shape == meta[0] and ig._data.dtype == meta[1] else _fit(ig, meta)
        for (child, _), meta, ig in zip(node.next_functions, node.inputs_meta, input_grads))
    for hook in tuple(node.posthooks):
        grad_inputs = _hook_result(hook, hook(grad_inputs, (g,)), grad_inputs)
    return grad_inputs


def _hook_result(hook, result, values: tuple) -> tuple:
    """What a node hook returned, checked as PyTorch checks it: None keeps `values`."""
    if result is None:
        return values
    if type(result) is not tuple:
        raise TypeError(f"expected tuple, but hook returned '{type(result).__name__}'")
    name = getattr(hook, "__name__", type(hook).__name__)
    if len(result) != len(values):
        raise RuntimeError(f"hook '{name}' has returned an incorrect number of values (got {len(result)}, but "
                           f"expected {len(values)})")
    for old, new in zip(values, result):
        if new is None:
            continue
        if not isinstance(new, Tensor):
            raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
        if old is None:
            raise RuntimeError("can't replace a None gradient with a non-None value")
        if new._data.shape != old._data.shape:
            raise RuntimeError(f"hook '{name}' has changed the size of value")
        if new._data.dtype != old._data.dtype:
            raise RuntimeError(f"hook '{name}' has changed the type of value (was "
                               f"torch.{_dtype_of(old._data.dtype).legacy_name} got "
                               f"torch.{_dtype_of(new._data.dtype).legacy_name})")
    return result


def _deposit(tensor, g, create_graph):
    """Add g into tensor.grad, as AccumulateGrad does (grad mode is create_graph here)."""
    current = tensor._grad
    if current is None:
        # Without a graph to keep, .grad gets its own copy: g may be shared (an identity
        # backward hands one gradient to several inputs), a view (expand), or the caller's.
        tensor._grad = g if create_graph else wrap(g._data.copy())
    elif create_graph or not current._data.flags.writeable:
        tensor._grad = current + g
    else:
        current._data += g._data


def backward(tensor, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Compute the gradient of `tensor` with respect to the graph's leaves."""
    if not tensor.requires_grad:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    if gradient is None:
        gradient = _implicit_grad(tensor)
    else:
        gradient = _as_grad(gradient, tensor)
    if retain_graph is None:
        retain_graph = create_graph
    only = None
    if inputs is not None:
        inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        _check_inputs(inputs)
        only = {_node_of(t) for t in inputs}
    _run([_node_of(tensor)], [gradient], retain_graph=retain_graph, create_graph=create_graph, only=only)


def _implicit_grad(output):
    """The gradient `backward()` starts from without one given: a one, for a scalar output."""
    data = output._data
    if data.size != 1:
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    if data.dtype.kind != "f":
        raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {output.dtype}")
    return wrap(np.ones(data.shape, data.dtype))


class RemovableHandle:
    """What register_hook returns: `remove()` takes the hook off again."""

    __module__ = "torch.utils.hooks"  # as PyTorch shows it

    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def register_hook(tensor, hook) -> RemovableHandle:
    """Call hook(grad) on the gradient arriving at tensor; a returned tensor replaces the gradient."""
    if not tensor.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    node = _node_of(tensor)
    if node.hooks is None:
        node.hooks = []
    node.hooks.append(hook)
    return RemovableHandle(node.hooks, hook)


def _as_grad(gradient, like):
    if not isinstance(gradient, Tensor):
        raise TypeError(f"gradient must be a Tensor, not {type(gradient).__name__}")
    if gradient.shape != like.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[0] has a shape of {gradient.shape} and output[0] has a shape "
            f"of {like.shape}."
        )
    return gradient


def _check_inputs(inputs):
    for t in inputs:
        if not isinstance(t, Tensor):
            raise RuntimeError(f"all inputs have to be Tensors or GradientEdges, but got {type(t).__name__}")


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None,
         is_grads_batched=False, materialize_grads=False):
    """Gradients of `outputs` with respect to `inputs`, returned as a tuple (torch.autograd.grad)."""
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    else:
        grad_outputs = list(grad_outputs)
    roots, root_grads = [], []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(out, Tensor):
            raise AssertionError("Expected output to be a torch.Tensor")  # PyTorch's very words and class
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            g = _implicit_grad(out)
        else:
            g = _as_grad(g, out)
        roots.append(_node_of(out))
        root_grads.append(g)
    _check_inputs(inputs)
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    wanted = [_node_of(t) for t in inputs]
    if retain_graph is None:
        retain_graph = create_graph
    # Non-leaf inputs: their gradient is what arrives at their grad_fn.
    results = _run(roots, root_grads, retain_graph=retain_graph, create_graph=create_graph, wanted=wanted)
    for i, r in enumerate(results):
        if r is None:
            if materialize_grads:
                results[i] = inputs[i].new_zeros(inputs[i].shape)
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        else:
            results[i] = _fit(r, (inputs[i]._data.shape, inputs[i]._data.dtype))
            if not create_graph:
                results[i] = results[i].detach()
    return tuple(results)


# torch.autograd.Function, Variable and functional: modules of their own, built on this one.
from . import autograd_functional as functional
from .function import Function, Variable
