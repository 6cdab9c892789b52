"""`torch.Size` and the named tuples of `torch.return_types`."""

from __future__ import annotations

import operator


class Size(tuple):
    """A tensor's shape: a tuple of ints printed as `torch.Size([2, 3])`."""

    __module__ = "torch"  # as PyTorch shows it: <class 'torch.Size'>

    __slots__ = ()

    def __new__(cls, sizes=()):
        # Every element must be an int (or have __index__), as PyTorch requires.
        return tuple.__new__(cls, sizes if type(sizes) is tuple and all(type(d) is int for d in sizes)
                             else map(operator.index, sizes))

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(map(str, self))}])"

    __str__ = __repr__

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds."""
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, key):
        got = tuple.__getitem__(self, key)
        return Size(got) if isinstance(key, slice) else got

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))


class ReturnType(tuple):
    """A named tuple like `torch.return_types.max(values=..., indices=...)`."""

    __slots__ = ()
    op_name = ""
    fields: tuple[str, ...] = ()

    def __repr__(self) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self.fields, self))
        return f"torch.return_types.{self.op_name}(\n{body})"

    __str__ = __repr__


def _return_type(op_name: str, *fields: str) -> type:
    cls = type(op_name, (ReturnType,), {"__slots__": (), "op_name": op_name, "fields": fields,
                                        "__module__": "torch.return_types"})  # as PyTorch shows it
    for i, f in enumerate(fields):
        setattr(cls, f, property(lambda self, i=i: tuple.__getitem__(self, i)))
    cls.__new__ = lambda c, *values: tuple.__new__(c, values)
    return cls


class return_types:
    """The namespace `torch.return_types`."""

    max = _return_type("max", "values", "indices")
    min = _return_type("min", "values", "indices")
    sort = _return_type("sort", "values", "indices")
    topk = _return_type("topk", "values", "indices")
    mode = _return_type("mode", "values", "indices")
    median = _return_type("median", "values", "indices")
    kthvalue = _return_type("kthvalue", "values", "indices")
    cummax = _return_type("cummax", "values", "indices")
    cummin = _return_type("cummin", "values", "indices")
    aminmax = _return_type("aminmax", "min", "max")
    svd = _return_type("svd", "U", "S", "V")
    linalg_svd = _return_type("linalg_svd", "U", "S", "Vh")
