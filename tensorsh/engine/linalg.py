"""`torch.linalg`: filled by the op registry with the ops declared with the "linalg" variant,
under their PyTorch names (`linalg_norm` is `torch.linalg.norm`; see ops/registry.py)."""
