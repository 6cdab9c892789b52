"""nn layers: what the golden cases cannot show (errors the language reports differently,
class paths, warnings on stderr, second derivatives, shared memory)."""

import numpy as np
import pytest

from tensorsh import engine as torch
from tensorsh.engine import nn

from .gradcheck import check_gradients

# Each layer's class path in PyTorch: its repr, type() and error messages show it.
MODULE_PATHS = {
    "torch.nn.modules.activation": (
        "CELU ELU GELU SELU Hardsigmoid Hardswish Hardtanh LeakyReLU LogSigmoid LogSoftmax Mish ReLU ReLU6 "
        "Sigmoid SiLU Softmax Softmin Softplus Softsign Tanh"),
    "torch.nn.modules.loss": (
        "BCELoss BCEWithLogitsLoss CrossEntropyLoss HuberLoss KLDivLoss L1Loss MSELoss NLLLoss SmoothL1Loss"),
    "torch.nn.modules.container": "ModuleDict ModuleList ParameterDict ParameterList Sequential",
    "torch.nn.modules.distance": "CosineSimilarity",
    "torch.nn.modules.dropout": "Dropout",
    "torch.nn.modules.flatten": "Flatten Unflatten",
    "torch.nn.modules.linear": "Bilinear Identity LazyLinear Linear",
    "torch.nn.modules.conv": "Conv1d Conv2d LazyConv1d LazyConv2d",
    "torch.nn.parameter": "Parameter UninitializedParameter",
    "torch.nn.modules.module": "Module",
    "torch.nn.modules.sparse": "Embedding",
}


@pytest.mark.parametrize("path,name", [(p, n) for p, names in MODULE_PATHS.items() for n in names.split()])
def test_layer_classes_carry_pytorchs_module_path(path, name):
    assert getattr(nn, name).__module__ == path


def test_register_buffer_name_errors():
    m = nn.Linear(1, 1)
    for name, message in [("weight", "attribute 'weight' already exists"), ("a.b", 'buffer name can\'t contain "."'),
                          ("", 'buffer name can\'t be empty string ""')]:
        with pytest.raises(KeyError) as raised:
            m.register_buffer(name, torch.zeros(1))
        assert raised.value.args == (message,)


def test_get_submodule_missing():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU()))
    with pytest.raises(AttributeError, match="Sequential has no attribute `5`"):
        model.get_submodule("1.5")


def test_legacy_reduction_arguments_warn(capsys):
    assert nn.MSELoss(size_average=False).reduction == "sum"
    assert "please use reduction='sum' instead." in capsys.readouterr().err


def test_softmax_layer_without_dim_warns(capsys):
    out = nn.Softmax()(torch.tensor([[1.0, 2.0]]))
    assert out.shape == (1, 2)
    assert "Implicit dimension choice for softmax" in capsys.readouterr().err


def test_embedding_from_pretrained_shares_memory():
    w = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    e = nn.Embedding.from_pretrained(w)
    with torch.no_grad():
        w[0, 0] = 9.0
    assert e.weight[0, 0].item() == 9.0


def test_embedding_max_norm_renormalises_only_the_rows_used():
    e = nn.Embedding(3, 2, max_norm=1.0)
    with torch.no_grad():
        e.weight.copy_(torch.tensor([[3.0, 4.0], [6.0, 8.0], [0.3, 0.4]]))
    version = e.weight._version[0]
    e(torch.tensor([0, 2]))
    np.testing.assert_allclose(e.weight.detach().numpy(), [[0.6, 0.8], [6.0, 8.0], [0.3, 0.4]], rtol=1e-6)
    assert e.weight._version[0] > version


def test_embedding_gradient_and_second_derivative():
    idx = torch.tensor([[0, 2, 2], [1, 0, 3]])

    def fn(weight):
        # Without padding_idx and scale_grad_by_freq, which depart from the true gradient by design.
        return nn.functional.embedding(idx, weight) ** 2

    check_gradients(fn, [np.arange(8.0).reshape(4, 2) / 3], create_graph=True)


@pytest.mark.parametrize("layer", [nn.ReLU(), nn.GELU(), nn.SiLU(), nn.ELU(), nn.Softplus(), nn.Mish(),
                                   nn.LogSigmoid(), nn.Softsign(), nn.Softmax(dim=1), nn.LogSoftmax(dim=0),
                                   nn.Flatten(0), nn.Unflatten(1, (2, 2))],
                         ids=lambda layer: type(layer).__name__)
def test_layer_gradients(layer):
    check_gradients(layer, [np.array([[-1.3, 0.2, 0.7, 2.1], [0.4, -0.6, 1.5, -2.2]])])


def test_dropout_train_and_eval():
    d = nn.Dropout(0.5)
    x = torch.ones(4000)
    kept = (d(x) != 0).float().mean().item()
    assert 0.45 < kept < 0.55
    d.eval()
    assert d(x) is x
