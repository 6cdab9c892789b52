"""Recurrent layers: RNN, LSTM and GRU over whole sequences, and their one-step cells.

Each step is composed of tensor ops (addmm, sigmoid, tanh, mul, add), so autograd gives
the gradients; PyTorch runs fused kernels instead, so its grad_fn names differ. The
parameters, their shapes, names and order, and the gates' order (LSTM i, f, g, o; GRU
r, z, n, with r applied to W_hn h + b_hn) are PyTorch's; so are the checks of input and
state and their messages.
"""

from __future__ import annotations

import math
import numbers

from ..ops.creation import empty, zeros
from ..ops.linalg import addmm
from ..ops.common import warn
from ..ops.nn import dropout as _dropout
from ..ops.pointwise import relu, sigmoid, tanh
from ..ops.shape import cat, stack
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ================================================================ one time step
#
# Every op here is a node on the tape, and a node costs far more than its arithmetic on
# these small matrices: so the biases an LSTM or RNN only ever adds together are added
# once per call (folded into the input's projection), each weight is transposed once per
# call, and one sigmoid covers all of an LSTM's gates.


def _input_bias(mode: str, b_ih, b_hh):
    """The bias of the input's projection: both biases where the cell only adds them (GRU
    keeps b_hn apart, inside r·(W_hn h + b_hn))."""
    if b_ih is None or mode == "GRU":
        return b_ih
    return b_ih + b_hh


def _project(x, w_t, bias):
    """x W^T + bias, W^T given."""
    return x.matmul(w_t) if bias is None else addmm(bias, x, w_t)


def _rnn_step(gi, h, w_hh_t, activation):
    return activation(addmm(gi, h, w_hh_t))


def _lstm_step(gi, h, c, w_hh_t, w_hr_t):
    gates = addmm(gi, h, w_hh_t)
    n = gates.shape[1] // 4
    act = sigmoid(gates)  # i, f and o are read from it; g is tanh of its own columns
    c = act.narrow(1, n, n) * c + act.narrow(1, 0, n) * tanh(gates.narrow(1, 2 * n, n))
    h = act.narrow(1, 3 * n, n) * tanh(c)
    if w_hr_t is not None:
        h = h.matmul(w_hr_t)
    return h, c


def _gru_step(gi, h, w_hh_t, b_hh):
    gh = _project(h, w_hh_t, b_hh)
    n = gh.shape[1] // 3
    rz = sigmoid(gh.narrow(1, 0, 2 * n) + gi.narrow(1, 0, 2 * n))
    new = tanh(gi.narrow(1, 2 * n, n) + gh.narrow(1, 2 * n, n) * rz.narrow(1, 0, n))
    return (h - new) * rz.narrow(1, n, n) + new


