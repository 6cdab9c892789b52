"""torch.nn.functional: softmax, activations, layers and losses against their mathematical definitions."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorsh import engine as torch
from tensorsh.engine.nn import functional as F

rng = np.random.default_rng(4)
X = rng.standard_normal((3, 4))
Y = rng.standard_normal((3, 4))
P = rng.uniform(0.05, 0.95, (3, 4))
Q = rng.uniform(0.05, 0.95, (3, 4))


def np_softmax(a, axis):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_log_softmax(a, axis):
    s = a - a.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


# ---------------------------------------------------------------- softmax


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=4, max_side=5),
                  elements=st.floats(-500, 500)), st.data())
def test_softmax_and_log_softmax_agree_with_their_definition(a, data):
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    s = F.softmax(torch.tensor(a), dim=dim).numpy()
    np.testing.assert_allclose(s, np_softmax(a, dim), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(s.sum(axis=dim), 1.0, rtol=1e-12)
    np.testing.assert_allclose(F.log_softmax(torch.tensor(a), dim=dim).numpy(), np_log_softmax(a, dim), rtol=1e-9,
                               atol=1e-9)


def test_softmax_forms_and_dtypes():
    x = torch.tensor([[1.0, 2.0], [3.0, 5.0]])
    expected = np_softmax(x.numpy().astype(np.float64), 1)
    for out in (F.softmax(x, dim=1), torch.softmax(x, 1), x.softmax(1), torch.softmax(x, dim=-1)):
        assert out.dtype == torch.float32
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)
    assert F.softmax(torch.tensor([1, 2]), dim=0, dtype=torch.float64).dtype == torch.float64
    assert F.softmax(torch.tensor([1000.0, 1000.0, 0.0]), dim=0).tolist() == [0.5, 0.5, 0.0]
    assert F.log_softmax(torch.tensor([0.0, 1000.0]), dim=0).tolist() == [-1000.0, 0.0]
    assert F.softmax(torch.tensor(3.0), 0).item() == 1.0


def test_softmax_without_dim_follows_pytorchs_legacy_rule(capsys):
    assert F.softmax(torch.zeros(2, 2)).tolist() == [[0.5, 0.5], [0.5, 0.5]]  # dim 1 for 2-D
    assert F.softmax(torch.tensor([[0.0], [0.0]])).tolist() == [[1.0], [1.0]]
    assert F.softmax(torch.zeros(2, 1, 1)).tolist() == [[[0.5]], [[0.5]]]  # dim 0 for 3-D
    assert "Implicit dimension choice for softmax has been deprecated" in capsys.readouterr().err


def test_softmax_gradient_sums_to_zero_and_matches_the_jacobian():
    x = torch.tensor([0.5, 1.0, -2.0], requires_grad=True)
    y = F.softmax(x, dim=0)
    assert y.grad_fn.name() == "SoftmaxBackward0"
    w = torch.tensor([1.0, 2.0, 3.0])
    (y * w).sum().backward()
    s = y.detach().numpy().astype(np.float64)
    jac = np.diag(s) - np.outer(s, s)
    np.testing.assert_allclose(x.grad.numpy(), jac @ np.array([1.0, 2.0, 3.0]), rtol=1e-5)
    x.grad = None
    F.softmax(x, dim=0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 0.0, atol=1e-7)


def test_second_derivative_through_log_softmax():
    x = torch.tensor([0.5, 1.0, -2.0], dtype=torch.float64, requires_grad=True)
    first = (F.log_softmax(x, dim=0) * torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64)).sum()
    (g,) = torch.autograd.grad(first, x, create_graph=True)
    (h,) = torch.autograd.grad((g * torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64)).sum(), x)
    s = np_softmax(np.array([0.5, 1.0, -2.0]), 0)
    # d/dx of (e0 - s) at component 1 is -(diag(s) - s s^T)[1]
    np.testing.assert_allclose(h.numpy(), -(np.diag(s) - np.outer(s, s))[1], rtol=1e-9)


# ---------------------------------------------------------------- activations


ERF = np.vectorize(math.erf)
ACTIVATIONS = [
    (F.gelu, lambda a: 0.5 * a * (1 + ERF(a / math.sqrt(2)))),
    (lambda t: F.gelu(t, approximate="tanh"),
     lambda a: 0.5 * a * (1 + np.tanh(math.sqrt(2 / math.pi) * (a + 0.044715 * a ** 3)))),
    (F.silu, lambda a: a / (1 + np.exp(-a))),
    (F.mish, lambda a: a * np.tanh(np.log1p(np.exp(a)))),
    (F.leaky_relu, lambda a: np.where(a > 0, a, 0.01 * a)),
    (lambda t: F.elu(t, 0.5), lambda a: np.where(a > 0, a, 0.5 * (np.exp(a) - 1))),
    (F.softplus, lambda a: np.log1p(np.exp(a))),
    (lambda t: F.softplus(t, beta=2, threshold=1), lambda a: np.where(2 * a > 1, a, np.log1p(np.exp(2 * a)) / 2)),
    (F.logsigmoid, lambda a: -np.log1p(np.exp(-a))),
    (F.hardtanh, lambda a: np.clip(a, -1, 1)),
    (F.relu6, lambda a: np.clip(a, 0, 6)),
    (F.hardsigmoid, lambda a: np.clip(a / 6 + 0.5, 0, 1)),
    (F.hardswish, lambda a: a * np.clip(a / 6 + 0.5, 0, 1)),
    (F.softsign, lambda a: a / (1 + np.abs(a))),
    (F.relu, lambda a: np.maximum(a, 0)),
    (F.sigmoid, lambda a: 1 / (1 + np.exp(-a))),
    (F.tanh, np.tanh),
    (F.selu, lambda a: 1.0507009873554805 * np.where(a > 0, a, 1.6732632423543772 * (np.exp(a) - 1))),
]


@pytest.mark.parametrize("fn, reference", ACTIVATIONS)
def test_activations_agree_with_their_definition(fn, reference):
    a = np.linspace(-8, 8, 41)
    np.testing.assert_allclose(fn(torch.tensor(a)).numpy(), reference(a), rtol=1e-7, atol=1e-12)


def test_inplace_activations_write_into_their_input_and_keep_the_gradient():
    x = torch.tensor([-1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    assert F.elu(y, inplace=True) is y
    np.testing.assert_allclose(y.detach().numpy(), [math.exp(-1) - 1, 2.0, 3.0], rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [math.exp(-1), 1.0, 1.0], rtol=1e-6)
    w = torch.tensor([-1.0, 2.0])
    F.leaky_relu(w, 0.1, True)
    np.testing.assert_allclose(w.numpy(), [-0.1, 2.0])
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation."):
        F.silu(torch.ones(2, requires_grad=True), inplace=True)


def test_activation_errors_and_inplace():
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh."):
        F.gelu(torch.ones(1), approximate="x")
    x = torch.tensor([-1.0, 1.0])
    y = F.relu(x, inplace=True)
    assert y is x and x.tolist() == [0.0, 1.0]


@pytest.mark.parametrize("make, name", [
    (lambda x: F.gelu(x), "GeluBackward0"), (lambda x: F.silu(x), "SiluBackward0"),
    (lambda x: F.leaky_relu(x), "LeakyReluBackward0"), (lambda x: F.elu(x), "EluBackward0"),
    (lambda x: F.softplus(x), "SoftplusBackward0"), (lambda x: F.hardtanh(x), "HardtanhBackward0"),
    (lambda x: F.log_softmax(x, 1), "LogSoftmaxBackward0"), (lambda x: F.logsigmoid(x), "LogSigmoidBackward0"),
    (lambda x: F.linear(x, torch.ones(2, 4)), "MmBackward0"),
    (lambda x: F.linear(x, torch.ones(2, 4), torch.ones(2)), "AddmmBackward0"),
    (lambda x: F.linear(x[0], torch.ones(2, 4), torch.ones(2)), "ViewBackward0"),
    (lambda x: F.normalize(x), "DivBackward0"), (lambda x: F.dropout(x, 0.5), "MulBackward0"),
    (lambda x: F.mse_loss(x, torch.zeros(3, 4)), "MseLossBackward0"),
    (lambda x: F.l1_loss(x, torch.zeros(3, 4)), "MeanBackward0"),
    (lambda x: F.l1_loss(x, torch.zeros(3, 4), reduction="none"), "AbsBackward0"),
    (lambda x: F.smooth_l1_loss(x, torch.zeros(3, 4)), "SmoothL1LossBackward0"),
    (lambda x: F.huber_loss(x, torch.zeros(3, 4)), "HuberLossBackward0"),
    (lambda x: F.cross_entropy(x, torch.tensor([0, 1, 3])), "NllLossBackward0"),
    (lambda x: F.cross_entropy(x, torch.full((3, 4), 0.25)), "DivBackward1"),
    (lambda x: F.cross_entropy(x, torch.tensor([0, 1, 3]), label_smoothing=0.1), "AddBackward0"),
    (lambda x: F.nll_loss(x, torch.tensor([0, 1, 3])), "NllLossBackward0"),
    (lambda x: F.binary_cross_entropy(x.sigmoid(), torch.full((3, 4), 0.5)), "BinaryCrossEntropyBackward0"),
    (lambda x: F.binary_cross_entropy_with_logits(x, torch.full((3, 4), 0.5)), "BinaryCrossEntropyWithLogitsBackward0"),
    (lambda x: F.kl_div(x, torch.full((3, 4), 0.5), reduction="batchmean"), "DivBackward0"),
    (lambda x: F.pad(x, (1, 1)), "ConstantPadNdBackward0"),
    (lambda x: F.cosine_similarity(x, x + 1), "SumBackward1"),
])
def test_grad_fn_names_are_pytorchs(make, name):
    x = torch.tensor(X.astype(np.float32), requires_grad=True)
    assert make(x).grad_fn.name() == name


# ---------------------------------------------------------------- one_hot, linear, normalize, dropout, pad


def test_one_hot():
    assert F.one_hot(torch.tensor([0, 2])).tolist() == [[1, 0, 0], [0, 0, 1]]
    assert F.one_hot(torch.tensor([[1], [0]]), num_classes=3).tolist() == [[[0, 1, 0]], [[1, 0, 0]]]
    assert F.one_hot(torch.tensor([1])).dtype == torch.int64
    for bad, message in ((torch.tensor([0.0]), "one_hot is only applicable to index tensor of type LongTensor."),
                         (torch.tensor([0, 3]), "Class values must be smaller than num_classes."),
                         (torch.tensor([-1, 0]), "Class values must be non-negative.")):
        with pytest.raises(RuntimeError) as info:
            F.one_hot(bad, 2 if message.startswith("Class values must be smaller") else -1)
        assert str(info.value) == message


def test_linear_normalize_cosine_by_hand():
    x, w, b = rng.standard_normal((4, 3, 2)), rng.standard_normal((5, 2)), rng.standard_normal(5)
    np.testing.assert_allclose(F.linear(torch.tensor(x), torch.tensor(w), torch.tensor(b)).numpy(), x @ w.T + b,
                               rtol=1e-12)
    np.testing.assert_allclose(F.linear(torch.tensor(x[0, 0]), torch.tensor(w)).numpy(), w @ x[0, 0], rtol=1e-12)
    np.testing.assert_allclose(F.normalize(torch.tensor(X)).numpy(),
                               X / np.linalg.norm(X, axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(F.normalize(torch.tensor(X), p=1, dim=0).numpy(),
                               X / np.abs(X).sum(0, keepdims=True), rtol=1e-12)
    assert F.normalize(torch.tensor([[0.0, 0.0]])).tolist() == [[0.0, 0.0]]
    cos = (X * Y).sum(1) / np.linalg.norm(X, axis=1) / np.linalg.norm(Y, axis=1)
    np.testing.assert_allclose(F.cosine_similarity(torch.tensor(X), torch.tensor(Y)).numpy(), cos, rtol=1e-12)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x4\)"):
        F.linear(torch.ones(2, 3), torch.ones(4, 2))


def test_dropout_keeps_the_expectation_and_is_seeded():
    x = torch.ones(20000)
    torch.manual_seed(0)
    a = F.dropout(x, p=0.25)
    kept = a.numpy() != 0
    assert 0.73 < kept.mean() < 0.77
    np.testing.assert_allclose(a.numpy()[kept], 1 / 0.75)
    torch.manual_seed(0)
    assert torch.equal(F.dropout(x, p=0.25), a)
    assert F.dropout(x, p=0.5, training=False) is x
    assert F.dropout(x, p=1.0).sum().item() == 0.0
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        F.dropout(x, p=1.5)


def test_pad_by_hand():
    t = torch.tensor([[1, 2]])
    assert F.pad(t, (1, 2)).tolist() == [[0, 1, 2, 0, 0]]
    assert F.pad(t, (1, 0, 1, 0), value=7).tolist() == [[7, 7, 7], [7, 1, 2]]
    assert F.pad(t, (-1, 1)).tolist() == [[2, 0]]
    assert F.pad(torch.tensor([[1.0, 2.0]]), (1, 1), mode="reflect").tolist() == [[2.0, 1.0, 2.0, 1.0]]
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
        F.pad(t, (1,))


# ---------------------------------------------------------------- losses


def test_regression_losses_agree_with_their_definition():
    x, y = torch.tensor(X), torch.tensor(Y)
    d = X - Y
    assert F.mse_loss(x, y).item() == pytest.approx(np.mean(d ** 2))
    assert F.mse_loss(x, y, reduction="sum").item() == pytest.approx(np.sum(d ** 2))
    np.testing.assert_allclose(F.mse_loss(x, y, reduction="none").numpy(), d ** 2)
    assert F.l1_loss(x, y).item() == pytest.approx(np.mean(np.abs(d)))
    huber = np.where(np.abs(d) < 0.5, 0.5 * d ** 2, 0.5 * (np.abs(d) - 0.25))
    assert F.huber_loss(x, y, delta=0.5).item() == pytest.approx(huber.mean())
    smooth = np.where(np.abs(d) < 0.5, 0.5 * d ** 2 / 0.5, np.abs(d) - 0.25)
    assert F.smooth_l1_loss(x, y, beta=0.5).item() == pytest.approx(smooth.mean())
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.l1_loss(x, y, reduction="avg")


def test_mse_loss_gradient_reaches_both_sides():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([0.0, 0.0], requires_grad=True)
    F.mse_loss(x, y).backward()
    assert x.grad.tolist() == [1.0, 2.0] and y.grad.tolist() == [-1.0, -2.0]


def test_classification_losses_agree_with_their_definition():
    target = np.array([1, 3, 0])
    logp = np_log_softmax(X, 1)
    picked = logp[np.arange(3), target]
    x, t = torch.tensor(X), torch.tensor(target)
    assert F.cross_entropy(x, t).item() == pytest.approx(-picked.mean())
    assert F.cross_entropy(x, t, reduction="sum").item() == pytest.approx(-picked.sum())
    np.testing.assert_allclose(F.cross_entropy(x, t, reduction="none").numpy(), -picked)
    weight = np.array([0.5, 2.0, 1.0, 1.5])
    w = weight[target]
    assert F.cross_entropy(x, t, weight=torch.tensor(weight)).item() == pytest.approx(-(w * picked).sum() / w.sum())
    ignored = torch.tensor([1, -100, 0])
    assert F.nll_loss(torch.tensor(logp), ignored).item() == pytest.approx(-(picked[0] + picked[2]) / 2)
    assert F.cross_entropy(x, torch.tensor([7, 7, 7]), ignore_index=7).isnan().item()
    probs = P / P.sum(1, keepdims=True)
    assert F.cross_entropy(x, torch.tensor(probs)).item() == pytest.approx(-(probs * logp).sum(1).mean())
    smoothed = (1 - 0.2) * -picked + 0.2 / 4 * -logp.sum(1)
    assert F.cross_entropy(x, t, label_smoothing=0.2).item() == pytest.approx(smoothed.mean())
    # A batch of sequences: the class dimension is dim 1.
    x3 = rng.standard_normal((2, 4, 3))
    t3 = np.array([[0, 3, 1], [2, 2, 0]])
    lp3 = np_log_softmax(x3, 1)
    expected = -np.mean([lp3[n, t3[n, i], i] for n in range(2) for i in range(3)])
    assert F.cross_entropy(torch.tensor(x3), torch.tensor(t3)).item() == pytest.approx(expected)


def test_loss_edge_cases_follow_pytorch():
    x = torch.tensor([[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, torch.tensor([-100, -100]))
    assert math.isnan(loss.item())
    loss.backward()
    assert x.grad.tolist() == [[0.0] * 3] * 2  # all targets ignored: NaN loss, zero gradient
    x3 = torch.ones(2, 3, 2, requires_grad=True)
    t3 = torch.tensor([[0, 2], [1, 1]])
    assert F.cross_entropy(x3, t3).grad_fn.name() == "NllLoss2DBackward0"
    assert F.nll_loss(x3, t3, reduction="none").grad_fn.name() == "ViewBackward0"
    assert F.smooth_l1_loss(x3, torch.zeros(2, 3, 2), beta=0.0).grad_fn.name() == "MeanBackward0"  # l1_loss
    h = torch.tensor([-3.0, 0.0, 3.0], requires_grad=True)
    F.hardswish(h).sum().backward()
    assert h.grad.tolist() == [0.0, 0.5, 1.0]


def test_binary_losses_agree_with_their_definition():
    p, q = torch.tensor(P), torch.tensor(Q)
    bce = -(Q * np.log(P) + (1 - Q) * np.log(1 - P))
    assert F.binary_cross_entropy(p, q).item() == pytest.approx(bce.mean())
    assert F.binary_cross_entropy(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0])).item() == 100.0  # logs clamp
    logits = np.log(P / (1 - P))
    assert F.binary_cross_entropy_with_logits(torch.tensor(logits), q).item() == pytest.approx(bce.mean())
    pw = np.array([2.0, 1.0, 0.5, 3.0])
    weighted = -(pw * Q * np.log(P) + (1 - Q) * np.log(1 - P))
    got = F.binary_cross_entropy_with_logits(torch.tensor(logits), q, pos_weight=torch.tensor(pw))
    assert got.item() == pytest.approx(weighted.mean())
    assert F.binary_cross_entropy_with_logits(torch.tensor([1000.0]), torch.tensor([0.0])).item() == 1000.0
    kl = (Q * (np.log(Q) - np.log(P))).sum() / 3
    assert F.kl_div(torch.tensor(np.log(P)), q, reduction="batchmean").item() == pytest.approx(kl)


LOSS_ERRORS = [
    (lambda: F.cross_entropy(torch.tensor([[1.0, 2.0]]), torch.tensor([5])), IndexError, "Target 5 is out of bounds."),
    (lambda: F.cross_entropy(torch.ones(2, 3), torch.tensor([0, 1, 2])), ValueError,
     "Expected input batch_size (2) to match target batch_size (3)."),
    (lambda: F.cross_entropy(torch.ones(2, 3), torch.tensor([0.0, 1.0])), RuntimeError,
     "expected target dtype to be Long or Byte, but got Float"),
    (lambda: F.nll_loss(torch.ones(2, 3), torch.tensor([0, 1]), weight=torch.ones(2)), RuntimeError,
     "weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [2]"),
    (lambda: F.cross_entropy(torch.ones(2, 3), torch.tensor([0, 1]), label_smoothing=1.5), RuntimeError,
     "label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
    (lambda: F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0])), RuntimeError,
     "all elements of input should be between 0 and 1"),
    (lambda: F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1])), RuntimeError,
     "Found dtype Long but expected Float"),
    (lambda: F.binary_cross_entropy(torch.tensor([0.5, 0.5]), torch.tensor([1.0])), ValueError,
     "Using a target size (torch.Size([1])) that is different to the input size (torch.Size([2])) is deprecated. "
     "Please ensure they have the same size."),
    (lambda: F.binary_cross_entropy_with_logits(torch.tensor([0.5, 0.2]), torch.tensor([1.0])), ValueError,
     "Target size (torch.Size([1])) must be the same as input size (torch.Size([2]))"),
    (lambda: F.mse_loss(torch.ones(3), torch.ones(2)), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"),
]


@pytest.mark.parametrize("expr, cls, message", LOSS_ERRORS)
def test_loss_errors_are_pytorchs(expr, cls, message):
    with pytest.raises(cls) as info:
        expr()
    assert str(info.value) == message


def test_functional_exposes_every_nn_op():
    from tensorsh.engine.ops.registry import OPS

    for name, entry in OPS.items():
        if entry.family == "nn":
            assert callable(getattr(F, name))
    for name in ("relu", "sigmoid", "tanh", "softmax", "log_softmax", "one_hot", "cross_entropy"):
        assert name in vars(F)
    assert torch.nn.functional is F


SECOND_ORDER = [
    (lambda x: (F.softmax(x, dim=1) ** 2).sum(), [X]),
    (lambda x: (F.log_softmax(x, dim=1) ** 2).sum(), [X]),
    (lambda x: F.cross_entropy(x, torch.tensor([1, 3, 0])), [X]),
    (lambda x, y: F.mse_loss(x, y), [X, Y]),
    (lambda x, q: F.binary_cross_entropy_with_logits(x, q), [X, Q]),
    (lambda p, q: F.binary_cross_entropy(p, q), [P, Q]),
    (lambda x: F.gelu(x, approximate="tanh").sum(), [X]),
    (lambda x: (F.gelu(x) ** 2).sum(), [X]),
    (lambda x: (F.hardswish(x * 4) ** 2).sum(), [X]),
    (lambda x, y: F.smooth_l1_loss(x, y, beta=0.8) ** 2, [X, Y]),
    (lambda x, y: F.huber_loss(x, y, delta=0.8) ** 2, [X, Y]),
    (lambda x: (F.pad(x, (1, -1, 2, 0)) ** 2).sum() ** 2, [X]),
    (lambda x: (F.silu(x) ** 2).sum(), [X]),
    (lambda x: (F.softplus(x) ** 2).sum(), [X]),
    (lambda x: (F.elu(x) ** 2).sum(), [X]),
    (lambda x: (F.normalize(x) * torch.tensor(Y)).sum(), [X]),
    (lambda x, w, b: (F.linear(x, w, b) ** 2).sum(), [X, Y, Y[:, 0]]),
]


@pytest.mark.parametrize("fn, arrays", SECOND_ORDER)
def test_second_derivatives_match_finite_differences(fn, arrays):
    from tests.engine.test_linalg import check_second_derivatives

    check_second_derivatives(fn, arrays)
