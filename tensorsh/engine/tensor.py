"""The Tensor: a NumPy array plus PyTorch's metadata and autograd state.

A tensor's dtype is its array's dtype (see dtypes.py), so there is no second copy
of it to fall out of step. Views hold NumPy views of their base's memory and share
its version counter, so an in-place write through either is seen by both and by
autograd's saved-tensor check.

Most methods are not written here: each op is defined once in `ops/` and installed
as a function, a method and an operator by `ops/registry.py`. What stays here is the
state and the attributes that are not ops.
"""

from __future__ import annotations

import sys

import numpy as np

from . import dtypes
from .device import CPU, check as check_device
from .printing import tensor_repr
from .size import Size


class Tensor:
    """A multi-dimensional array of one dtype, on the CPU, that can record the ops made with it
    for autograd (requires_grad=True). Made by torch.tensor(data), torch.zeros(2, 3), ..."""

    __module__ = "torch"  # as PyTorch shows it: <class 'torch.Tensor'>
    # Defaults live on the class so that making a tensor sets only what differs.
    _requires_grad = False
    _grad = None
    _grad_fn = None
    _accumulator = None
    _base = None
    _retains_grad = False
    # A view follows its base's history: after an in-place write anywhere in the base's
    # memory, a view made before it becomes AsStridedBackward0 of the base's new history,
    # as PyTorch regenerates a view's grad_fn. `_view_version` is the version of the shared
    # counter the view last followed; None for tensors that do not follow a base.
    _view_version = None

    __array_priority__ = 1000  # NumPy defers `ndarray op Tensor` to us.

    # ------------------------------------------------------------ identity

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.BY_NUMPY[self._data.dtype]

    @property
    def device(self):
        return CPU

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def layout(self) -> str:
        return "torch.strided"

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim=None):
        """The shape as a torch.Size, or the length of one dimension."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[wrap_dim(dim, self._data.ndim)]

    def dim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        """The number of elements."""
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        """Bytes per element."""
        return self._data.itemsize

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    def stride(self, dim=None):
        """Steps in elements between neighbours along each dimension."""
        item = self._data.itemsize
        strides = tuple(s // item for s in self._data.strides)
        if dim is None:
            return strides
        return strides[wrap_dim(dim, self._data.ndim)]

    def storage_offset(self) -> int:
        """The element offset of this view into its base's memory."""
        base = self._base
        if base is None:
            return 0
        start = base._data.__array_interface__["data"][0]
        return (self._data.__array_interface__["data"][0] - start) // self._data.itemsize

    def is_contiguous(self, memory_format=None) -> bool:
        """True when the elements are laid out row-major without gaps."""
        return self._data.flags.c_contiguous

    def is_floating_point(self) -> bool:
        """True for float16, float32 and float64."""
        return self.dtype.category == dtypes.FLOAT

    def is_complex(self) -> bool:
        """True for complex64 and complex128."""
        return self.dtype.category == dtypes.COMPLEX

    def data_ptr(self) -> int:
        """The address of the first element."""
        return self._data.__array_interface__["data"][0]

    # ------------------------------------------------------------ autograd state

    @property
    def grad_fn(self):
        return synced(self)._grad_fn

    @property
    def requires_grad(self) -> bool:
        return synced(self)._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if synced(self)._grad_fn is not None and not value:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            )
        if self._grad_fn is not None:
            return
        if value and self.dtype.category < dtypes.FLOAT:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad=True) -> "Tensor":
        """Set requires_grad in place and return self."""
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return synced(self)._grad_fn is None

    @property
    def grad(self):
        if synced(self)._grad_fn is not None and not self._retains_grad:
            warn_non_leaf_grad()
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}"
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of size "
                    f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
            if value.dtype is not self.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{value.dtype.name}' to a tensor with "
                    f"grad_dtype '{self.dtype.scalar_name}'. The gradient must match "
                    "the tensor's grad_dtype (defaults to the tensor's dtype)."
                )
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep .grad for this non-leaf tensor during backward."""
        if not synced(self)._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is not None:
            self._retains_grad = True
            self._grad_fn.retained = self

    def detach(self) -> "Tensor":
        """A tensor sharing this one's memory, cut from the graph."""
        return _view(self, self._data, follows=False)

    def detach_(self) -> "Tensor":
        """Cut this tensor from the graph, in place."""
        if self._base is not None and synced(self)._grad_fn is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel "
                "(DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP "
                "buckets, and hence detach_() cannot be called on these gradients. To fix this error, please "
                "refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        self._grad_fn = None
        self._requires_grad = False
        self._view_version = None  # no longer follows its base
        return self

    @property
    def data(self) -> "Tensor":
        return self.detach()

    @data.setter
    def data(self, new):
        # `p.data = t` (how old training loops update weights): p now holds t's memory, shape
        # and dtype, and stays the same object with its own autograd state.
        if not isinstance(new, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(new).__name__}")
        self._data = new._data

    # ------------------------------------------------------------ conversion

    def item(self):
        """The single element as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self):
        """The elements as (nested) Python lists."""
        return self._data.tolist()

    def numpy(self, force=False) -> np.ndarray:
        """The NumPy array behind this tensor, sharing its memory."""
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        return self._data

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def _python_scalar(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    def __float__(self) -> float:
        return float(self._python_scalar())

    def __int__(self) -> int:
        return int(self._python_scalar())

    def __index__(self) -> int:
        if self.dtype.category != dtypes.INT or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __complex__(self) -> complex:
        return complex(self._python_scalar())

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        # As PyTorch: a 0-d tensor formats as its number; any other only without a spec.
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __reversed__(self) -> "Tensor":
        return self if self._data.ndim == 0 else self.flip(0)

    def __deepcopy__(self, memo):
        return self.clone()

    def type(self, dtype=None):
        """With no argument, the legacy type name ('torch.FloatTensor'); otherwise a cast."""
        if dtype is None:
            return f"torch.{self.dtype.legacy_name}"
        if isinstance(dtype, str):
            found = dtypes.from_legacy_name(dtype)
            if found is None:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = found
        return self.to(dtype)

    def cpu(self) -> "Tensor":
        """This tensor: it is already on the CPU."""
        return self

    def cuda(self, device=None, non_blocking=False):
        """Fails: tensorsh has no CUDA backend."""
        check_device("cuda")


# ---------------------------------------------------------------- construction helpers

_new = object.__new__  # every op makes a tensor: skip Tensor.__init__ and its argument parsing


def wrap(array) -> Tensor:
    """A new tensor owning `array` (a NumPy array or scalar of a supported dtype)."""
    if type(array) is not np.ndarray:
        array = np.asarray(array)
    t = _new(Tensor)
    # Every tensor sets these four, in this order (see _view), so that all tensors' instance
    # dicts share one key layout and CPython's attribute caches stay specialised: views
    # setting two more than other tensors made every tiny op up to a fifth slower.
    t._data = array
    t._version = [0]
    t._base = None
    t._view_version = None
    return t


def _view(base: Tensor, array: np.ndarray, follows: bool = True) -> Tensor:
    """A tensor over `array`, a NumPy view of base's memory, sharing base's version counter.

    follows: whether it takes part in autograd as a view of its base (see Tensor);
    not so for detach() and a view as another dtype, which autograd does not follow.
    """
    t = _new(Tensor)
    t._data = array
    t._version = base._version
    t._base = base if base._base is None else base._base
    t._view_version = base._version[0] if follows else None
    return t


def synced(t: Tensor) -> Tensor:
    """t, with its autograd state brought up to date if it is a view whose base's memory
    was written in place since it last looked (see Tensor)."""
    if t._view_version is not None and t._view_version != t._version[0]:
        follow_base(t)
    return t


def follow_base(view: Tensor) -> None:
    """Bringing a view up to date builds graph nodes, which sit above this module: views.py,
    which holds the view history, puts its own function here when it loads."""
    raise RuntimeError("tensorsh.engine.views is not loaded")


def wrap_dim(dim, ndim: int) -> int:
    """A dimension index made non-negative, with PyTorch's IndexError when out of range."""
    dim = int(dim) if not isinstance(dim, int) else dim
    low, high = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if not low <= dim <= high:
        raise IndexError(f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})")
    return dim % ndim if ndim else 0


_warned_non_leaf = False


def warn_non_leaf_grad():
    """PyTorch's UserWarning on reading .grad of a non-leaf, printed once per process."""
    global _warned_non_leaf
    if not _warned_non_leaf:
        _warned_non_leaf = True
        print(
            "UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
            "Its .grad attribute won't be populated during autograd.backward(). If you indeed want the "
            ".grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
            "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. "
            "See github.com/pytorch/pytorch/pull/30531 for more information.",
            file=sys.stderr,
        )
