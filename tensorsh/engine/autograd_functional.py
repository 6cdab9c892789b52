"""`torch.autograd.functional`: jacobian, hessian and vector products of a function, built on
`torch.autograd.grad` (the engine's reverse mode; forward-mode products use the double-backward
trick, as PyTorch's own reverse-mode versions do).

Each takes `func` and `inputs` (a tensor or a tuple of tensors) and answers in the same
structure; `create_graph=True` keeps the results differentiable, `strict=True` refuses outputs
that do not depend on an input instead of answering zeros.
"""

from __future__ import annotations

from .autograd import enable_grad, grad, is_grad_enabled, set_grad_enabled
from .tensor import Tensor

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def _as_tuple(value, what: str, fn: str) -> tuple[bool, tuple]:
    """(whether value was a tuple, value as a tuple), refusing anything but tensors."""
    is_tuple = isinstance(value, tuple)
    values = value if is_tuple else (value,)
    for i, el in enumerate(values):
        if not isinstance(el, Tensor):
            where = f"value at index {i}" if is_tuple else f"given {what}"
            raise TypeError(f"The {what} given to {fn} must be either a Tensor or a tuple of Tensors but the "
                            f"{where} has type {type(el)}.")
    return is_tuple, values


def _unpack(values, is_tuple: bool):
    return values if is_tuple else values[0]


def _prepare(inputs: tuple, create_graph: bool, need_graph: bool = True) -> tuple:
    """Fresh tensors for the inputs (so that the function's own captures of them are told apart),
    attached to the inputs' graph only with create_graph."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad else t.detach().requires_grad_(need_graph)
                 for t in inputs)


def _finish(values: tuple, create_graph: bool) -> tuple:
    if create_graph:
        return values
    return tuple(_finish(v, False) if isinstance(v, tuple) else v.detach() for v in values)


def _check_outputs(outputs: tuple, strict: bool) -> None:
    if strict:
        for i, out in enumerate(outputs):
            if not out.requires_grad:
                raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The "
                                   "outputs must be computed in a differentiable manner from the input when "
                                   "running in strict mode.")


def _grads(outputs: tuple, inputs: tuple, grad_outputs=None, create_graph=False) -> tuple:
    """autograd.grad over the outputs that require grad, None for inputs they do not reach."""
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else grad_outputs
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, gs = zip(*pairs)
    return grad(list(outs), list(inputs), list(gs), retain_graph=True, create_graph=create_graph,
                allow_unused=True)


def _zeros_for_none(grads: tuple, refs: tuple, strict: bool, message: str) -> tuple:
    result = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(message.format(i))
            g = ref.new_zeros(ref.shape)
        result.append(g)
    return tuple(result)


_INDEPENDENT = "The output of the user-provided function is independent of input {}. This is not allowed in strict mode."


def _check_v(v: tuple, like: tuple, like_is_tuple: bool) -> None:
    if len(v) != len(like):
        if like_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, like)):
        if a.shape != b.shape:
            prefix = f"Entry {i} in " if like_is_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {b.shape} but got {a.shape}.")


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), v^T J): the vector-Jacobian product at inputs."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_outputs(outputs, strict)
        if v is not None:
            v = _prepare(_as_tuple(v, "v", "vjp")[1], create_graph, need_graph=False)
            _check_v(v, outputs, outputs_tuple)
        elif len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single "
                               "Tensor with a single element.")
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        result = _zeros_for_none(_grads(outputs, inputs, v, create_graph), inputs, strict, _INDEPENDENT)
    return _unpack(_finish(outputs, create_graph), outputs_tuple), _unpack(_finish(result, create_graph),
                                                                           inputs_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), J v): the Jacobian-vector product at inputs (by differentiating a vjp)."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph)
        if v is not None:
            v = _prepare(_as_tuple(v, "v", "jvp")[1], create_graph, need_graph=False)
            _check_v(v, inputs, inputs_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_outputs(outputs, strict)
        # The vjp is linear in its vector u, so differentiating it by u gives J v for any u.
        u = tuple(out.new_zeros(out.shape).requires_grad_(True) for out in outputs)
        grad_inputs = _grads(outputs, inputs, u, create_graph=True)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        result = _grads(grad_inputs, u, v, create_graph)
        result = _zeros_for_none(result, outputs, strict, "The gradient with respect to the input is "
                                 "independent of entry {} in the grad_outputs when using the double backward "
                                 "trick to compute forward mode gradients. This is not allowed in strict mode.")
    return _unpack(_finish(outputs, create_graph), outputs_tuple), _unpack(_finish(result, create_graph),
                                                                           outputs_tuple)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of func at inputs: for each output and input, a tensor of shape out.shape + in.shape."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_outputs(outputs, strict)
        jac = []
        for i, out in enumerate(outputs):
            rows = [[] for _ in inputs]
            flat = out.reshape(-1)
            for j in range(out.numel()):
                for k, (g, inp) in enumerate(zip(_grads((flat[j],), inputs, create_graph=create_graph), inputs)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is independent of input "
                                               f"{k}. This is not allowed in strict mode.")
                        g = inp.new_zeros(inp.shape)
                    elif strict and create_graph and not g.requires_grad:
                        raise RuntimeError(f"The jacobian of the user-provided function is independent of input "
                                           f"{i}. This is not allowed in strict mode when create_graph=True.")
                    rows[k].append(g)
            jac.append(tuple(_stack(r, inp).view(out.shape + inp.shape) for r, inp in zip(rows, inputs)))
        jac = _finish(tuple(jac), create_graph)
    if not inputs_tuple:
        jac = tuple(row[0] for row in jac)
    return jac if outputs_tuple else jac[0]


def _stack(rows: list, like: Tensor) -> Tensor:
    from . import stack  # the engine's op, installed after this module loads

    return stack(rows, 0) if rows else like.new_zeros((0,) + tuple(like.shape))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function at inputs: for each pair of inputs, in.shape + in.shape."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def single_output(*inp):
        out = func(*inp)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_outputs(outs, strict)
        if out_tuple:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single "
                               "element")
        return out.squeeze()

    def jac_func(*inp):
        return jacobian(single_output, inp, create_graph=True)

    result = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict)
    if not inputs_tuple:
        return result[0][0]
    return result


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), v^T H) for a function with a single-element output."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), H v) for a function with a single-element output (H is symmetric: v^T H)."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph, strict, name):
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
        inputs = _prepare(inputs, create_graph)
        if v is not None:
            v = _prepare(_as_tuple(v, "v", name)[1], create_graph, need_graph=False)
            _check_v(v, inputs, inputs_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", name)
        _check_outputs(outputs, strict)
        if outputs_tuple:
            raise RuntimeError(f"The function given to {name} should return a single Tensor")
        if outputs[0].numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {name} should contain a single element")
        jac = _grads(outputs, inputs, create_graph=True)
        if strict:
            for i, g in enumerate(jac):
                if g is None or not g.requires_grad:
                    raise RuntimeError(f"The jacobian of the user-provided function with respect to input {i} is "
                                       "independent of the input. This is not allowed in strict mode.")
        if v is None:
            v = tuple(inp.new_ones(inp.shape) for inp in inputs)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        result = _grads(jac, inputs, v, create_graph)
        result = _zeros_for_none(result, inputs, strict, "The hessian of the user-provided function is "
                                 "independent of input {}. This is not allowed in strict mode.")
    return _unpack(_finish(outputs, create_graph), outputs_tuple), _unpack(_finish(result, create_graph),
                                                                           inputs_tuple)
