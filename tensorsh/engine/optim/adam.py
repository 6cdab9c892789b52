"""Adam, and AdamW (Adam with weight decay applied to the parameter rather than the gradient)."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor, wrap
from . import arithmetic as A
from .optimizer import Optimizer


class Adam(Optimizer):
    """Adam: moving averages of the gradient and its square (betas), bias-corrected; with
    amsgrad, the largest square average so far divides the step."""

    __module__ = "torch.optim.adam"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        both_floats = isinstance(betas[0], float) and isinstance(betas[1], float)
        if not (both_floats or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                        fused=fused, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = (float(b) for b in group["betas"])
        for p, grad in self._gradients(group):
            state = self.state[p]
            if not state:
                state["step"] = wrap(np.array(0.0, dtype=np.float32))
                state["exp_avg"] = wrap(np.zeros_like(p._data))
                state["exp_avg_sq"] = wrap(np.zeros_like(p._data))
                if group["amsgrad"]:
                    state["max_exp_avg_sq"] = wrap(np.zeros_like(p._data))
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            step = A.write(state["step"], state["step"]._data + np.float32(1)).item()

            if weight_decay != 0:
                if group["decoupled_weight_decay"]:
                    A.write(p, p._data * A.number(1 - lr * weight_decay, p._data))
                else:
                    grad = A.add(grad, p._data, weight_decay)

            A.write(exp_avg, A.lerp(exp_avg._data, grad, 1 - beta1))
            A.write(exp_avg_sq, A.addcmul(exp_avg_sq._data * A.number(beta2, grad), grad, grad, 1 - beta2))

            step_size = lr / (1 - beta1 ** step)
            bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
            square_avg = exp_avg_sq._data
            if group["amsgrad"]:
                largest = state["max_exp_avg_sq"]
                square_avg = A.write(largest, np.maximum(largest._data, square_avg))._data
            denom = np.sqrt(square_avg) / A.number(bias_correction2_sqrt, square_avg) + A.number(eps, square_avg)
            A.write(p, A.addcdiv(p._data, exp_avg._data, denom, -step_size))



class AdamW(Adam):
    """Adam whose weight decay shrinks the parameter (p *= 1 - lr * weight_decay) instead of adding to the gradient."""

    __module__ = "torch.optim.adamw"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def _restored(self) -> None:
        super()._restored()
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
