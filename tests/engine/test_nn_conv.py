"""Convolution, pooling and normalisation layers (nn/conv.py, nn/pooling.py, nn/batchnorm.py,
nn/normalization.py): what the golden cases do not reach, checked against mathematics."""

import math

import numpy as np
import pytest

from tensorsh import engine as torch
from tensorsh.engine import nn

from .gradcheck import check_gradients

F = nn.functional

MODULE_PATHS = {
    "torch.nn.modules.conv": "Conv1d Conv2d",
    "torch.nn.modules.pooling": ("AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveMaxPool1d AdaptiveMaxPool2d AvgPool1d "
                                 "AvgPool2d MaxPool1d MaxPool2d"),
    "torch.nn.modules.batchnorm": "BatchNorm1d BatchNorm2d",
    "torch.nn.modules.normalization": "GroupNorm LayerNorm",
}


@pytest.mark.parametrize("path,name", [(p, n) for p, names in MODULE_PATHS.items() for n in names.split()])
def test_layer_classes_carry_pytorchs_module_path(path, name):
    assert getattr(nn, name).__module__ == path


@pytest.mark.parametrize("layer,shape", [
    (nn.Conv2d(2, 4, (2, 3), stride=(2, 1), padding=1, dilation=(1, 2), groups=2, dtype=torch.float64), (2, 2, 5, 6)),
    (nn.Conv1d(2, 3, 3, padding="same", dtype=torch.float64), (2, 2, 5)),
    (nn.BatchNorm2d(3, dtype=torch.float64), (2, 3, 2, 2)),
    (nn.BatchNorm1d(2, dtype=torch.float64), (4, 2)),
    (nn.LayerNorm([2, 3], dtype=torch.float64), (2, 2, 3)),
    (nn.GroupNorm(2, 4, dtype=torch.float64), (2, 4, 3)),
    (nn.AvgPool2d(2, stride=1, padding=1), (1, 2, 3, 3)),
    (nn.AdaptiveAvgPool2d((2, 3)), (1, 1, 5, 4)),
], ids=lambda v: type(v).__name__ if isinstance(v, nn.Module) else str(v))
def test_layer_gradients(layer, shape):
    rng = np.random.default_rng(0)
    for param in layer.parameters():
        with torch.no_grad():
            param.copy_(torch.tensor(rng.standard_normal(tuple(param.shape))))
    check_gradients(layer, [rng.standard_normal(shape)])


def test_conv_default_init_bounds_use_fan_in_per_group():
    m = nn.Conv2d(6, 3, 3, groups=3)
    bound = 1 / math.sqrt(2 * 9)
    assert m.weight.shape == (3, 2, 3, 3)
    assert m.weight.abs().max().item() <= bound and m.bias.abs().max().item() <= bound


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_padding_modes_pad_then_convolve(mode):
    m = nn.Conv2d(1, 2, 3, padding=(1, 2), padding_mode=mode)
    x = torch.arange(20.0).reshape(1, 1, 4, 5)
    expected = F.conv2d(F.pad(x, [2, 2, 1, 1], mode=mode), m.weight, m.bias)
    np.testing.assert_array_equal(m(x).detach().numpy(), expected.detach().numpy())


def test_batchnorm_running_statistics_follow_momentum():
    m = nn.BatchNorm1d(2, momentum=0.25)
    x = np.array([[1.0, 4.0], [3.0, 0.0], [8.0, 2.0]])
    m(torch.tensor(x, dtype=torch.float32))
    np.testing.assert_allclose(m.running_mean.numpy(), 0.25 * x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(m.running_var.numpy(), 0.75 + 0.25 * x.var(0, ddof=1), rtol=1e-6)
    assert m.num_batches_tracked.item() == 1 and m.num_batches_tracked.dtype == torch.int64


def test_batchnorm_cumulative_average_is_the_mean_of_batch_statistics():
    m = nn.BatchNorm1d(1, momentum=None)
    batches = [np.array([[1.0], [2.0]]), np.array([[5.0], [9.0]]), np.array([[0.0], [3.0]])]
    for b in batches:
        m(torch.tensor(b, dtype=torch.float32))
    np.testing.assert_allclose(m.running_mean.numpy(), [np.mean([b.mean() for b in batches])], rtol=1e-6)
    np.testing.assert_allclose(m.running_var.numpy(), [np.mean([b.var(ddof=1) for b in batches])], rtol=1e-6)


def test_batchnorm_eval_normalises_by_running_statistics():
    m = nn.BatchNorm2d(2, dtype=torch.float64).eval()
    m.running_mean.copy_(torch.tensor([1.0, -2.0], dtype=torch.float64))
    m.running_var.copy_(torch.tensor([4.0, 0.25], dtype=torch.float64))
    x = np.arange(16.0).reshape(2, 2, 2, 2)
    expected = (x - np.array([1.0, -2.0])[:, None, None]) / np.sqrt(np.array([4.0, 0.25]) + 1e-5)[:, None, None]
    np.testing.assert_allclose(m(torch.tensor(x)).detach().numpy(), expected, rtol=1e-12)
    assert m.num_batches_tracked.item() == 0


def test_batchnorm_without_tracking_uses_batch_statistics_in_eval():
    m = nn.BatchNorm1d(2, track_running_stats=False).eval()
    y = m(torch.tensor([[1.0, 10.0], [3.0, 30.0]])).detach().numpy()
    np.testing.assert_allclose(y, [[-1.0, -1.0], [1.0, 1.0]], atol=1e-4)


def test_embedding_module_is_the_functional_op():
    e = nn.Embedding(4, 3, padding_idx=1)
    idx = torch.tensor([[0, 1], [3, 1]])
    np.testing.assert_array_equal(e(idx).detach().numpy(), F.embedding(idx, e.weight, 1).detach().numpy())
