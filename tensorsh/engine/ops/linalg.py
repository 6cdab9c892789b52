"""Linear algebra: matrix products in every rank combination, einsum, and torch.linalg.

Forwards are one NumPy call on the arrays (`np.matmul`, `np.einsum`), so a big
product costs what NumPy's does. Each op checks its operands in PyTorch's order
and with PyTorch's messages, and records one node under the grad_fn name PyTorch
shows for that rank combination. Backwards are products of the same kind; while
no graph is being built (the usual backward) they run straight on the arrays.
"""

from __future__ import annotations

import math
import string

import numpy as np

from .. import autograd, dtypes, limits, work
from ..limits import check_allocation
from ..size import return_types
from ..tensor import Tensor, synced, wrap
from ..autograd import OUTPUT, needs_grad, record
from .common import C_TYPES as _CTYPE, tensor_arg, warn_once
from .reduction import vector_norm
from .registry import op



def _scalar_name(a: np.ndarray) -> str:
    """PyTorch's ScalarType name of an array's dtype: Float, Double, Long, ComplexFloat ..."""
    return dtypes.of_array(a).scalar_name


def _tensors(name: str, input, other, second: str, first: str = "input") -> None:
    """PyTorch's TypeError for an operand that is not a tensor."""
    if type(input) is Tensor and type(other) is Tensor:
        return
    for arg, label, pos in ((input, first, 1), (other, second, 2)):
        if not isinstance(arg, Tensor):
            raise TypeError(f"{name}(): argument '{label}' (position {pos}) must be Tensor, not {type(arg).__name__}")


def _no_bool(a: np.ndarray, kernel: str) -> None:
    if a.dtype == np.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _x(shape) -> str:
    return "x".join(map(str, shape))


def _saved_for(a: Tensor, b: Tensor) -> tuple:
    """What a product's backward reads, as PyTorch saves it: each factor only if the other needs a gradient."""
    if not (synced(a)._requires_grad or synced(b)._requires_grad):
        return ()
    return tuple(t for t, other in ((a, b), (b, a)) if other._requires_grad)


# ================================================================ the checks, one per PyTorch kernel


def _check_mm(a: np.ndarray, b: np.ndarray, m1="m1", m2="m2") -> None:
    if a.shape[-1] != b.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_x(a.shape)} and {_x(b.shape)})")
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"expected {m1} and {m2} to have the same dtype, but got: {_CTYPE[a.dtype]} != {_CTYPE[b.dtype]}"
        )
    _no_bool(a, "addmm_impl_cpu_")


def _check_mv(mat: np.ndarray, vec: np.ndarray, rows=None) -> None:
    if mat.dtype != vec.dtype:
        v, m = _scalar_name(vec), _scalar_name(mat)
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {v}, {m}, and {v}")
    if mat.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({mat.shape[0] if rows is None else rows}), mat ({_x(mat.shape)}), "
            f"vec ({vec.shape[0]})"
        )
    _no_bool(mat, "addmv_impl_cpu")


def _check_bmm(a_shape: tuple, b_shape: tuple, a_dtype, b_dtype) -> None:
    if b_shape[0] != a_shape[0] or b_shape[1] != a_shape[2]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a_shape[0]}, {a_shape[2]}] "
            f"but got: [{b_shape[0]}, {b_shape[1]}]."
        )
    if a_dtype != b_dtype:
        raise RuntimeError(
            f"expected scalar type {_scalar_name(np.empty(0, a_dtype))} but found {_scalar_name(np.empty(0, b_dtype))}"
        )
    if a_dtype == np.bool_:
        raise NotImplementedError("\"bmm\" not implemented for 'Bool'")


def _check_size(shape: tuple, a: np.ndarray, b: np.ndarray) -> None:
    """The memory limit, on a product's result shape, before NumPy allocates it."""
    dtype = a.dtype if a.dtype == b.dtype else np.result_type(a.dtype, b.dtype)
    check_allocation(shape, dtypes.BY_NUMPY.get(dtype, dtypes.float64))


def _check_dot(a: np.ndarray, b: np.ndarray) -> None:
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {_scalar_name(a)} and {_scalar_name(b)}"
        )
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have the same "
            f"number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively"
        )
    _no_bool(a, "dot")


# ================================================================ products


