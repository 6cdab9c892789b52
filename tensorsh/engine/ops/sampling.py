"""Random sampling ops: the factories (rand, randn, randint, randperm, normal and the `*_like`
forms), the in-place fills (uniform_, normal_, random_, bernoulli_, exponential_), bernoulli
and multinomial.

Each draws through `random.draws`, which reproduces PyTorch's CPU kernels on its generator,
so a seeded program prints PyTorch's numbers. A kernel fills a tensor in memory order,
one value after another; `_fill` writes the values drawn in that order.
"""

from __future__ import annotations

import numpy as np

from .. import dtypes, random
from ..limits import check_allocation
from ..random import draws
from ..tensor import Tensor, wrap
from .common import check_inplace, numel_of, tensor_arg, write_array
from .creation import _tensor_input, parse_size, size_argument
from .registry import op

# ================================================================ factories


def _float_dtype(dtype, kernel: str) -> dtypes.dtype:
    dtype = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if dtype.category < dtypes.FLOAT:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dtype.scalar_name}\'')
    return dtype


def _sized(size, kwargs, name) -> tuple:
    """The shape of rand(2, 3), rand((2, 3)) or rand(size=(2, 3))."""
    keyword = kwargs.pop("size", None)
    if kwargs:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if not size and keyword is None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (), but expected one of:")
    return size_argument(size, keyword, name)


def _made(values: np.ndarray, shape: tuple, requires_grad: bool) -> Tensor:
    t = wrap(values.reshape(shape))
    if requires_grad:
        t.requires_grad = True
    return t


@op("random", variants="function", out="factory")
def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, **kwargs):
    """Uniform random numbers in [0, 1): rand(2, 3) or rand(size=(2, 3))."""
    shape = _sized(size, kwargs, "rand")
    dtype = _float_dtype(dtype, "check_uniform_bounds")
    check_allocation(shape, dtype)
    return _made(draws.uniform(random.generator(generator), numel_of(shape), dtype.np), shape, requires_grad)


@op("random", variants="function", out="resize")
def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, **kwargs):
    """Standard normal random numbers: randn(2, 3) or randn(size=(2, 3))."""
    shape = _sized(size, kwargs, "randn")
    dtype = _float_dtype(dtype, "normal_kernel_cpu")
    check_allocation(shape, dtypes.float64)  # the scalar path works in float64
    values = draws.normal(random.generator(generator), numel_of(shape), dtype.np, 0.0, 1.0, contiguous=True)
    return _made(values, shape, requires_grad)


@op("random", variants="function", out="factory")
def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Random integers from low (inclusive) to high (exclusive); randint(high, size) starts at 0."""
    if size is None:
        if high is None:
            raise TypeError("randint() missing 1 required positional arguments: \"size\"")
        low, high, size = 0, low, high
    elif high is None:
        raise TypeError("randint() received an invalid combination of arguments")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dtype = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    shape = parse_size((size,))
    check_allocation(shape, dtypes.int64)
    values = draws.integers(random.generator(generator), numel_of(shape), int(low), int(high))
    return _made(values.astype(dtype.np), shape, requires_grad)


@op("random", variants="function", out="factory")
def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0 .. n-1."""
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dtype = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    check_allocation((n,), dtypes.int64)
    return _made(draws.permutation(random.generator(generator), n).astype(dtype.np), (n,), requires_grad)


@op("random", variants="function")
def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, generator=None):
    """Uniform random numbers in [0, 1) with input's shape and dtype."""
    _tensor_input(input)
    return rand(*input._data.shape, dtype=dtype or input.dtype, requires_grad=requires_grad, generator=generator)


@op("random", variants="function")
def randn_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, generator=None):
    """Standard normal random numbers with input's shape and dtype."""
    _tensor_input(input)
    return randn(*input._data.shape, dtype=dtype or input.dtype, requires_grad=requires_grad, generator=generator)


@op("random", variants="function")
def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False, memory_format=None,
                 generator=None):
    """Random integers with input's shape and dtype."""
    _tensor_input(input)
    if high is None:
        low, high = 0, low
    return randint(low, high, input._data.shape, dtype=dtype or input.dtype, generator=generator)


