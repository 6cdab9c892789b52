"""Gradient checks for the shape family: views, joins, splits, copies, diagonals."""

import numpy as np

from tensorsh import engine as torch

rng = np.random.default_rng(1)
A = rng.standard_normal((2, 3))
B = rng.standard_normal((2, 3))
C = rng.standard_normal((3, 4))
COL = rng.standard_normal((2, 1))
V = rng.standard_normal((4,))
S = rng.standard_normal(())
CUBE = rng.standard_normal((2, 3, 4))

CASES = [
    ("view", lambda a: a.view(3, 2) * torch.arange(6.0, dtype=torch.float64).view(3, 2), [A]),
    ("view", lambda a: a.view(-1), [A]),
    ("reshape", lambda a: a.reshape(6), [A]),
    ("reshape", lambda a: a.t().reshape(6) * torch.arange(6.0, dtype=torch.float64), [A]),
    ("view_as", lambda a, b: a.view_as(b), [A, np.zeros((3, 2))]),
    ("reshape_as", lambda a, b: a.reshape_as(b) * b, [A, C[:, :2]]),
    ("expand", lambda a: a.expand(2, 3) * torch.arange(6.0, dtype=torch.float64).view(2, 3), [COL]),
    ("expand", lambda v: v.expand(3, 4), [V]),
    ("expand_as", lambda a, b: a.expand_as(b) * b, [COL, A]),
    ("permute", lambda c: c.permute(2, 0, 1), [CUBE]),
    ("transpose", lambda c: c.transpose(0, -1), [CUBE]),
    ("t", lambda a: a.t(), [A]),
    ("squeeze", lambda a: a.squeeze(), [COL]),
    ("squeeze", lambda a: a.squeeze((1,)), [COL]),
    ("unsqueeze", lambda a: a.unsqueeze(1), [A]),
    ("flatten", lambda c: c.flatten(1), [CUBE]),
    ("unflatten", lambda a: a.unflatten(1, (3, 1)), [A]),
    ("movedim", lambda c: c.movedim((0, 1), (2, 0)), [CUBE]),
    ("select", lambda c: c.select(1, -1), [CUBE]),
    ("narrow", lambda c: c.narrow(2, 1, 2), [CUBE]),
    ("repeat", lambda a: a.repeat(2, 1, 2), [A]),
    ("tile", lambda v: torch.tile(v, (2, 2)), [V]),
    ("flip", lambda c: c.flip(0, 2), [CUBE]),
    ("fliplr", torch.fliplr, [A]),
    ("flipud", torch.flipud, [A]),
    ("roll", lambda c: c.roll((1, -2), (0, 2)), [CUBE]),
    ("roll", lambda a: a.roll(4), [A]),
    ("cat", lambda a, b, c: torch.cat([a, b, c.t()[:, :3] * 2]), [A, B, C]),
    ("cat", lambda a, col: torch.cat((a, col), dim=-1), [A, COL]),
    ("stack", lambda a, b: torch.stack([a, b], dim=1), [A, B]),
    ("hstack", lambda a, col: torch.hstack([a, col]), [A, COL]),
    ("vstack", lambda v, c: torch.vstack([v, c]), [V, C]),
    ("dstack", lambda a, b: torch.dstack([a, b]), [A, B]),
    ("column_stack", lambda v, c: torch.column_stack([v, c.t()]), [V, C]),
    ("atleast_1d", lambda s: torch.atleast_1d(s) * 2, [S]),
    ("atleast_2d", lambda v: torch.atleast_2d(v), [V]),
    ("atleast_3d", lambda a: torch.atleast_3d(a), [A]),
    # Only some outputs used: the unused pieces must contribute nothing.
    ("split", lambda v: v.split(3)[1] * 5, [V]),
    ("split", lambda c: c.split([1, 3], dim=2), [CUBE]),
    ("chunk", lambda c: c.chunk(2, 1)[0], [CUBE]),
    ("chunk", lambda v: v.chunk(3), [V]),
    ("tensor_split", lambda v: v.tensor_split([1, 3]), [V]),
    ("unbind", lambda a: a.unbind(1)[2] * 3, [A]),
    ("unbind", lambda a: a.unbind(), [A]),
    ("broadcast_to", lambda col: col.broadcast_to((4, 2, 3)), [COL]),
    ("broadcast_tensors", lambda a, col: torch.broadcast_tensors(a, col)[1] * a, [A, COL]),
    ("meshgrid", lambda v, w: torch.meshgrid(v, w, indexing="ij")[0] * torch.meshgrid(v, w, indexing="xy")[1].t(),
     [V, V[:2] + 1]),
    ("diagonal", lambda c: c.diagonal(1, 0, 2), [CUBE]),
    ("diagonal", lambda a: a.diagonal(-1), [C]),
    ("diag", lambda v: torch.diag(v, 1), [V]),
    ("diag", lambda c: torch.diag(c, -1), [C]),
    ("tril", lambda c: c.tril(1), [C]),
    ("triu", lambda c: c.triu(-1), [CUBE]),
    ("ravel", lambda a: a.t().ravel(), [A]),
    ("rot90", lambda c: torch.rot90(c, 3, (2, 0)), [CUBE]),
    # Overlapping windows: each element's gradient sums over the windows holding it.
    ("unfold", lambda c: c.unfold(2, 3, 1), [CUBE]),
    ("unfold", lambda v: v.unfold(0, 2, 2), [V]),
    ("adjoint", torch.adjoint, [CUBE]),
    ("hsplit", lambda c: torch.hsplit(c, [1]), [CUBE]),
    ("vsplit", lambda a: torch.vsplit(a, 2)[1], [A]),
    ("dsplit", lambda c: torch.dsplit(c, 2)[0] * 3, [CUBE]),
    ("narrow_copy", lambda c: c.narrow_copy(-1, 1, 2), [CUBE]),
    ("select_scatter", lambda a, v: torch.select_scatter(a, v[:2], 1, -1), [A, V]),
    ("slice_scatter", lambda c, a: torch.slice_scatter(c, a.unsqueeze(-1).expand(2, 3, 2), 2, 0, None, 2), [CUBE, A]),
    ("diagonal_scatter", lambda c, v: torch.diagonal_scatter(c, v[:2], -1), [C, V]),
]