@op("linalg", grad_fn="MmBackward0", out="product")
def mm(input, mat2):
    """Matrix product of two 2-D tensors (no broadcasting; see matmul)."""
    _tensors("mm", input, mat2, "mat2")
    a, b = input._data, mat2._data
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0] or a.dtype != b.dtype or a.dtype == np.bool_:
        _check_mm(a, b)  # raises PyTorch's message
    if a.shape[0] * b.shape[1] * 16 > limits._max_bytes:  # else no dtype could exceed the limit
        _check_size((a.shape[0], b.shape[1]), a, b)
    out = work.matmul(a, b)
    if not needs_grad(input, mat2):
        return wrap(out)

    def backward(g):
        return (_product_in_layout_of(input, g, mat2.t()) if input._requires_grad else None,
                _product_in_layout_of(mat2, input.t(), g) if mat2._requires_grad else None)

    return record(out, "MmBackward0", (input, mat2), backward, saved=_saved_for(input, mat2))


def _product_in_layout_of(t, a, b):
    """a.mm(b), the gradient of mm's input t, in t's layout as PyTorch's mm backward gives it: for
    a column-major t (a transposed weight, as in linear) it is (b.T @ a.T).T, so that .grad
    needs no transposing copy."""
    flags = t._data.flags
    return b.t().mm(a.t()).t() if flags.f_contiguous and not flags.c_contiguous else a.mm(b)


@op("linalg", grad_fn="MvBackward0", out="product")
def mv(input, vec):
    """Matrix-vector product of a 2-D and a 1-D tensor."""
    _tensors("mv", input, vec, "vec")
    a, v = input._data, vec._data
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    _check_mv(a, v)

    def backward(g):
        return (g.unsqueeze(1) * vec if input._requires_grad else None,
                input.t().mv(g) if vec._requires_grad else None)

    return record(np.matmul(a, v), "MvBackward0", (input, vec), backward, saved=_saved_for(input, vec))


@op("linalg", grad_fn="DotBackward0")
def dot(input, other):
    """Dot product of two 1-D tensors of the same size and dtype."""
    _tensors("dot", input, other, "tensor")
    a, b = input._data, other._data
    _check_dot(a, b)
    return record(np.asarray(np.dot(a, b), dtype=a.dtype), "DotBackward0", (input, other),
                  lambda g: (g * other if input._requires_grad else None, g * input if other._requires_grad else None),
                  saved=_saved_for(input, other))


@op("linalg", grad_fn="VdotBackward0")
def vdot(input, other):
    """Dot product of two 1-D tensors, conjugating the first."""
    _tensors("vdot", input, other, "other")
    a, b = input._data, other._data
    _check_dot(a, b)
    return record(np.asarray(np.vdot(a, b), dtype=a.dtype), "VdotBackward0", (input, other),
                  lambda g: (g * other if input._requires_grad else None, g * input if other._requires_grad else None),
                  saved=_saved_for(input, other))


@op("linalg", aliases=("ger",), grad_fn="MulBackward0")
def outer(input, vec2):
    """Outer product of two 1-D tensors: out[i, j] = input[i] * vec2[j]."""
    _tensors("outer", input, vec2, "vec2")
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return input.reshape(-1, 1) * vec2


@op("linalg", grad_fn="BmmBackward0", out="product")
def bmm(input, mat2):
    """Batched matrix product of two 3-D tensors with the same batch size."""
    _tensors("bmm", input, mat2, "mat2")
    a, b = input._data, mat2._data
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _check_bmm(a.shape, b.shape, a.dtype, b.dtype)
    _check_size((a.shape[0], a.shape[1], b.shape[2]), a, b)

    def backward(g):
        return (g.bmm(mat2.transpose(1, 2)) if input._requires_grad else None,
                input.transpose(1, 2).bmm(g) if mat2._requires_grad else None)

    return record(work.matmul(a, b), "BmmBackward0", (input, mat2), backward, saved=_saved_for(input, mat2))


def _check_matmul(a: np.ndarray, b: np.ndarray) -> None:
    """PyTorch's matmul checks for the ranks that are not plain dot/mv/mm."""
    d1, d2 = a.ndim, b.ndim
    if d1 == 1 and d2 == 2:
        _check_mm(a.reshape(1, -1), b)
        return
    if d1 >= 3 and d2 <= 2:  # the batch of input is folded into the rows of one product
        rows = int(np.prod(a.shape[:-1]))
        _check_size((*a.shape[:-1], b.shape[-1]) if d2 == 2 else a.shape[:-1], a, b)
        folded = np.empty((rows, a.shape[-1]), dtype=a.dtype)
        if d2 == 2:
            _check_mm(folded, b)
        else:
            _check_mv(folded, b)
        return
    from .common import broadcast_shapes

    batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    n_batch = int(np.prod(batch))
    rows = a.shape[-2] if d1 > 1 else 1
    k2 = b.shape[-2] if d2 > 1 else b.shape[0]
    cols = b.shape[-1] if d2 > 1 else 1
    _check_bmm((n_batch, rows, a.shape[-1]), (n_batch, k2, cols), a.dtype, b.dtype)
    _check_size((n_batch, rows, cols), a, b)


