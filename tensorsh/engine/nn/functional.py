"""`torch.nn.functional`: filled by the op registry with the ops declared with the "functional"
variant (see ops/registry.py)."""
