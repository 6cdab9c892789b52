"""`torch.linalg`: the linear-algebra functions PyTorch keeps in their own namespace.

They are defined in ops/linalg.py beside the other linear-algebra ops; this module
only gives them PyTorch's names (`torch.linalg.norm` is not `torch.norm`).
"""

from .ops.linalg import NAMESPACE

globals().update(NAMESPACE)
__all__ = sorted(NAMESPACE)
