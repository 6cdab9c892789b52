"""Adagrad: each coordinate's step shrinks with the sum of its squared gradients."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor, wrap
from . import arithmetic as A
from .optimizer import Optimizer


class Adagrad(Optimizer):
    """s += g², p -= clr * g / (sqrt(s) + eps), with clr = lr / (1 + (step - 1) * lr_decay)."""

    __module__ = "torch.optim.adagrad"

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        # Unlike the other optimizers, Adagrad makes every parameter's state at once.
        for group in self.param_groups:
            for p in group["params"]:
                self._new_state(p)

    def _new_state(self, p: Tensor) -> dict:
        state = self.state[p]
        state["step"] = wrap(np.array(0.0, dtype=np.float32))
        state["sum"] = wrap(np.full_like(p._data, self.defaults["initial_accumulator_value"]))
        return state

    def _update_group(self, group: dict) -> None:
        lr, lr_decay, eps, weight_decay = group["lr"], group["lr_decay"], group["eps"], group["weight_decay"]
        for p, grad in self._gradients(group):
            state = self.state[p] or self._new_state(p)
            step = A.write(state["step"], state["step"]._data + np.float32(1)).item()
            if weight_decay != 0:
                grad = A.add(grad, p._data, weight_decay)
            clr = lr / (1 + (step - 1) * lr_decay)
            total = A.write(state["sum"], A.addcmul(state["sum"]._data, grad, grad, 1))._data
            std = np.sqrt(total) + A.number(eps, total)
            A.write(p, A.addcdiv(p._data, grad, std, -clr))

