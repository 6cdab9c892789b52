"""Gradient checks for indexing: getitem in every form, index_put, gather/scatter and masks."""

import numpy as np

from tensorsh import engine as torch

rng = np.random.default_rng(2)
A = rng.standard_normal((3, 4))
CUBE = rng.standard_normal((2, 3, 4))
V = rng.standard_normal((5,))
ROW = rng.standard_normal((4,))
S = rng.standard_normal(())


def _idx(*values):
    return torch.tensor(list(values))


CASES = [
    ("getitem", lambda a: a[1], [A]),
    ("getitem", lambda a: a[-1, 1:3], [A]),
    ("getitem", lambda a: a[::2, 1::2], [A]),
    ("getitem", lambda c: c[..., 0, None], [CUBE]),
    ("getitem", lambda c: c[None, 1, ..., 2], [CUBE]),
    # Repeated indices accumulate.
    ("getitem", lambda v: v[[0, 0, 3, -1, 0]], [V]),
    ("getitem", lambda a: a[_idx(2, 0, 2), _idx(1, 1, 3)], [A]),
    ("getitem", lambda c: c[0, :, [1, 1, 2]], [CUBE]),
    ("getitem", lambda c: c[[1, 0], :, [3, 3]], [CUBE]),
    ("getitem", lambda a: a[a > 0], [A]),
    ("getitem", lambda a: a[torch.tensor([True, False, True]), 1:], [A]),
    ("getitem", lambda a: a[True], [A]),
    ("getitem", lambda a: a[1][2], [A]),
    ("index_put", lambda a, r: a.index_put((_idx(0, 2),), r), [A, ROW]),
    ("index_put", lambda a, r: torch.index_put(a, (_idx(0, 0), _idx(1, 1)), r[:2], accumulate=True), [A, ROW]),
    ("index_select", lambda a: a.index_select(1, _idx(3, 0, 3)), [A]),
    ("repeat_interleave", lambda a: a.repeat_interleave(2, dim=1), [A]),
    ("repeat_interleave", lambda a: a.repeat_interleave(3), [A]),
    ("repeat_interleave", lambda a: torch.repeat_interleave(a, torch.tensor([2, 0, 1]), dim=0), [A]),
    ("gather", lambda a: a.gather(1, torch.tensor([[0, 0], [3, 1], [2, 2]])), [A]),
    ("gather", lambda c: torch.gather(c, 0, torch.tensor([[[1, 0, 1, 1]]])), [CUBE]),
    ("scatter", lambda a, b: a.scatter(0, torch.tensor([[2, 0, 1, 0]]), b), [A, A + 1]),
    ("scatter", lambda a: a.scatter(1, torch.tensor([[1], [3], [0]]), 2.5), [A]),
    ("scatter_add", lambda a, b: a.scatter_add(1, torch.tensor([[0, 0], [1, 1], [3, 0]]), b), [A, A[:, :2]]),
    ("index_add", lambda a, r: a.index_add(0, _idx(1, 1), r.expand(2, 4), alpha=2), [A, ROW]),
    ("index_fill", lambda a: a.index_fill(1, _idx(0, 2), -1.0), [A]),
    ("index_fill", lambda a, s: a.index_fill(0, _idx(1), s), [A, S]),
    ("index_copy", lambda a, r: a.index_copy(0, _idx(2), r.unsqueeze(0)), [A, ROW]),
    ("masked_fill", lambda a: a.masked_fill(torch.tensor([True, False, False, True]), 0.5), [A]),
    ("masked_fill", lambda a, s: a.masked_fill(a > 0, s), [A, S]),
    ("masked_select", lambda a: a.masked_select(torch.tensor([True, False, True, True])), [A]),
    ("take", lambda a: a.take(torch.tensor([[0, 11], [-1, 5]])), [A]),
    ("take_along_dim", lambda a: torch.take_along_dim(a, torch.tensor([[3], [0], [3]]), 1), [A]),
    ("take_along_dim", lambda r: torch.take_along_dim(r.unsqueeze(0), torch.tensor([[0], [2]]), 1), [ROW]),
    ("take_along_dim", lambda a: a.take_along_dim(torch.tensor([11, 0, 0])), [A]),
]


def _setitem_cases():
    """x[idx] = v on a non-leaf: CopySlices / IndexPutBackward0 carry gradients to both sides."""

    def basic(a, r):
        y = a * 1
        y[1] = r
        return y

    def advanced(a, r):
        y = a * 2
        y[[0, 2]] = r
        return y

    def mask(a, s):
        y = a.clone()
        y[a > 0] = s
        return y

    def broadcast_slice(a, r):
        y = a + 0
        y[:, 1:3] = r[:2].unsqueeze(0).unsqueeze(0)  # leading size-1 dims are allowed
        return y

    return [
        ("getitem", basic, [A, ROW]),
        ("getitem", advanced, [A, ROW]),
        ("getitem", mask, [A, S]),
        ("getitem", broadcast_slice, [A, ROW]),
    ]


CASES += _setitem_cases()


def _written(a, b):
    y = a * 1
    y[0] = b[1] * 2
    return y


CASES += [("setitem", _written, [np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.5])])]
