"""dtypes and PyTorch's type promotion.

Each dtype maps one-to-one onto a NumPy dtype, so a tensor's dtype is always the
dtype of the array it holds. Promotion follows `torch.result_type`: the categories
bool < integer < float < complex, where zero-dim tensors and Python scalars may
raise the category of the result but never its width.
"""

from __future__ import annotations

import numpy as np

BOOL, INT, FLOAT, COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type, printed as PyTorch prints it (`torch.float32`)."""

    __module__ = "torch"  # as PyTorch shows it: <class 'torch.dtype'>

    __slots__ = ("name", "np", "category", "itemsize", "legacy_name")

    def __init__(self, name: str, np_dtype, category: int, legacy_name: str):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category
        self.itemsize = self.np.itemsize
        self.legacy_name = legacy_name

    @property
    def scalar_name(self) -> str:
        """PyTorch's name for the scalar type in messages: Float, Long, ComplexFloat."""
        return self.legacy_name.removesuffix("Tensor")

    @property
    def is_floating_point(self) -> bool:
        return self.category == FLOAT

    @property
    def is_complex(self) -> bool:
        return self.category == COMPLEX

    @property
    def is_signed(self) -> bool:
        return self.name not in ("bool", "uint8")

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (from_name, (self.name,))


bool_ = dtype("bool", np.bool_, BOOL, "BoolTensor")
uint8 = dtype("uint8", np.uint8, INT, "ByteTensor")
int8 = dtype("int8", np.int8, INT, "CharTensor")
int16 = dtype("int16", np.int16, INT, "ShortTensor")
int32 = dtype("int32", np.int32, INT, "IntTensor")
int64 = dtype("int64", np.int64, INT, "LongTensor")
float16 = dtype("float16", np.float16, FLOAT, "HalfTensor")
float32 = dtype("float32", np.float32, FLOAT, "FloatTensor")
float64 = dtype("float64", np.float64, FLOAT, "DoubleTensor")
complex64 = dtype("complex64", np.complex64, COMPLEX, "ComplexFloatTensor")
complex128 = dtype("complex128", np.complex128, COMPLEX, "ComplexDoubleTensor")

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128)

# PyTorch's other spellings of the same dtypes (`torch.float`, `torch.long`, ...).
ALIASES = {
    "bool": bool_, "uint8": uint8, "int8": int8, "int16": int16, "short": int16,
    "int32": int32, "int": int32, "int64": int64, "long": int64,
    "float16": float16, "half": float16, "float32": float32, "float": float32,
    "float64": float64, "double": float64, "complex64": complex64, "cfloat": complex64,
    "complex128": complex128, "cdouble": complex128,
}

BY_NUMPY = {d.np: d for d in ALL}  # NumPy dtype -> dtype
_BY_NAME = {d.name: d for d in ALL}
_BY_LEGACY = {d.legacy_name: d for d in ALL}


def from_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_legacy_name(name: str) -> dtype | None:
    """`'torch.FloatTensor'` -> float32, as `Tensor.type(str)` accepts."""
    return _BY_LEGACY.get(name.removeprefix("torch."))


def of_array(array: np.ndarray) -> dtype:
    return BY_NUMPY[array.dtype]


def from_numpy_dtype(np_dtype) -> dtype:
    """The dtype for a NumPy dtype; NumPy dtypes PyTorch lacks raise TypeError."""
    found = BY_NUMPY.get(np.dtype(np_dtype))
    if found is None:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool."
        )
    return found


def to_dtype(value) -> dtype:
    """Accept what PyTorch accepts where a dtype is expected: dtypes and Python's int, float, bool, complex."""
    if isinstance(value, dtype):
        return value
    if value is float:
        return float64
    if value is int:
        return int64
    if value is bool:
        return bool_
    if value is complex:
        return complex128
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return from_numpy_dtype(value)
    raise TypeError(f"expected a dtype, but got {type(value).__name__}")


# ---------------------------------------------------------------- default dtype

_default_float = float32


def get_default_dtype() -> dtype:
    return _default_float


def set_default_dtype(d) -> None:
    global _default_float
    d = to_dtype(d)
    if d not in (float16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


def default_complex() -> dtype:
    return complex128 if _default_float is float64 else complex64


def to_complex(d: dtype) -> dtype:
    return complex128 if d is float64 else complex64


def to_real(d: dtype) -> dtype:
    return {complex64: float32, complex128: float64}.get(d, d)


# ---------------------------------------------------------------- promotion

def _promote(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a.category == b.category:
        if a.category == INT:
            return BY_NUMPY[np.promote_types(a.np, b.np)]
        return a if a.itemsize >= b.itemsize else b
    high, low = (a, b) if a.category > b.category else (b, a)
    if high.category == COMPLEX and low is float64:
        return complex128
    return high


_PROMOTE = {(a, b): _promote(a, b) for a in ALL for b in ALL}


def promote_types(a, b) -> dtype:
    return _PROMOTE[to_dtype(a), to_dtype(b)]


def scalar_dtype(value) -> dtype:
    """The dtype a Python scalar takes when it stands alone in a promotion."""
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, (int, np.integer)):
        return int64
    if isinstance(value, (float, np.floating)):
        return _default_float
    if isinstance(value, (complex, np.complexfloating)):
        return default_complex()
    raise TypeError(f"unsupported scalar type {type(value).__name__}")


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """One step of PyTorch's result_type: dimensioned beats zero-dim beats scalar, unless outranked by category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == COMPLEX:
        return higher
    if lower.category == COMPLEX:
        return to_complex(higher) if higher.category == FLOAT else lower
    if higher.category == FLOAT:
        return higher
    if higher is bool_ or lower.category == FLOAT:
        return _PROMOTE[higher, lower]
    return higher


def result_type_of(dim: dtype | None, zero: dtype | None, scalar: dtype | None) -> dtype:
    return _combine(dim, _combine(zero, scalar))