def _matmul_name(input: Tensor, other: Tensor) -> str:
    """The grad_fn PyTorch's matmul leaves on its result for these ranks (it decomposes into several ops)."""
    s1, s2 = input._data.shape, other._data.shape
    d1, d2 = len(s1), len(s2)
    if d1 == 1 and d2 == 2:
        return "SqueezeBackward4"
    if d1 == 3 and d2 == 3 and s1[0] == 1 and s2[0] != 1:
        s1, d1 = s1[1:], 2
    if d1 == 2 and d2 >= 3 and synced(input)._requires_grad:
        # Folded through a transpose, then made contiguous: a copy unless a side is 1.
        return "TransposeBackward0" if s1[0] == 1 or s2[-1] == 1 else "CloneBackward0"
    return "UnsafeViewBackward0"


def _matmul_operator(input, other):
    """input @ other: with a non-tensor operand, Python's TypeError, as in PyTorch (the function
    form raises PyTorch's own)."""
    if not (isinstance(input, Tensor) and isinstance(other, Tensor)):
        return NotImplemented
    if input._data.ndim == 2 and other._data.ndim == 2:
        return mm(input, other)  # what matmul does for two matrices, one call sooner
    return matmul(input, other)


@op("linalg", variants="function, method, linalg", operators=("__matmul__",), reflected=("__rmatmul__",),
    operator=_matmul_operator, grad_fn=("CloneBackward0", "DotBackward0", "MmBackward0", "MvBackward0",
                                        "SqueezeBackward4", "TransposeBackward0", "UnsafeViewBackward0"),
    out="product")
def matmul(input, other):
    """Matrix product with PyTorch's rank rules: dot, matrix-vector, matrix, and broadcast batches."""
    _tensors("matmul", input, other, "other")
    a, b = input._data, other._data
    d1, d2 = a.ndim, b.ndim
    if d1 == 0 or d2 == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D")
    if d1 == 2 and d2 == 2:
        return mm(input, other)
    if d1 == 1 and d2 == 1:
        return dot(input, other)
    if d1 == 2 and d2 == 1:
        return mv(input, other)
    _check_matmul(a, b)

    def backward(g):
        # Treat vectors as matrices (a row on the left, a column on the right) and undo it at the end.
        a2 = input if d1 > 1 else input.unsqueeze(0)
        b2 = other if d2 > 1 else other.unsqueeze(1)
        g2 = g if d1 > 1 else g.unsqueeze(-2)
        g2 = g2 if d2 > 1 else g2.unsqueeze(-1)
        ga = gb = None
        if input._requires_grad:
            ga = matmul(g2, b2.transpose(-1, -2)).sum_to_size(a2.shape).reshape(a.shape)
        if other._requires_grad:
            gb = matmul(a2.transpose(-1, -2), g2).sum_to_size(b2.shape).reshape(b.shape)
        return ga, gb

    return record(work.matmul(a, b), _matmul_name(input, other), (input, other), backward, saved=_saved_for(input, other))