@op("random", variants="function", out="factory")
def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal random numbers: normal(mean, std, size) with numbers, or one per element of a
    mean tensor, a std tensor, or both broadcast together."""
    means, stds = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (means or stds):
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        shape = parse_size((size,))
        dtype = _float_dtype(dtype, "normal_kernel_cpu")
        check_allocation(shape, dtypes.float64)
        values = draws.normal(random.generator(generator), numel_of(shape), dtype.np, mean, std, contiguous=True)
        return _made(values, shape, requires_grad)
    if stds and (std._data < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    like = mean if means else std
    shape = np.broadcast_shapes(np.shape(mean._data) if means else (), np.shape(std._data) if stds else ())
    check_allocation(shape, like.dtype)
    out = wrap(np.empty(shape, like._data.dtype))
    if means and not stds:  # PyTorch: normal_(0, std), then add mean
        return normal_(out, 0.0, std, generator=generator).add_(mean)
    return normal_(out, 0.0, 1.0, generator=generator).mul_(std).add_(mean)


# ================================================================ in-place fills


def _memory_axes(a: np.ndarray) -> list[int]:
    """a's axes from the slowest-moving in memory to the fastest: the order in which PyTorch's
    serial kernels walk a strided tensor."""
    return sorted(range(a.ndim), key=lambda d: abs(a.strides[d]), reverse=True)


def _fill(self: Tensor, values: np.ndarray) -> Tensor:
    """Write values, drawn one element after another, into self in memory order."""
    a = self._data
    axes = _memory_axes(a)
    ordered = values.reshape([a.shape[d] for d in axes]).transpose(np.argsort(axes))
    write_array(self, ordered.astype(a.dtype, copy=False))
    return self


def _writable_float(self: Tensor, kernel: str) -> None:
    tensor_arg(self, "self", depth=3)
    if self.dtype.category < dtypes.FLOAT:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{self.dtype.scalar_name}\'')
    check_inplace(self)


@op("random", variants="method")
def uniform_(self, from_=0.0, to=1.0, *, generator=None):
    """Fill self with uniform random numbers in [from_, to)."""
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_} > to={to}")
    _writable_float(self, "check_uniform_bounds")
    return _fill(self, draws.uniform(random.generator(generator), self._data.size, self._data.dtype, from_, to))


@op("random", variants="method")
def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill self with normal random numbers of the given mean and standard deviation."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    _writable_float(self, "normal_kernel_cpu")
    a = self._data
    return _fill(self, draws.normal(random.generator(generator), a.size, a.dtype, mean, std,
                                    contiguous=a.flags.c_contiguous))


@op("random", variants="method")
def random_(self, *bounds, generator=None):
    """Fill self with random integers: random_() from 0 to the dtype's largest exact integer,
    random_(to) from 0, random_(from, to) from `from` (to exclusive; None for the largest)."""
    tensor_arg(self, "self", depth=2)
    check_inplace(self)
    gen, n, dtype = random.generator(generator), self._data.size, self._data.dtype
    if not bounds:
        return _fill(self, draws.bits(gen, n, dtype))
    if len(bounds) > 2:
        raise TypeError(f"random_() takes from 0 to 2 positional arguments but {len(bounds)} were given")
    low, high = (0, *bounds) if len(bounds) == 1 else bounds
    if high is None:
        high = draws.largest_exact(dtype) + 1
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dtype in _C_NAMES:
        smallest, largest = (0, 1) if dtype == np.bool_ else _limits(dtype)
        for name, bound in (("from", low), ("to - 1", high - 1)):
            if not smallest <= bound <= largest:
                raise RuntimeError(f"{name} is out of bounds for {_C_NAMES[dtype]}")
    return _fill(self, draws.integers(gen, n, int(low), int(high)))


# The C++ names of the types whose range random_'s bounds must fit (PyTorch's messages use them).
_C_NAMES = {np.dtype(np.bool_): "bool", np.dtype(np.uint8): "unsigned char", np.dtype(np.int8): "signed char",
            np.dtype(np.int16): "short int", np.dtype(np.int32): "int", np.dtype(np.float16): "c10::Half"}


def _limits(dtype: np.dtype) -> tuple:
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
    return info.min, info.max


@op("random", variants="method")
def bernoulli_(self, p=0.5, *, generator=None):
    """Fill self with 1 where a uniform draw falls below p (a number, or a tensor broadcast to self), else 0."""
    tensor_arg(self, "self", depth=2)
    check_inplace(self)
    gen = random.generator(generator)
    if isinstance(p, Tensor):
        probs = p.expand(self._data.shape)._data.transpose(_memory_axes(self._data)).ravel()
        return _fill(self, draws.bernoulli(gen, probs, probs.size))
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _fill(self, draws.bernoulli(gen, float(p), self._data.size))


@op("random")
def bernoulli(input, p=None, *, generator=None):
    """0 or 1 per element: 1 with probability input (or p, a number, for every element)."""
    tensor_arg(input)
    if p is None:
        a = input._data
        if a.dtype.kind != "f":
            raise NotImplementedError(f'"bernoulli_tensor_cpu_p_" not implemented for \'{input.dtype.scalar_name}\'')
        if ((a < 0) | (a > 1)).any():
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                               "message be improved?  If so, please report an enhancement request to PyTorch.)")
        p = input
    out = wrap(np.empty(input._data.shape, input._data.dtype))
    return bernoulli_(out, p, generator=generator)


@op("random", variants="method")
def exponential_(self, lambd=1.0, *, generator=None):
    """Fill self with exponential random numbers of rate lambd."""
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    _writable_float(self, "exponential_cpu")
    return _fill(self, draws.exponential(random.generator(generator), self._data.size, lambd))


@op("random")
def multinomial(input, num_samples, replacement=False, *, generator=None):
    """num_samples category indices per row of input (weights, not necessarily summing to 1),
    with or without replacement."""
    tensor_arg(input)
    a = input._data
    if not 1 <= a.ndim <= 2:
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if a.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype.scalar_name}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > a.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    check_allocation(a.shape[:-1] + (num_samples,), dtypes.int64)
    if a.dtype == np.float16:
        raise RuntimeError("multinomial is not implemented for half on CPU")
    if not (np.isfinite(a).all() and (a >= 0).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (a.sum(axis=-1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement:
        # PyTorch's shortcut: the categories of the largest p / q, q exponential (the Gumbel trick).
        q = exponential_(wrap(np.empty_like(a)), 1.0, generator=generator)
        ratios = input / q
        if num_samples == 1:
            return ratios.argmax(-1, keepdim=True)
        return ratios.topk(num_samples).indices
    return wrap(draws.categorical_with_replacement(random.generator(generator), a, num_samples))


@op("random", variants="function")
def manual_seed(seed):
    """Seed the default random number generator; the same seed gives the same tensors."""
    return random.manual_seed(seed)
