"""Stochastic gradient descent, with optional momentum, dampening, Nesterov momentum and weight decay."""

from __future__ import annotations

from ..tensor import wrap
from . import arithmetic as A
from .optimizer import Optimizer


class SGD(Optimizer):
    """p -= lr * g, where g is the gradient (negated under maximize), plus weight_decay * p,
    through a momentum buffer b = momentum * b + (1 - dampening) * g when momentum is set
    (Nesterov: g + momentum * b)."""

    __module__ = "torch.optim.sgd"

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        weight_decay = group["weight_decay"]
        for p, grad in self._gradients(group):
            if weight_decay != 0:
                grad = A.add(grad, p._data, weight_decay)
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = wrap(grad.copy())
                else:
                    A.write(buf, A.add(buf._data * A.number(momentum, buf._data), grad, 1 - dampening))
                grad = A.add(grad, buf._data, momentum) if group["nesterov"] else buf._data
            A.write(p, A.add(p._data, grad, -lr))