# ================================================================ the sequence modules


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters of every layer and direction, their
    initialisation, the checks of input and state, and the loop over layers and time."""

    __module__ = "torch.nn.modules.rnn"

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                  f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}")
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int)):
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)

        gate_size = _GATES[mode] * hidden_size
        state_size = proj_size if proj_size > 0 else hidden_size
        directions = 2 if bidirectional else 1
        self._all_weights = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else state_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes = [("weight_ih", (gate_size, layer_input)), ("weight_hh", (gate_size, state_size))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                names = []
                for stem, shape in shapes:
                    setattr(self, stem + suffix, Parameter(empty(*shape, dtype=dtype)))
                    names.append(stem + suffix)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias uniform in ±1/√hidden_size, in the order they were registered."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def flatten_parameters(self) -> None:
        """A no-op: PyTorch packs the weights for cuDNN here."""

    @property
    def all_weights(self) -> list:
        """The parameters of each layer and direction: [[weight_ih_l0, weight_hh_l0, ...], ...]."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------ checks

    def _state_shape(self, input: Tensor, size: int) -> tuple:
        batch = input.shape[0] if self.batch_first else input.shape[1]
        return (self.num_layers * (2 if self.bidirectional else 1), batch, size)

    def _check_input(self, input: Tensor) -> None:
        weight_dtype = self.weight_ih_l0.dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}). "
                             f"Convert input: input.to({weight_dtype}), or convert model: model.to({input.dtype})")
        if self.input_size != input.shape[-1]:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.shape[-1]}")

    @staticmethod
    def _check_state(hx: Tensor, expected: tuple, what: str = "hidden") -> None:
        if tuple(hx.shape) != expected:
            raise RuntimeError(f"Expected {what} size {expected}, got {list(hx.shape)}")

    def _batched(self, input: Tensor, hx):
        """(input as 3-D, hx with a batch dimension, whether input had one); PyTorch's checks of
        the number of dimensions, for the plain-state modules (RNN, GRU)."""
        if input.dim() not in (2, 3):
            name, tensor = ("RNN", " tensor") if self.mode.startswith("RNN") else (self.mode, "")
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D{tensor} instead")
        batched = input.dim() == 3
        if batched:
            if hx is not None and hx.dim() != 3:
                raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
        else:
            input = input.unsqueeze(0 if self.batch_first else 1)
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor")
                hx = hx.unsqueeze(1)
        return input, hx, batched

    # ------------------------------------------------------------ the loop

    def _run(self, input: Tensor, states: list) -> tuple:
        """Run every layer and direction over the 3-D input from the initial states (a list of
        (num_layers·directions, batch, size) tensors: [h] or [h, c]); returns the output and
        the final states, stacked as the initial ones.

        Layers hand each other lists of per-step tensors, and each step projects its own
        input: a projection of the whole sequence at once would have to be sliced again per
        step, and each slice's gradient is as large as the whole, which makes the backward
        quadratic in the sequence's length."""
        time_dim = 1 if self.batch_first else 0
        if input.shape[time_dim] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        directions = 2 if self.bidirectional else 1
        initial = [s.unbind(0) for s in states]
        finals = [[] for _ in states]
        xs = input.unbind(time_dim)
        steps = len(xs)
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout and self.training:
                xs = [_dropout(x, self.dropout, True) for x in xs]
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                w_ih, w_hh, b_ih, b_hh, w_hr = self._layer_weights(index)
                w_ih, w_hh, w_hr = w_ih.t(), w_hh.t(), None if w_hr is None else w_hr.t()
                b_in = _input_bias(self.mode, b_ih, b_hh)
                state = tuple(s[index] for s in initial)
                hs = [None] * steps
                for t in reversed(range(steps)) if direction else range(steps):
                    state = self._step(_project(xs[t], w_ih, b_in), state, w_hh, b_hh, w_hr)
                    hs[t] = state[0]
                outputs.append(hs)
                for final, s in zip(finals, state):
                    final.append(s)
            xs = outputs[0] if directions == 1 else [cat(pair, 1) for pair in zip(*outputs)]
        return stack(xs, time_dim), [stack(f) for f in finals]

    def _layer_weights(self, index: int) -> tuple:
        """(weight_ih, weight_hh, bias_ih, bias_hh, weight_hr) of one layer and direction; None for those absent."""
        names = self._all_weights[index]
        params = self._parameters
        b_ih, b_hh = (params[names[2]], params[names[3]]) if self.bias else (None, None)
        return params[names[0]], params[names[1]], b_ih, b_hh, params[names[-1]] if self.proj_size > 0 else None

    def _step(self, gi, state: tuple, w_hh_t, b_hh, w_hr_t) -> tuple:
        """The state after one time step, from this step's input projection gi."""
        if self.mode == "LSTM":
            return _lstm_step(gi, *state, w_hh_t, w_hr_t)
        if self.mode == "GRU":
            return (_gru_step(gi, state[0], w_hh_t, b_hh),)
        return (_rnn_step(gi, state[0], w_hh_t, tanh if self.mode == "RNN_TANH" else relu),)

    def forward(self, input, hx=None):
        """RNN's and GRU's: (output, h_n) from input and the initial hidden state (zeros by default)."""
        input, hx, batched = self._batched(input, hx)
        expected = self._state_shape(input, self.hidden_size)
        if hx is None:
            hx = zeros(*expected, dtype=input.dtype)
        self._check_input(input)
        self._check_state(hx, expected)
        output, (h_n,) = self._run(input, [hx])
        if not batched:
            return output.squeeze(0 if self.batch_first else 1), h_n.squeeze(1)
        return output, h_n


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh), or relu."""

    __module__ = "torch.nn.modules.rnn"

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        _no_other_keywords("RNN", kwargs)
        self.nonlinearity = nonlinearity
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, 0, device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit: r, z = σ(...), n = tanh(x W_in^T + b_in + r·(h W_hn^T + b_hn)), h' = (1 - z)·n + z·h."""

    __module__ = "torch.nn.modules.rnn"

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        _no_other_keywords("GRU", kwargs)
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, 0,
                         device, dtype)


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o; c' = f·c + i·g, h' = o·tanh(c') (times W_hr^T with proj_size)."""

    __module__ = "torch.nn.modules.rnn"

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)

    def forward(self, input, hx=None):
        if input.dim() not in (2, 3):
            raise ValueError(f"LSTM: Expected input to be 2D or 3D, got {input.dim()}D instead")
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
        h_shape = self._state_shape(input, self.proj_size if self.proj_size > 0 else self.hidden_size)
        c_shape = self._state_shape(input, self.hidden_size)
        if hx is None:
            hx = (zeros(*h_shape, dtype=input.dtype), zeros(*c_shape, dtype=input.dtype))
        else:
            dims = (hx[0].dim(), hx[1].dim())
            if batched and dims != (3, 3):
                raise RuntimeError(f"For batched 3-D input, hx and cx should also be 3-D but got ({dims[0]}-D, "
                                   f"{dims[1]}-D) tensors")
            if not batched:
                if dims != (2, 2):
                    raise RuntimeError(f"For unbatched 2-D input, hx and cx should also be 2-D but got "
                                       f"({dims[0]}-D, {dims[1]}-D) tensors")
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        self._check_input(input)
        self._check_state(hx[0], h_shape, "hidden[0]")
        self._check_state(hx[1], c_shape, "hidden[1]")
        if len(hx) != 2:
            raise RuntimeError("lstm expects two hidden states")
        output, (h_n, c_n) = self._run(input, [hx[0], hx[1]])
        if not batched:
            return output.squeeze(0 if self.batch_first else 1), (h_n.squeeze(1), c_n.squeeze(1))
        return output, (h_n, c_n)