@op("linalg", grad_fn="AddmmBackward0")
def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2)."""
    tensor_arg(input)
    _tensors("addmm", mat1, mat2, "mat2", "mat1")
    # PyTorch's addmm checks dtypes before shapes, with messages of its own (not mm's).
    if mat1._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_scalar_name(mat1._data)} and "
                           f"{_scalar_name(mat2._data)}")
    if input._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_scalar_name(input._data)} and "
                           f"{_scalar_name(mat2._data)}")
    product = mm(mat1, mat2)
    if alpha != 1:
        product = product * alpha
    if input._data.shape != product._data.shape:
        with autograd.no_grad():
            input.expand(product._data.shape)  # PyTorch's message when input does not broadcast
    base = input if beta == 1 else input * beta
    return record(base._data + product._data, "AddmmBackward0", (base, product), lambda g: (g, g))


@op("linalg", grad_fn="TraceBackward0")
def trace(input):
    """The sum of the main diagonal of a 2-D tensor."""
    tensor_arg(input)
    a = input._data
    if a.ndim != 2:
        raise RuntimeError("trace: expected a matrix, but got tensor with dim " + str(a.ndim))
    _no_bool(a, "trace")
    shape = a.shape
    out_dtype = np.int64 if a.dtype.kind in "biu" else a.dtype
    eye = np.eye(shape[0], shape[1], dtype=a.dtype if a.dtype.kind in "fc" else np.float64)
    return record(np.asarray(np.trace(a), dtype=out_dtype), "TraceBackward0", (input,),
                  lambda g: (g * wrap(eye.astype(g._data.dtype)),))


@op("linalg", variants="function", grad_fn="ViewBackward0")
def tensordot(a, b, dims=2):
    """Sum of products over the last `dims` dims of a and the first of b (or the given dim lists)."""
    tensor_arg(a, "a")
    tensor_arg(b, "b")
    if isinstance(dims, int):
        axes_a = list(range(a.ndim - dims, a.ndim))
        axes_b = list(range(dims))
    else:
        axes_a, axes_b = [list(d) if isinstance(d, (list, tuple)) else [d] for d in dims]
    letters = iter(string.ascii_letters)
    sa = [next(letters) for _ in range(a.ndim)]
    sb = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(axes_a, axes_b):
        sb[j % b.ndim] = sa[i % a.ndim]
    shared = {sa[i % a.ndim] for i in axes_a}
    out = [c for c in sa if c not in shared] + [c for c in sb if c not in shared]
    return einsum(f"{''.join(sa)},{''.join(sb)}->{''.join(out)}", a, b)


# ================================================================ einsum


def _parse_einsum(equation: str, shapes: list) -> tuple[list[str], str, dict]:
    """Operand subscripts and output subscripts with '...' spelled out, and each subscript's size."""
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): argument 'equation' (position 1) must be str, not {type(equation).__name__}")
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    for i, c in enumerate(eq):
        if not (c in string.ascii_letters or c in ",.->"):
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {i} in the equation string, subscripts must be in [a-zA-Z]"
            )
    spare = [c for c in string.ascii_letters[::-1] if c not in eq]
    n_ell = 0
    for term, shape in zip(terms, shapes):
        if "..." in term:
            n_ell = max(n_ell, len(shape) - (len(term) - 3))
    ell = "".join(spare[:n_ell][::-1])
    expanded, sizes = [], {}
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        if "..." in term:
            named = len(term) - 3
            if named > len(shape):
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({named}) is more than the number of "
                    f"dimensions ({len(shape)}) for operand {k}"
                )
            term = term.replace("...", ell[n_ell - (len(shape) - named):] if len(shape) > named else "")
        elif len(term) != len(shape):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(term)}) does not match the number of "
                f"dimensions ({len(shape)}) for operand {k} and no ellipsis was given"
            )
        own = {}
        for c, size in zip(term, shape):
            if own.setdefault(c, size) != size:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't match, "
                                   f"{size} != {own[c]}")
            seen = sizes.get(c)
            if seen is None or seen == 1:
                sizes[c] = size
            elif size != seen and size != 1:
                raise RuntimeError(
                    f"einsum(): subscript {c} has size {size} for operand {k} which does not broadcast with "
                    f"previously seen size {seen}"
                )
        expanded.append(term)
    if arrow:
        out = rhs.replace("...", ell)
        for c in out:
            if c not in sizes:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input operand")
            if out.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
    else:
        counts = {}
        for term in expanded:
            for c in term:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted((c for c, n in counts.items() if n == 1 and c not in ell),
                                   key=lambda c: (c.islower(), c)))
    return expanded, out, sizes


@op("linalg", variants="function", grad_fn=("MulBackward0", "PermuteBackward0", "SumBackward1", "ViewBackward0"))
def einsum(equation, *operands):
    """Sums of products over the subscripts an equation names, e.g. einsum('ij,jk->ik', a, b), or
    in the sublist form einsum(a, [0, 1], b, [1, 2], [0, 2]) (subscripts 0-51, and ... for Ellipsis)."""
    if isinstance(equation, Tensor):
        if not operands:
            raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                             "operand and its subscripts list")
        equation, operands = _sublist_equation((equation, *operands))
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise ValueError(
            "einsum(): must specify the equation string and at least one operand, or at least one operand and "
            "its subscripts list"
        )
    for i, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type(t).__name__}")
    terms, out, sizes = _parse_einsum(equation, [t._data.shape for t in operands])
    first = operands[0]._data.dtype if operands else None
    for t in operands[1:]:
        if t._data.dtype != first:
            raise RuntimeError(
                f"expected scalar type {_scalar_name(operands[0]._data)} but found {_scalar_name(t._data)}"
            )
    try:
        out_shape = tuple(sizes[c] for c in out)
    except (KeyError, TypeError):
        out_shape = ()
    check_allocation(out_shape, dtypes.BY_NUMPY.get(first, dtypes.float64))
    arrays = [_broadcast_term(t._data, term, sizes) for t, term in zip(operands, terms)]
    spec = ",".join(terms) + "->" + out
    # NumPy's path optimiser (BLAS for contractions) pays off for big or many operands only.
    big = len(arrays) > 2 or max((a.size for a in arrays), default=0) > 4096
    loops = math.prod(sizes[c] for c in set(spec) if c in sizes)  # multiply-adds of the plain nested loops
    result = work.in_background(loops, lambda: np.einsum(spec, *arrays, optimize=big))
    result = np.asarray(result, dtype=first)

    def backward(g):
        return tuple(_einsum_grad(g, k, operands, terms, out, sizes) if operands[k]._requires_grad else None
                     for k in range(len(operands)))

    summed = any(c not in out for term in terms for c in term)
    if len(operands) == 1:
        name = "SumBackward1" if summed else "PermuteBackward0"
    else:
        name = "ViewBackward0" if summed else "MulBackward0"
    # Operand k is read by the gradients of the others: saved only if one of them needs a gradient.
    saved = tuple(t for k, t in enumerate(operands)
                  if any(o._requires_grad for j, o in enumerate(operands) if j != k))
    return record(result, name, tuple(operands), backward, saved=saved)


