"""torch.optim: optimizers over parameter groups, and learning-rate schedulers (`lr_scheduler`).

Each optimizer follows the update formulas of PyTorch's single-tensor (for-loop) CPU path,
operation by operation (arithmetic.py rounds as PyTorch's kernels do), so trajectories
print the same digits as PyTorch's.
"""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "SGD", "lr_scheduler"]
