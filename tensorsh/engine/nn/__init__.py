"""`torch.nn`: in tensorsh, only its `functional` namespace."""

from . import functional  # noqa: F401
