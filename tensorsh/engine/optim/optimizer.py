"""The Optimizer base class: parameter groups, per-parameter state, and their saved form.

A subclass names its hyperparameters in `defaults` and updates one parameter group at a
time in `_update_group`; the base runs the closure and the updates as PyTorch's `step`
does (the closure under grad mode, the updates without it), so an update never records
a graph. Updates write into the parameters' memory and bump their version counters,
as PyTorch's in-place kernels do.
"""

from __future__ import annotations

import copy
from collections import defaultdict

import numpy as np

from ..autograd import enable_grad, no_grad
from ..tensor import Tensor, wrap


class RequiredParameter:
    """Stands for a hyperparameter without a default: every group must give it."""

    __module__ = "torch.optim.optimizer"

    def __repr__(self) -> str:
        return "<required parameter>"


required = RequiredParameter()


def typename(obj) -> str:
    """What PyTorch's torch.typename says: a tensor's legacy type, else the class's qualified name."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = obj if isinstance(obj, type) else type(obj)
    module = getattr(obj, "__module__", None) or cls.__module__ or ""
    name = getattr(obj, "__qualname__", None) or cls.__qualname__
    return name if module in ("", "builtins") else f"{module}.{name}"


class Optimizer:
    """Base class of the optimizers: holds param_groups (list of dicts) and state (per parameter)."""

    __module__ = "torch.optim.optimizer"
    # A program reads and sets param_groups, state and defaults (lang/namespace.py).
    _public_instance_attributes = True

    def __init__(self, params, defaults: dict) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                f"but got {typename(params)}"
            )
        self.state = defaultdict(dict)
        self.param_groups = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)
        if defaults.get("fused"):  # accepted and shown, as PyTorch's CPU optimizers take it
            if defaults.get("differentiable"):
                raise RuntimeError("`fused` does not support `differentiable`")
            if defaults.get("foreach"):
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    # ------------------------------------------------------------ groups

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters (a dict with 'params' and optional hyperparameters)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the ordering of "
                "tensors in sets will change between runs. Please use a list instead."
            )
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names

        for param in params:
            if not isinstance(param, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {typename(param)}")
            if not self.defaults.get("differentiable") and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization parameter {name}"
                )
            param_group.setdefault(name, default)

        seen = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if not seen.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ------------------------------------------------------------ stepping

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None, or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                if grad.grad_fn is not None:
                    grad.detach_()
                else:
                    grad.requires_grad_(False)
                grad.zero_()

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss (or None).

        The closure (which recomputes the loss and its gradients) runs with grad mode on; the
        updates run with it off."""
        loss = None
        with no_grad():
            if closure is not None:
                with enable_grad():
                    loss = closure()
            for group in self.param_groups:
                self._update_group(group)
        return loss

    @staticmethod
    def _gradients(group: dict):
        """(parameter, its gradient's array) for each parameter of group that has a gradient,
        negated under maximize: where every update starts."""
        for p in group["params"]:
            if p.grad is not None:
                yield p, (-p.grad._data if group["maximize"] else p.grad._data)

    def _update_group(self, group: dict) -> None:
        """Update the parameters of one group: each optimizer's own rule."""
        raise NotImplementedError

    # ------------------------------------------------------------ saving

    def state_dict(self) -> dict:
        """{'state': per-parameter state keyed by index, 'param_groups': groups with 'params' as indices}.

        As in PyTorch the state's tensors are the optimizer's own, not copies."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Take state and hyperparameters from a state_dict() of an optimizer over parameters of the same shapes."""
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(self.param_groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(self.param_groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
            )
        by_index = {
            i: p for g, s in zip(self.param_groups, saved_groups) for i, p in zip(s["params"], g["params"])
        }
        state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in by_index:
                state[by_index[key]] = _cast(by_index[key], value)
            else:
                state[key] = value
        for group, saved in zip(self.param_groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.state = state
        self.param_groups = saved_groups
        self.defaults.setdefault("differentiable", False)
        self._restored()

    def _restored(self) -> None:
        """Bring state loaded by load_state_dict up to date: a step saved as a number becomes the
        float32 tensor the optimizers count in."""
        for state in self.state.values():
            if isinstance(state, dict) and "step" in state and not isinstance(state["step"], Tensor):
                state["step"] = wrap(np.array(float(state["step"]), dtype=np.float32))


def _cast(param: Tensor, value, key=None):
    """State loaded for `param`: its floating tensors in the parameter's dtype ('step' as it is)."""
    if isinstance(value, Tensor):
        if key != "step" and param.is_floating_point() and value.dtype is not param.dtype:
            return value.to(param.dtype)
        return value
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value