def _no_other_keywords(name: str, kwargs: dict) -> None:
    if kwargs:
        raise TypeError(f"{name}.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")


# ================================================================ the cells


class RNNCellBase(Module):
    """What the cells share: weight_ih (chunks·hidden, input), weight_hh (chunks·hidden, hidden) and two biases."""

    __module__ = "torch.nn.modules.rnn"

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty(num_chunks * hidden_size, input_size, dtype=dtype))
        self.weight_hh = Parameter(empty(num_chunks * hidden_size, hidden_size, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = self.__dict__.get("nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def _batched(self, input: Tensor, states, what: str):
        """(input as 2-D, states with a batch dimension, whether input had one), with PyTorch's
        checks of the number of dimensions; states is a tuple of tensors or None."""
        name = self._kind
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if states is not None:
            for i, state in enumerate(states):
                if state.dim() not in (1, 2):
                    label = what if what == "hidden" else f"{what}[{i}]"
                    raise ValueError(f"{name}: Expected {label} to be 1D or 2D, got {state.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
            if states is not None:
                states = tuple(s.unsqueeze(0) for s in states)
        return input, states, batched

    def _check(self, input: Tensor, states) -> None:
        """The checks of PyTorch's cell kernels: input width, then each state's batch and width."""
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {self.input_size}")
        for i, state in enumerate(states):
            if input.shape[0] != state.shape[0]:
                raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{i} batch size "
                                   f"{state.shape[0]}")
            if state.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {state.shape[1]}, expected "
                                   f"{self.hidden_size}")

    def _zeros(self, input: Tensor) -> Tensor:
        return zeros(input.shape[0], self.hidden_size, dtype=input.dtype)


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh), or relu."""

    __module__ = "torch.nn.modules.rnn"
    _kind = "RNNCell"  # the name its messages give, in subclasses too

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, states, batched = self._batched(input, None if hx is None else (hx,), "hidden")
        hx = self._zeros(input) if states is None else states[0]
        self._check(input, (hx,))
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        activation = tanh if self.nonlinearity == "tanh" else relu
        gi = _project(input, self.weight_ih.t(), _input_bias("RNN", self.bias_ih, self.bias_hh))
        h = _rnn_step(gi, hx, self.weight_hh.t(), activation)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step: (h, c) -> (h', c')."""

    __module__ = "torch.nn.modules.rnn"
    _kind = "LSTMCell"  # the name its messages give, in subclasses too

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        input, states, batched = self._batched(input, hx, "hx")
        if states is None:
            states = (self._zeros(input),) * 2
        if len(states) != 2:
            raise RuntimeError("lstm_cell expects two hidden states")
        self._check(input, states)
        gi = _project(input, self.weight_ih.t(), _input_bias("LSTM", self.bias_ih, self.bias_hh))
        h, c = _lstm_step(gi, *states, self.weight_hh.t(), None)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step: h -> h'."""

    __module__ = "torch.nn.modules.rnn"
    _kind = "GRUCell"  # the name its messages give, in subclasses too

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        input, states, batched = self._batched(input, None if hx is None else (hx,), "hidden")
        hx = self._zeros(input) if states is None else states[0]
        self._check(input, (hx,))
        h = _gru_step(_project(input, self.weight_ih.t(), self.bias_ih), hx, self.weight_hh.t(), self.bias_hh)
        return h if batched else h.squeeze(0)
