import numpy as np

from tensorsh import engine as torch

A = np.random.default_rng(1).standard_normal((2, 3))
ZERO = np.zeros((2, 3))

def _through_half(a):
    return (a * 1e6).half().double() / 1e6


# The gradient flows back through float16 as 1e-6, a subnormal there, rounded by 1.3%.
_through_half.rtol = 2e-2


CASES = [
    ("clone", torch.clone, [A]),
    ("to", lambda a: a.to(torch.float64, copy=True) * a, [A]),
    # Narrow casts lose the finite differences' steps, except around 0 with the step scaled up.
    ("float", lambda a: (a * 1e6).float().double() / 1e6, [ZERO]),
    ("double", lambda a: (a * 1e6).float().double() / 1e6, [ZERO]),
    ("half", _through_half, [ZERO]),
    ("contiguous", lambda a: a.t().contiguous() * 3, [A]),
]
