"""Gradients checked against central finite differences in float64."""

from __future__ import annotations

import numpy as np

from tensorsh import engine as torch


def _as_output_array(out) -> np.ndarray:
    if isinstance(out, (tuple, list)):
        return np.concatenate([np.ravel(o._data) for o in out if isinstance(o, torch.Tensor) and o.is_floating_point()])
    return np.ravel(out._data)


def numerical_jacobian(fn, arrays, i, eps=1e-6) -> np.ndarray:
    """d(out)/d(arrays[i]) by central differences: one column per input element."""
    base = [a.copy() for a in arrays]
    x = base[i]
    cols = []
    for k in range(x.size):
        flat = x.reshape(-1)
        old = flat[k]
        flat[k] = old + eps
        plus = _as_output_array(fn(*[torch.tensor(a) for a in base]))
        flat[k] = old - eps
        minus = _as_output_array(fn(*[torch.tensor(a) for a in base]))
        flat[k] = old
        cols.append((plus - minus) / (2 * eps))
    return np.stack(cols, axis=1) if cols else np.zeros((0, 0))


def analytic_jacobian(fn, arrays, i, create_graph=False) -> np.ndarray:
    """d(out)/d(arrays[i]) by backward passes, one per output element; with create_graph, the
    backward formulas run as recorded tensor ops (what a second derivative builds on)."""
    rows = []
    n_out = _as_output_array(fn(*[torch.tensor(a) for a in arrays])).size
    for r in range(n_out):
        inputs = [torch.tensor(a, requires_grad=True) for a in arrays]
        out = fn(*inputs)
        outs = [o for o in (out if isinstance(out, (tuple, list)) else [out])
                if isinstance(o, torch.Tensor) and o.is_floating_point()]
        seeds, offset = [], 0
        for o in outs:
            s = np.zeros(o.numel())
            if offset <= r < offset + o.numel():
                s[r - offset] = 1.0
            seeds.append(torch.tensor(s.reshape(o.shape)))
            offset += o.numel()
        used = [(o, s) for o, s in zip(outs, seeds) if o.requires_grad]
        grads = torch.autograd.grad([o for o, _ in used], [inputs[i]], [s for _, s in used], allow_unused=True,
                                    create_graph=create_graph)
        g = grads[0]
        rows.append(np.zeros(arrays[i].size) if g is None else np.ravel(g._data))
    return np.stack(rows, axis=0) if rows else np.zeros((0, arrays[i].size))


def check_gradients(fn, arrays, atol=1e-5, rtol=1e-4, create_graph=False) -> None:
    """Assert that autograd and finite differences agree for every input of fn."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    for i in range(len(arrays)):
        numeric = numerical_jacobian(fn, arrays, i)
        analytic = analytic_jacobian(fn, arrays, i, create_graph)
        np.testing.assert_allclose(analytic, numeric.reshape(analytic.shape), atol=atol, rtol=rtol,
                                   err_msg=f"gradient of input {i} disagrees with finite differences")
