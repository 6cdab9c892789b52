"""Recurrent layers: autograd's gradients through RNN, LSTM, GRU and the cells agree with
finite differences (float64), and dropout between layers acts only in training.

Their values, reprs and errors are checked against PyTorch by the golden cases
(tests/golden/cases/nn_rnn.tsh)."""

import numpy as np
import pytest

from tensorsh import engine as torch
from tensorsh.engine import nn
from tests.engine.gradcheck import check_gradients

rng = np.random.default_rng(11)


def _module(cls, *args, **kwargs):
    """A float64 module with weights drawn here (not by the engine's generator)."""
    m = cls(*args, dtype=torch.float64, **kwargs)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.tensor(rng.uniform(-0.6, 0.6, p.shape)))
    return m


def _with_parameters(m, names, fn):
    """fn(*inputs) with the listed parameters replaced by the trailing inputs, so that the
    gradient check reaches them (a Parameter made from a tensor would be a new leaf)."""

    def run(*tensors):
        inputs, params = tensors[:len(tensors) - len(names)], tensors[len(tensors) - len(names):]
        for name, p in zip(names, params):
            m._parameters[name] = p
        return fn(*inputs)

    return run


def _flat(result):
    """(output, h_n) or (output, (h_n, c_n)) as a flat tuple of tensors."""
    if isinstance(result, torch.Tensor):
        return (result,)
    return tuple(t for r in result for t in _flat(r))


def _arrays(m, names):
    return [m._parameters[name].detach().numpy().copy() for name in names]


LAYERS = [
    ("lstm_two_layers_bidirectional", nn.LSTM, {"num_layers": 2, "bidirectional": True}, 2,
     ["weight_ih_l1", "weight_hh_l0_reverse", "bias_hh_l1_reverse"]),
    ("lstm_batch_first_no_bias", nn.LSTM, {"batch_first": True, "bias": False}, 2, ["weight_ih_l0", "weight_hh_l0"]),
    ("lstm_proj_size", nn.LSTM, {"proj_size": 1, "num_layers": 2}, 2, ["weight_hr_l0", "weight_hh_l1", "bias_ih_l0"]),
    ("gru_two_layers_bidirectional", nn.GRU, {"num_layers": 2, "bidirectional": True, "batch_first": True}, 1,
     ["weight_ih_l1_reverse", "weight_hh_l0", "bias_hh_l0", "bias_ih_l1"]),
    ("gru_no_bias", nn.GRU, {"bias": False}, 1, ["weight_ih_l0", "weight_hh_l0"]),
    ("rnn_tanh_two_layers", nn.RNN, {"num_layers": 2}, 1, ["weight_hh_l0", "bias_ih_l1", "bias_hh_l1"]),
    ("rnn_relu_bidirectional", nn.RNN, {"nonlinearity": "relu", "bidirectional": True}, 1,
     ["weight_ih_l0_reverse", "bias_hh_l0"]),
]


@pytest.mark.parametrize("name, cls, kwargs, states, params", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_gradients_match_finite_differences(name, cls, kwargs, states, params):
    m = _module(cls, 2, 2, **kwargs)
    layers = m.num_layers * (2 if m.bidirectional else 1)
    x = rng.standard_normal((2, 3, 2) if m.batch_first else (3, 2, 2))
    h_size = m.proj_size or m.hidden_size
    state_arrays = [rng.standard_normal((layers, 2, h_size)), rng.standard_normal((layers, 2, 2))][:states]

    def run(x, *state):
        return _flat(m(x, state if len(state) == 2 else state[0]))

    check_gradients(_with_parameters(m, params, run), [x, *state_arrays, *_arrays(m, params)])


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU], ids=["lstm", "gru"])
def test_unbatched_input_gradients_match_finite_differences(cls):
    m = _module(cls, 2, 3, num_layers=2)
    check_gradients(lambda x: _flat(m(x)), [rng.standard_normal((4, 2))])


CELLS = [
    ("lstm_cell", nn.LSTMCell, {}, 2),
    ("gru_cell", nn.GRUCell, {}, 1),
    ("rnn_cell", nn.RNNCell, {}, 1),
    ("rnn_cell_relu_no_bias", nn.RNNCell, {"nonlinearity": "relu", "bias": False}, 1),
]


@pytest.mark.parametrize("name, cls, kwargs, states", CELLS, ids=[c[0] for c in CELLS])
def test_cell_gradients_match_finite_differences(name, cls, kwargs, states):
    m = _module(cls, 2, 3, **kwargs)
    params = [n for n, _ in m.named_parameters()]

    def run(x, *state):
        return _flat(m(x, state if len(state) == 2 else state[0]))

    state_arrays = [rng.standard_normal((2, 3)) for _ in range(states)]
    check_gradients(_with_parameters(m, params, run), [rng.standard_normal((2, 2)), *state_arrays,
                                                       *_arrays(m, params)])


def test_dropout_between_layers_only_in_training():
    m = _module(nn.LSTM, 2, 3, num_layers=2, dropout=0.5)
    x = torch.tensor(rng.standard_normal((5, 4, 2)))
    torch.manual_seed(0)
    trained = [m(x)[0] for _ in range(2)]
    assert not torch.equal(trained[0], trained[1])  # fresh masks each call
    m.eval()
    assert torch.equal(m(x)[0], m(x)[0])
    # p = 1 zeroes the second layer's input: its output no longer depends on the input.
    m.train()
    m.dropout = 1.0
    assert torch.equal(m(x)[0], m(-x)[0])


def test_default_initialisation_is_uniform_in_the_inverse_square_root_of_hidden_size():
    for m in (nn.LSTM(8, 25, num_layers=2, bidirectional=True), nn.GRUCell(4, 25), nn.RNN(3, 25)):
        for p in m.parameters():
            assert float(p.abs().max()) <= 0.2
            assert float(p.std()) > 0.07
