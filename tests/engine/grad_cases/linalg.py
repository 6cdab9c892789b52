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

# The SVD's singular vectors are determined up to sign: the checks go through u_i v_i^T and
# u_i u_i^T, which are not, weighted so that every entry of every factor counts.
_M34 = rng.standard_normal((3, 4))
_W = rng.standard_normal((4, 4))


def _svd_loss(U, S, Vh, w):
    k = S.shape[-1]
    return ((U @ Vh[..., :k, :]) * w[:U.shape[0], :Vh.shape[-1]]).sum() + ((U * U) @ S).sum() \
        + ((U[:, :1] * U[:, :1].T) * w[:U.shape[0], :U.shape[0]]).sum() + (S * S).sum()


def _as_linalg_svd(result):
    U, S, V = result
    return U, S, V.mT


CASES += [
    ("cross", lambda a, b: torch.cross(a, b, dim=0), [_V3, _W3]),
    ("cross", lambda a, b: torch.cross(a.reshape(3, 1).expand(3, 2) * 1, b.reshape(3, 1).expand(3, 2) * 1),
     [_V3, _W3]),
    ("svd", lambda a: _svd_loss(*_as_linalg_svd(torch.svd(a)), torch.tensor(_W)), [_M34]),
    ("svd", lambda a: _svd_loss(*_as_linalg_svd(torch.svd(a)), torch.tensor(_W)), [_M34.T]),
    ("svd", lambda a: torch.svd(a, compute_uv=False).S, [M33]),
    ("linalg_svd", lambda a: _svd_loss(*torch.linalg.svd(a, full_matrices=False), torch.tensor(_W)), [_M34]),
    ("linalg_svd", lambda a: _svd_loss(*torch.linalg.svd(a, full_matrices=False), torch.tensor(_W)), [_M34.T]),
    ("linalg_svd", lambda a: torch.linalg.svd(a)[1], [_M34]),
    ("linalg_svdvals", torch.linalg.svdvals, [_M34.T]),
    ("einsum", lambda a, b: torch.einsum(a, [0, 1], b, [1, 2], [0, 2]), [M23, M32]),
]
