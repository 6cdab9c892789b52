"""`torch.nn.functional`: the ops of the "nn" family plus the activations PyTorch also lists here."""

from ..ops.registry import OPS

_ALSO_HERE = ("relu", "sigmoid", "tanh", "softmax", "log_softmax", "normalize")

globals().update({name: entry.fn for entry in OPS.values()
                  if entry.family == "nn" or entry.name in _ALSO_HERE
                  for name in entry.names})
__all__ = sorted(n for n in globals() if not n.startswith("_") and n != "OPS")
