import numpy as np

from tensorsh import engine as torch
from tensorsh.engine.nn import functional as F

rng = np.random.default_rng(7)
X2 = rng.standard_normal((2, 4, 5, 4))
X1 = rng.standard_normal((2, 3, 7))
W2 = rng.standard_normal((3, 4, 2, 3))
W2G = rng.standard_normal((4, 2, 3, 2))
W1 = rng.standard_normal((2, 3, 3))
B3 = rng.standard_normal(3)
C4 = rng.standard_normal(4)
# Distinct values a distance apart: each window's maximum stays put under finite differences.
DISTINCT = rng.permutation(2 * 3 * 5 * 4).reshape(2, 3, 5, 4) * 0.1
DISTINCT1 = rng.permutation(2 * 3 * 7).reshape(2, 3, 7) * 0.1
EMB = rng.standard_normal((5, 3))
INDICES = torch.tensor([[0, 2, 4], [2, 2, 1]])

CASES = [
    ("conv2d", lambda x, w, b: F.conv2d(x, w, b), [X2, W2, B3]),
    ("conv2d", lambda x, w: torch.conv2d(x, w, stride=(2, 1), padding=1, dilation=(1, 2)), [X2, W2]),
    ("conv2d", lambda x, w: F.conv2d(x, w, padding="same", groups=2), [X2, W2G]),
    ("conv2d", lambda x, w, b: F.conv2d(x, w, b), [X2[0], W2, B3]),
    ("conv1d", lambda x, w: F.conv1d(x, w, stride=2, padding=1), [X1, W1]),
    ("conv1d", lambda x, w: torch.conv1d(x, w, padding="same", dilation=2), [X1[0], W1]),
    ("max_pool2d", lambda x: F.max_pool2d(x, 2), [DISTINCT]),
    ("max_pool2d", lambda x: F.max_pool2d(x, 3, stride=1, padding=1, ceil_mode=True), [DISTINCT]),
    ("max_pool2d", lambda x: F.max_pool2d(x, (2, 2), dilation=2, return_indices=True)[0], [DISTINCT[0]]),
    ("max_pool1d", lambda x: F.max_pool1d(x, 3, stride=2, padding=1), [DISTINCT1]),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 2), [X2]),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), [X2]),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, (2, 3), stride=1, divisor_override=4), [X2[0]]),
    ("avg_pool1d", lambda x: F.avg_pool1d(x, 3, stride=2, padding=1), [X1]),
    ("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 2)), [X2]),
    ("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, 1), [X2]),
    ("adaptive_avg_pool1d", lambda x: F.adaptive_avg_pool1d(x, 4), [X1]),
    ("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (3, 3)), [DISTINCT]),
    ("adaptive_max_pool1d", lambda x: F.adaptive_max_pool1d(x, 4), [DISTINCT1]),
    ("batch_norm", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), [X2, C4, C4 * 2]),
    ("batch_norm", lambda x: F.batch_norm(x, None, None, training=True), [X1]),
    ("batch_norm", lambda x, w, b: F.batch_norm(x, torch.tensor(C4), torch.tensor(np.abs(C4) + 0.5), w, b),
     [X2, C4, C4 * 2]),
    ("layer_norm", lambda x, w, b: F.layer_norm(x, (5, 4), w, b), [X2, X2[0, 0], X2[1, 1]]),
    ("layer_norm", lambda x: torch.layer_norm(x, [7]), [X1]),
    ("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b), [X2, C4, C4 * 2]),
    ("embedding", lambda w: F.embedding(INDICES, w), [EMB]),
    # padding_idx and scale_grad_by_freq change the gradient on purpose (the golden cases check
    # them against PyTorch); here, with rows that are not affected by them.
    ("embedding", lambda w: F.embedding(INDICES, w, padding_idx=3, scale_grad_by_freq=True) * INDICES.ne(2).unsqueeze(-1), [EMB]),
]