def _subscript(n) -> str:
    if n is Ellipsis:
        return "..."
    if 0 <= n < 26:
        return chr(ord("A") + n)
    if 26 <= n < 52:
        return chr(ord("a") + n - 26)
    raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")


def _sublist_equation(args: tuple) -> tuple[str, tuple]:
    """einsum(op1, sublist1, op2, sublist2, ..., [output]) as an equation and its operands, as
    torch/functional.py spells it (0-25 are A-Z, 26-51 a-z)."""
    equation = ",".join("".join(_subscript(n) for n in sub) for sub in args[1::2])
    if len(args) % 2 == 1:
        return equation + "->" + "".join(_subscript(n) for n in args[-1]), args[:-1:2]
    return equation, args[::2]


def _broadcast_term(a: np.ndarray, term: str, sizes: dict) -> np.ndarray:
    target = tuple(sizes[c] for c in term)
    return a if a.shape == target else np.broadcast_to(a, target)


def _einsum_grad(g: Tensor, k: int, operands, terms, out, sizes) -> Tensor:
    """The gradient for operand k: g contracted with the other operands back onto k's subscripts."""
    term = terms[k]
    parts, tensors = [out], [g]
    for j, (t, other) in enumerate(zip(terms, operands)):
        if j != k:
            parts.append(t)
            tensors.append(other)
    dtype = g._data.dtype
    present = set("".join(parts))
    for c in dict.fromkeys(term):
        if c not in present:  # summed only inside operand k: its gradient is constant along c
            parts.append(c)
            tensors.append(wrap(np.ones(sizes[c], dtype=dtype)))
            present.add(c)
    spare = iter(c for c in string.ascii_letters if c not in "".join(terms) + out)
    target = []
    for c in term:
        if c in target:  # a repeated subscript is a diagonal: spread through an identity
            fresh = next(spare)
            parts.append(c + fresh)
            tensors.append(wrap(np.eye(sizes[c], dtype=dtype)))
            target.append(fresh)
        else:
            target.append(c)
    return einsum(",".join(parts) + "->" + "".join(target), *tensors)


# ================================================================ the torch.linalg namespace


