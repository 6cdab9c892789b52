import numpy as np

from tensorsh import engine as torch

A = np.random.default_rng(1).standard_normal((2, 3))

CASES = [
    ("clone", torch.clone, [A]),
    ("to", lambda a: a.to(torch.float64, copy=True) * a, [A]),
]
