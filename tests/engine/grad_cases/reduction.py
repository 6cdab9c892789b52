import numpy as np

from tensorsh import engine as torch

rng = np.random.default_rng(1)
A = rng.standard_normal((3, 4))
CUBE = rng.standard_normal((2, 3, 2))
POS = rng.uniform(0.5, 2.0, (3, 4))
WITH_ZERO = np.array([[1.5, 0.0, -2.0], [0.5, 3.0, 0.0]])
VEC = rng.standard_normal(5)

CASES = [
    ("sum", lambda a: a.sum(), [A]),
    ("sum", lambda a: a.sum((0, 2), keepdim=True), [CUBE]),
    ("nansum", lambda a: torch.nansum(a, 1), [A]),
    ("sum_to_size", lambda a: a.sum_to_size(1, 4), [A]),
    ("mean", lambda a: a.mean(), [A]),
    ("mean", lambda a: a.mean(-1, keepdim=True), [CUBE]),
    ("nanmean", lambda a: a.nanmean(0), [A]),
    ("prod", lambda a: a.prod(), [POS]),
    ("prod", lambda a: a.prod(1, keepdim=True), [A]),
    ("prod", lambda a: a.prod(1), [WITH_ZERO]),
    ("max", lambda a: a.max(), [A]),
    ("max", lambda a: a.max(1), [A]),
    ("max", lambda a: a.max(0, keepdim=True).values, [CUBE]),
    ("min", lambda a: a.min(), [A]),
    ("min", lambda a: a.min(-1), [CUBE]),
    ("amax", lambda a: a.amax((0, 2)), [CUBE]),
    ("amin", lambda a: a.amin(1, keepdim=True), [A]),
    ("var", lambda a: a.var(), [A]),
    ("var", lambda a: a.var(1, correction=0, keepdim=True), [A]),
    ("std", lambda a: a.std(), [A]),
    ("std", lambda a: a.std((0, 2), unbiased=False), [CUBE]),
    ("norm", lambda a: a.norm(), [A]),
    ("norm", lambda a: a.norm(p=1, dim=1), [A]),
    ("norm", lambda a: a.norm(p=3, dim=0, keepdim=True), [A]),
    ("norm", lambda a: a.norm(p=float("inf"), dim=1), [A]),
    ("norm", lambda a: a.norm(p="fro", dim=(0, 1)), [CUBE]),
    ("cumsum", lambda a: a.cumsum(1), [A]),
    ("cumsum", lambda a: a.cumsum(0), [VEC]),
    ("cumprod", lambda a: a.cumprod(1), [A]),
    ("cumprod", lambda a: a.cumprod(1), [WITH_ZERO]),
    ("cummax", lambda a: a.cummax(1), [A]),
    ("cummin", lambda a: a.cummin(0), [A]),
    ("logsumexp", lambda a: a.logsumexp(1), [A]),
    ("logsumexp", lambda a: a.logsumexp((0, 1), keepdim=True), [CUBE]),
    ("sort", lambda a: a.sort(1), [A]),
    ("sort", lambda a: a.sort(0, descending=True), [A]),
    ("topk", lambda a: a.topk(2), [A]),
    ("topk", lambda a: a.topk(2, dim=0, largest=False), [A]),
    ("kthvalue", lambda a: a.kthvalue(2, 1), [A]),
    ("median", lambda a: a.median(), [A]),
    ("median", lambda a: a.median(1, keepdim=True), [A]),
    # All values distinct: the mode is the smallest, and stays so under small perturbations.
    ("mode", lambda a: a.mode(1), [np.array([[1.0, 2.0, 0.5], [3.5, -1.0, 2.5]])]),
]