@op("linalg", variants="linalg", name="linalg_matrix_norm", grad_fn=("AmaxBackward0", "AminBackward0", "LinalgVectorNormBackward0", "SqueezeBackward1", "SumBackward1"))
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """The Frobenius ('fro'), nuclear ('nuc') or 1/inf/2 matrix norm over two dims."""
    tensor_arg(A, "A")
    if ord == "fro":
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    a = A._data
    axes = tuple(d % a.ndim for d in dim)
    if ord == "nuc" or ord in (2, -2):
        return _spectral_norm(A, ord, axes, keepdim)
    if ord in (1, -1, float("inf"), float("-inf")):
        sum_axis, max_axis = (axes[0], axes[1]) if abs(ord) == 1 else (axes[1], axes[0])
        from .reduction import amax, amin

        col = A.abs().sum(sum_axis, keepdim=True)
        pick = amax if ord > 0 else amin
        res = pick(col, max_axis, keepdim=True)
        return res if keepdim else res.squeeze(tuple(sorted(axes)))
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def _spectral_norm(A, ord, axes, keepdim):
    """Norms of the singular values: their sum ('nuc'), the largest (2) or the smallest (-2)."""
    a = A._data
    moved = np.moveaxis(a, axes, (-2, -1))
    u, sv, vh = work.in_background(a.size * min(a.shape[-2:]), np.linalg.svd,
                                   moved.astype(np.promote_types(a.dtype, np.float64)), False)
    if ord == "nuc":
        out, name = sv.sum(-1), "SumBackward1"
        direction = u @ vh  # d(sum of singular values)/dA = U V^T
    else:
        k = np.argmax(sv, -1) if ord == 2 else np.argmin(sv, -1)
        out, name = np.take_along_axis(sv, k[..., None], -1)[..., 0], "AmaxBackward0" if ord == 2 else "AminBackward0"
        uk = np.take_along_axis(u, k[..., None, None], -1)
        vk = np.take_along_axis(vh, k[..., None, None], -2)
        direction = uk @ vk  # d(sigma_k)/dA = u_k v_k^T
    direction = np.moveaxis(direction, (-2, -1), axes).astype(a.dtype)
    kept = tuple(sorted(axes))
    if keepdim:
        out = np.expand_dims(out, kept)

    def backward(g):
        if not keepdim:
            g = g.reshape(np.expand_dims(np.empty(g.shape), kept).shape)
        return (g * wrap(direction),)

    return record(np.asarray(out, dtype=a.dtype), name, (A,), backward)


@op("linalg", variants="linalg", grad_fn=("AmaxBackward0", "AminBackward0", "LinalgVectorNormBackward0", "SqueezeBackward1", "SumBackward1"))
def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.norm: a vector norm, or a matrix norm when ord is a string or dim has two entries."""
    tensor_arg(A, "A")
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if isinstance(ord, str) or (dim is not None and isinstance(dim, (list, tuple)) and len(dim) == 2) or \
            (dim is None and A._data.ndim == 2):
        return matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def _square(A, name):
    tensor_arg(A, "A")
    a = A._data
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"linalg.{name}: A must be batches of square matrices, but they are {a.shape[-2] if a.ndim > 1 else 1} "
            f"by {a.shape[-1]} matrices"
        )
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as input. Got {_scalar_name(a)}")
    return a


@op("linalg", variants="function, method, linalg", grad_fn="LinalgDetBackward0")
def det(A):
    """The determinant of a square matrix (or a batch of them)."""
    a = _square(A, "det")

    def backward(g, result):
        scale = (g * result).unsqueeze(-1).unsqueeze(-1)
        try:
            return (scale * inv(A).transpose(-1, -2),)
        except RuntimeError:  # singular: d(det)/dA is the cofactor matrix, computed directly
            return (g.unsqueeze(-1).unsqueeze(-1) * wrap(_cofactors(A._data)),)

    return record(np.asarray(_lu_det(a), dtype=a.dtype), "LinalgDetBackward0", (A,), backward,
                  saved=(A, OUTPUT))


def _lu_det(a: np.ndarray) -> np.ndarray:
    """det as PyTorch computes it: LU with partial pivoting (LAPACK's getrf), then the product of
    U's diagonal. NumPy's det goes through logarithms and misses exact values: it gives
    5.000000000000001 for [[2, 1], [1, 3]]."""
    u = np.array(a, copy=True)
    n = u.shape[-1]
    sign = np.ones(u.shape[:-2], dtype=u.dtype)
    for k in range(n - 1):
        p = k + np.argmax(np.abs(u[..., k:, k]), axis=-1)
        row_k = u[..., k, :].copy()
        u[..., k, :] = np.take_along_axis(u, p[..., None, None], axis=-2)[..., 0, :]
        np.put_along_axis(u, p[..., None, None], row_k[..., None, :], axis=-2)
        sign = np.where(p != k, -sign, sign)
        pivot = u[..., k, k][..., None]
        # A zero pivot leaves a zero column below it: nothing to eliminate, and the det is 0.
        factors = np.divide(u[..., k + 1:, k], pivot, out=np.zeros_like(u[..., k + 1:, k]), where=pivot != 0)
        u[..., k + 1:, :] -= factors[..., None] * u[..., k:k + 1, :]
    return sign * np.prod(np.diagonal(u, axis1=-2, axis2=-1), axis=-1)


def _cofactors(a: np.ndarray) -> np.ndarray:
    """The cofactor matrix of each square matrix in a (the gradient of det, also where A is singular)."""
    n = a.shape[-1]
    out = np.empty_like(a)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(a, i, -2), j, -1)
            out[..., i, j] = (-1) ** (i + j) * (np.linalg.det(minor) if n > 1 else 1)
    return out


@op("linalg", variants="linalg", name="linalg_inv", grad_fn="LinalgInvExBackward0")
def inv(A):
    """The inverse of a square matrix (or a batch of them)."""
    a = _square(A, "inv")
    try:
        out = work.in_background(a.size * a.shape[-1], np.linalg.inv, a).astype(a.dtype)
    except np.linalg.LinAlgError:
        raise RuntimeError(
            "linalg.inv: The diagonal element 1 is zero, the inversion could not be completed because the "
            "input matrix is singular."
        ) from None

    def backward(g, result):
        t = result.transpose(-1, -2)
        return (-(t @ g @ t),)

    return record(out, "LinalgInvExBackward0", (A,), backward, saved=(OUTPUT,))


@op("linalg", grad_fn="LinalgInvExBackward0")
def inverse(input):
    """The inverse of a square matrix (or a batch of them): torch.linalg.inv."""
    return inv(input)


@op("linalg", variants="linalg", name="linalg_cross", grad_fn="LinalgCrossBackward0")
def cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along dim."""
    _tensors("cross", input, other, "other")
    a, b = input._data, other._data
    if a.shape[dim] != 3 or b.shape[dim] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {a.shape[dim]} and {b.shape[dim]}"
        )
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_scalar_name(a)} but found {_scalar_name(b)}")
    return record(np.cross(a, b, axis=dim), "LinalgCrossBackward0", (input, other),
                  lambda g: (cross(other, g, dim=dim), cross(g, input, dim=dim)), saved=_saved_for(input, other))


