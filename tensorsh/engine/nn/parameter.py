"""`nn.Parameter`: a tensor a Module registers as one of its learnable weights."""

from __future__ import annotations

from ..tensor import Tensor, _new


class Parameter(Tensor):
    """A leaf tensor that requires grad by default, sharing the memory of `data`.

    Ops on a parameter give plain tensors, as PyTorch's do: only the weights themselves
    are Parameters, so a module registers what it is assigned and nothing computed."""

    __module__ = "torch.nn.parameter"

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ..ops.creation import empty

            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}")
        t = _new(cls)
        # The four fields every tensor sets, in the same order (see tensor.wrap).
        t._data = data._data
        t._version = data._version
        t._base = None
        t._view_version = None
        if requires_grad and data._data.dtype.kind not in "fc":
            # Parameter's own message (setting requires_grad on a tensor words it differently).
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad = requires_grad
        return t

    def __init__(self, data=None, requires_grad=True):
        pass  # made whole by __new__; Tensor.__init__ would read data as sizes

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        return Parameter(self.detach().clone(), self.requires_grad)


_UNINITIALIZED_USE = ("Attempted to use an uninitialized parameter in {}. This error happens when you are using a "
                      "`LazyModule` or explicitly manipulating `torch.nn.parameter.UninitializedParameter` objects. "
                      "When using LazyModules Call `forward` with a dummy batch to initialize the parameters before "
                      "calling torch functions")


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet (a lazy module's, before its first call).

    It has a dtype and requires grad, but no data: every op reads a tensor's `_data`, which
    here raises, until `materialize(shape)` gives it memory and makes it a Parameter."""

    __module__ = "torch.nn.parameter"
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from ..device import check as check_device
        from ..ops.creation import empty

        if device is not None:
            check_device(device)
        return super().__new__(cls, empty(0, dtype=dtype), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    # The empty array of the parameter's dtype sits in the instance dict, where `_data` is found
    # again once materialize() has changed the class; while uninitialised the property hides it.
    @property
    def _data(self):
        raise ValueError(_UNINITIALIZED_USE.format("a tensor operation"))

    @_data.setter
    def _data(self, array):
        self.__dict__["_data"] = array

    def _empty(self) -> Tensor:
        from ..tensor import wrap

        return wrap(self.__dict__["_data"])

    @property
    def dtype(self):
        return self._empty().dtype

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually happens "
                           "in `load_state_dict` when trying to load an uninitialized parameter into an initialized "
                           "one. Call `forward` to initialize the parameters before accessing their attributes.")

    @property
    def ndim(self) -> int:
        return 1

    def size(self, dim=None):
        return self._empty().size(dim)

    def is_floating_point(self) -> bool:
        return self._empty().is_floating_point()

    def is_complex(self) -> bool:
        return self._empty().is_complex()

    @property
    def data(self) -> Tensor:
        return self._empty()

    @data.setter
    def data(self, new):
        Tensor.data.fset(self, new)

    def cpu(self):
        return self

    def __len__(self):
        raise ValueError(_UNINITIALIZED_USE.format("len()"))

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the parameter memory of shape (uninitialised values, as torch.empty), making it a Parameter."""
        from ..ops.creation import empty

        become = self.cls_to_become
        if not (isinstance(become, type) and issubclass(become, Parameter)):
            # the class is changed in place: only to a Parameter's (a program may set the attribute)
            raise TypeError(f"cls_to_become must be a subclass of torch.nn.Parameter, got {become!r}")
        self._data = empty(shape, dtype=dtype or self.dtype)._data
        self.__class__ = become

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    __str__ = __repr__

    def __deepcopy__(self, memo):
        return UninitializedParameter(self.requires_grad, dtype=self.dtype)


def is_lazy(param) -> bool:
    """Whether param is an UninitializedParameter (torch.nn.parameter.is_lazy)."""
    return isinstance(param, UninitializedParameter)
