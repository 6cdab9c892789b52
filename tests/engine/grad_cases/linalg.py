import numpy as np

from tensorsh import engine as torch

rng = np.random.default_rng(2)
M23 = rng.standard_normal((2, 3))
M32 = rng.standard_normal((3, 2))
M33 = rng.standard_normal((3, 3))
V3 = rng.standard_normal(3)
V2 = rng.standard_normal(2)
B423 = rng.standard_normal((4, 2, 3))
B432 = rng.standard_normal((4, 3, 2))
B1432 = rng.standard_normal((1, 4, 3, 2))
B2123 = rng.standard_normal((2, 1, 2, 3))

CASES = [
    ("outer", torch.outer, [V2, V3]),
    ("mm", torch.mm, [M23, M32]),
    ("mv", torch.mv, [M23, V3]),
    ("dot", torch.dot, [V3, V3 + 1]),
    ("vdot", torch.vdot, [V3, V3 * 2]),
    ("bmm", torch.bmm, [B423, B432]),
    ("matmul", lambda a, b: a @ b, [V2, M23]),
    ("matmul", lambda a, b: a @ b, [B423, V3]),
    ("matmul", lambda a, b: a @ b, [V2, B423]),
    ("matmul", lambda a, b: a @ b, [B423, M32]),
    ("matmul", lambda a, b: a @ b, [M23, B432]),
    ("matmul", lambda a, b: a @ b, [B2123, B1432]),
    ("matmul", lambda a, b: torch.matmul(a, b), [M23, M32]),
    ("addmm", lambda c, a, b: torch.addmm(c, a, b, beta=0.5, alpha=2), [V2, M23, M32]),
    ("trace", torch.trace, [M33]),
    ("tensordot", lambda a, b: torch.tensordot(a, b, dims=([1, 2], [1, 0])), [B423, M32]),
    ("einsum", lambda a, b: torch.einsum("ij,jk->ik", a, b), [M23, M32]),
    ("einsum", lambda a: torch.einsum("ii->i", a), [M33]),
    ("einsum", lambda a: torch.einsum("ii", a), [M33]),
    ("einsum", lambda a: torch.einsum("ij->j", a), [M23]),
    ("einsum", lambda a, b: torch.einsum("bij,bjk->bik", a, b), [B423, B432]),
    ("einsum", lambda a, b: torch.einsum("...ij,j->...i", a, b), [B423, V3]),
    ("einsum", lambda a, b, c: torch.einsum("i,ij,j", a, b, c), [V2, M23, V3]),
]

# torch.linalg: ops declared with the linalg variant, named as PyTorch's own (linalg_norm is torch.linalg.norm).
_WELL = np.array([[2.0, 0.3, 0.1], [0.2, 1.5, 0.4], [0.1, 0.5, 1.8]])
_V3 = np.array([0.5, -1.2, 2.0])
_W3 = np.array([1.5, 0.3, -0.7])
CASES += [
    ("det", torch.linalg.det, [_WELL]),
    ("linalg_inv", torch.linalg.inv, [_WELL]),
    ("inverse", torch.inverse, [_WELL]),
    ("linalg_cross", torch.linalg.cross, [_V3, _W3]),
    ("matrix_power", lambda a: torch.linalg.matrix_power(a, 3), [_WELL]),
    ("linalg_vector_norm", lambda a: torch.linalg.vector_norm(a, 3), [_V3]),
    ("linalg_norm", torch.linalg.norm, [_WELL]),
    ("linalg_matrix_norm", torch.linalg.matrix_norm, [_WELL]),
    ("linalg_vecdot", torch.linalg.vecdot, [_V3, _W3]),
]