@op("linalg", name="cross", grad_fn="LinalgCrossBackward0")
def cross_(input, other, dim=None):
    """The cross product of 3-vectors along dim; without dim (deprecated), along input's first
    dimension of size 3 (torch.linalg.cross takes the last)."""
    if dim is None:
        warn_once("Using torch.cross without specifying the dim arg is deprecated.\n"
                  "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
                  "The default value of dim will change to agree with that of linalg.cross in a future release.")
        _tensors("cross", input, other, "other")
        dim = next((i for i, n in enumerate(input._data.shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return cross(input, other, dim=dim)


cross_.__name__ = cross_.__qualname__ = "cross"  # as TypeErrors name it


@op("linalg", variants="function, method, linalg", grad_fn=("MmBackward0", "UnsafeViewBackward0", "LinalgInvExBackward0"))
def matrix_power(A, n):
    """A square matrix multiplied by itself n times (n < 0 inverts first)."""
    tensor_arg(A, "A")
    a = A._data
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"linalg.matrix_power: A must be batches of square matrices, but they are {a.shape[-2] if a.ndim > 1 else 1} "
            f"by {a.shape[-1]} matrices"
        )
    if n == 0:
        return wrap(np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy())
    if n < 0:
        A, n = inv(A), -n
    result = A
    for _ in range(n - 1):  # plain repeated products: PyTorch's grad_fn is the last matmul's
        result = matmul(result, A)
    return result


# ================================================================ singular value decomposition


def _svd_input(A, name: str, too_flat: str) -> np.ndarray:
    tensor_arg(A, "A" if name == "svdvals" else "input")
    a = A._data
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"linalg.svd: Expected a floating point or complex tensor as input. Got {_scalar_name(a)}")
    if a.ndim < 2:
        raise RuntimeError(too_flat.format(a.ndim))
    if a.dtype.kind == "c" and needs_grad(A):
        raise NotImplementedError("tensorsh: the gradient of the SVD of a complex matrix is not implemented")
    return a


def _skew(X: Tensor) -> Tensor:
    return X - X.mT


def _svd_backward(gU, gS, gVh, U: Tensor, S: Tensor, Vh: Tensor, m: int, n: int) -> Tensor:
    """PyTorch's svd_backward (FunctionsManual.cpp) for real A = U diag(S) Vh (reduced: k = min(m, n)):
    any of the three gradients may be None."""
    if gU is None and gVh is None:
        return U.matmul(gS.unsqueeze(-1) * Vh) if m >= n else (U * gS.unsqueeze(-2)).matmul(Vh)
    S2 = S * S
    eye = wrap(np.eye(S._data.shape[-1], dtype=S._data.dtype))
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + eye  # ones on the diagonal (it is zero there)
    if gU is not None and gVh is not None:
        gA = (_skew(U.mT.matmul(gU)) * S.unsqueeze(-2) + S.unsqueeze(-1) * _skew(Vh.matmul(gVh.mT))) / E
    elif gU is not None:
        gA = (_skew(U.mT.matmul(gU)) / E) * S.unsqueeze(-2)
    else:
        gA = S.unsqueeze(-1) * (_skew(Vh.matmul(gVh.mT)) / E)
    if gS is not None:
        gA = gA + gS.unsqueeze(-1) * eye
    if m > S._data.shape[-1] and gU is not None:
        gA = U.matmul(gA)
        gUSinv = gU / S.unsqueeze(-2)
        gA = gA + gUSinv - U.matmul(U.mT.matmul(gUSinv))
        return gA.matmul(Vh)
    if n > S._data.shape[-1] and gVh is not None:
        gA = gA.matmul(Vh)
        SinvgVh = gVh / S.unsqueeze(-1)
        gA = gA + SinvgVh - SinvgVh.matmul(Vh.mT).matmul(Vh)
        return U.matmul(gA)
    return U.matmul(gA.matmul(Vh)) if m >= n else U.matmul(gA).matmul(Vh)


def _svd_parts(A: Tensor, a: np.ndarray, full_matrices: bool, compute_uv: bool = True) -> tuple:
    """U, S, Vh of A, each recorded as a LinalgSvdBackward0 node of A (the backward is linear in the
    three gradients, so one node per result sums to PyTorch's one node for all)."""
    m, n = a.shape[-2:]
    k = min(m, n)
    if a.size == 0:
        u = np.zeros((*a.shape[:-2], m, m if full_matrices else k), a.dtype)
        s = np.zeros((*a.shape[:-2], k), a.real.dtype)
        vh = np.zeros((*a.shape[:-2], n if full_matrices else k, n), a.dtype)
        u[..., range(min(m, u.shape[-1])), range(min(m, u.shape[-1]))] = 1
        vh[..., range(min(n, vh.shape[-2])), range(min(n, vh.shape[-2]))] = 1
    else:
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    # The backward reads the reduced factors, outside the graph.
    U, S, Vh = wrap(u[..., :k]), wrap(s), wrap(vh[..., :k, :])

    def node(array, which):
        def backward(g):
            grads = [None, None, None]
            grads[which] = g[..., :k] if which == 0 else g[..., :k, :] if which == 2 else g
            return (_svd_backward(*grads, U, S, Vh, m, n),)

        return record(array, "LinalgSvdBackward0", (A,), backward)

    return (node(u, 0), node(s, 1), node(vh, 2)) if compute_uv else node(s, 1)


@op("linalg", variants="linalg", name="linalg_svd", grad_fn="LinalgSvdBackward0")
def linalg_svd(A, full_matrices=True, *, driver=None):
    """The singular value decomposition A = U @ diag(S) @ Vh, as torch.return_types.linalg_svd(U, S, Vh)
    (full_matrices=False: the reduced one, U and Vh with min(m, n) columns and rows)."""
    a = _svd_input(A, "svd", "linalg.svd: The input tensor A must have at least 2 dimensions.")
    return return_types.linalg_svd(*_svd_parts(A, a, full_matrices))


@op("linalg", variants="linalg", name="linalg_svdvals", grad_fn="LinalgSvdBackward0")
def svdvals(A, *, driver=None):
    """The singular values of A, in descending order."""
    a = _svd_input(A, "svdvals", "linalg.svd: The input tensor A must have at least 2 dimensions.")
    return _svd_parts(A, a, False, compute_uv=False)


@op("linalg", grad_fn=("LinalgSvdBackward0", "TransposeBackward0"))
def svd(input, some=True, compute_uv=True):
    """The singular value decomposition input = U @ diag(S) @ V.mT, as torch.return_types.svd(U, S, V)
    (some=False: the full one; compute_uv=False: U and V zero-filled, of shape m x m and n x n).
    Prefer torch.linalg.svd, which returns Vh = V.mT."""
    a = _svd_input(input, "svd", "linalg.svd: input should have at least 2 dimensions, but has {} dimensions instead")
    if not compute_uv:
        m, n = a.shape[-2:]
        S = _svd_parts(input, a, False, compute_uv=False)
        return return_types.svd(wrap(np.zeros((*a.shape[:-2], m, m), a.dtype)), S,
                                wrap(np.zeros((*a.shape[:-2], n, n), a.dtype)))
    U, S, Vh = _svd_parts(input, a, not some)
    return return_types.svd(U, S, Vh.mT)


@op("linalg", variants="linalg", name="linalg_vecdot", grad_fn="SumBackward1")
def vecdot(x, y, *, dim=-1):
    """Dot products of vectors along dim, with broadcasting: (conj(x) * y).sum(dim)."""
    if x.is_complex():  # the engine has no conj op yet: complex x is conjugated outside the graph
        x = wrap(np.conj(x._data))
    return (x * y).sum(dim)
