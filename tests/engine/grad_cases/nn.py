import numpy as np

from tensorsh import engine as torch
from tensorsh.engine.nn import functional as F

rng = np.random.default_rng(3)
X = rng.standard_normal((3, 4))
X3 = rng.standard_normal((2, 3, 2))
Y = rng.standard_normal((3, 4))
P = rng.uniform(0.05, 0.95, (3, 4))
Q = rng.uniform(0.05, 0.95, (3, 4))
W = rng.standard_normal((5, 4))
B = rng.standard_normal(5)
WEIGHT = np.array([0.5, 2.0, 1.0, 1.5])
TARGET = torch.tensor([1, 3, 0])
TARGET_IGNORED = torch.tensor([1, -100, 2])
TARGET_2D = torch.tensor([[0, 2], [1, 1]])
# Away from each activation's kinks, where finite differences are exact enough.
SMOOTH = rng.uniform(0.2, 2.0, (3, 4)) * np.sign(rng.standard_normal((3, 4)))
# Differences of X and Y stay away from smooth_l1's and huber's switching points.
NEAR = X + np.where(rng.random((3, 4)) < 0.5, 0.3, 1.7) * np.sign(rng.standard_normal((3, 4)))

CASES = [
    ("softmax", lambda x: F.softmax(x, dim=1), [X]),
    ("softmax", lambda x: torch.softmax(x, 0), [X3]),
    ("log_softmax", lambda x: F.log_softmax(x, dim=-1), [X]),
    ("log_softmax", lambda x: x.log_softmax(1), [X3]),
    ("softmin", lambda x: F.softmin(x, dim=1), [X]),
    ("gelu", F.gelu, [X]),
    ("gelu", lambda x: F.gelu(x, approximate="tanh"), [X]),
    ("silu", F.silu, [X]),
    ("mish", F.mish, [X]),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.2), [SMOOTH]),
    ("elu", lambda x: F.elu(x, alpha=0.7), [SMOOTH]),
    ("selu", F.selu, [SMOOTH]),
    ("celu", lambda x: F.celu(x, alpha=0.5), [SMOOTH]),
    ("softplus", lambda x: F.softplus(x, beta=2.0), [X]),
    ("logsigmoid", F.logsigmoid, [X]),
    ("hardtanh", lambda x: F.hardtanh(x, -0.5, 0.5), [SMOOTH]),
    ("relu6", lambda x: F.relu6(x * 4), [SMOOTH]),
    ("hardsigmoid", lambda x: F.hardsigmoid(x * 4), [SMOOTH]),
    ("hardswish", lambda x: F.hardswish(x * 4), [SMOOTH]),
    ("softsign", F.softsign, [X]),
    ("linear", lambda x, w, b: F.linear(x, w, b), [X, W, B]),
    ("linear", lambda x, w: F.linear(x, w), [X, W]),
    ("linear", lambda x, w, b: F.linear(x, w, b), [X[0], W, B]),
    ("bilinear", lambda x1, x2, w: F.bilinear(x1, x2, w), [X[:, :2], Y[:, :3], rng.standard_normal((2, 2, 3))]),
    ("normalize", lambda x: F.normalize(x, dim=1), [X]),
    ("normalize", lambda x: F.normalize(x, p=1, dim=0), [X]),
    ("cosine_similarity", lambda a, b: F.cosine_similarity(a, b), [X, Y]),
    ("dropout", lambda x: F.dropout(x, p=0.0) * 2, [X]),
    ("dropout", lambda x: F.dropout(x, p=0.3, training=False) * 2, [X]),
    ("pad", lambda x: F.pad(x, (1, 2, 0, 1), value=0.5), [X]),
    ("pad", lambda x: F.pad(x, (-1, 1)), [X]),
    ("mse_loss", F.mse_loss, [X, Y]),
    ("mse_loss", lambda x, y: F.mse_loss(x, y, reduction="none"), [X, Y]),
    ("mse_loss", lambda x, y: F.mse_loss(x, y, reduction="sum"), [X, Y[0]]),
    ("l1_loss", F.l1_loss, [X, Y]),
    ("l1_loss", lambda x, y: F.l1_loss(x, y, reduction="none"), [X, Y]),
    ("smooth_l1_loss", lambda x, y: F.smooth_l1_loss(x, y, beta=1.0), [X, NEAR]),
    ("huber_loss", lambda x, y: F.huber_loss(x, y, reduction="sum", delta=1.0), [X, NEAR]),
    ("nll_loss", lambda x: F.nll_loss(x, TARGET), [X]),
    ("nll_loss", lambda x: F.nll_loss(x, TARGET_IGNORED, weight=torch.tensor(WEIGHT)), [X]),
    ("nll_loss", lambda x: F.nll_loss(x, TARGET, reduction="none"), [X]),
    ("nll_loss", lambda x: F.nll_loss(x, TARGET_2D, reduction="sum"), [X3]),
    ("nll_loss", lambda x: F.nll_loss(x, torch.tensor(2)), [X[0]]),
    ("cross_entropy", lambda x: F.cross_entropy(x, TARGET), [X]),
    ("cross_entropy", lambda x: F.cross_entropy(x, TARGET_IGNORED, weight=torch.tensor(WEIGHT), label_smoothing=0.1), [X]),
    ("cross_entropy", lambda x, p: F.cross_entropy(x, p), [X, P]),
    ("cross_entropy", lambda x, p: F.cross_entropy(x, p, reduction="none", label_smoothing=0.2), [X, P]),
    ("cross_entropy", lambda x: F.cross_entropy(x, TARGET_2D), [X3]),
    ("binary_cross_entropy", F.binary_cross_entropy, [P, Q]),
    ("binary_cross_entropy", lambda p, q: F.binary_cross_entropy(p, q, weight=torch.tensor(WEIGHT), reduction="sum"), [P, Q]),
    ("binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, [X, Q]),
    ("binary_cross_entropy_with_logits",
     lambda x, q: F.binary_cross_entropy_with_logits(x, q, pos_weight=torch.tensor(WEIGHT), reduction="none"), [X, Q]),
    ("kl_div", lambda x, q: F.kl_div(x, q, reduction="batchmean"), [X, Q]),
    ("kl_div", lambda x, q: F.kl_div(x, q, reduction="sum", log_target=True), [X, Y]),
]
