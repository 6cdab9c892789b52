"""RMSprop: divide the gradient by a moving root mean square of its past values."""

from __future__ import annotations

import numpy as np

from ..tensor import wrap
from . import arithmetic as A
from .optimizer import Optimizer


class RMSprop(Optimizer):
    """v = alpha * v + (1 - alpha) * g², p -= lr * g / (sqrt(v) + eps); centered subtracts the
    squared mean gradient from v; momentum keeps a buffer of the scaled steps."""

    __module__ = "torch.optim.rmsprop"

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        weight_decay, momentum = group["weight_decay"], group["momentum"]
        for p, grad in self._gradients(group):
            state = self.state[p]
            if not state:
                state["step"] = wrap(np.array(0.0, dtype=np.float32))
                state["square_avg"] = wrap(np.zeros_like(p._data))
                if momentum > 0:
                    state["momentum_buffer"] = wrap(np.zeros_like(p._data))
                if group["centered"]:
                    state["grad_avg"] = wrap(np.zeros_like(p._data))
            A.write(state["step"], state["step"]._data + np.float32(1))
            if weight_decay != 0:
                grad = A.add(grad, p._data, weight_decay)

            square_avg = state["square_avg"]
            A.write(square_avg, A.addcmul(square_avg._data * A.number(alpha, grad), grad, grad, 1 - alpha))
            if group["centered"]:
                grad_avg = state["grad_avg"]
                A.write(grad_avg, A.lerp(grad_avg._data, grad, 1 - alpha))
                avg = np.sqrt(A.addcmul(square_avg._data, grad_avg._data, grad_avg._data, -1))
            else:
                avg = np.sqrt(square_avg._data)
            avg = avg + A.number(eps, avg)

            if momentum > 0:
                buf = state["momentum_buffer"]
                A.write(buf, A.addcdiv(buf._data * A.number(momentum, avg), grad, avg))
                A.write(p, A.add(p._data, buf._data, -lr))
            else:
                A.write(p, A.addcdiv(p._data, grad, avg, -lr))

