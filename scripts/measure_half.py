"""How often tensorsh's float16 values differ from PyTorch's where a double becomes float16.

PyTorch converts a double to c10::Half through float (two roundings); rounding the double
directly differs about once in 16,000 random values. Each route below runs the same random
doubles through torch and through tensorsh.engine and counts results whose bits differ.
With --tricky the doubles lie just off float16 halfway points, where one rounding and two
differ half the time: a route that rounds once shows up at once.

    .venv/bin/python scripts/measure_half.py [N] [--tricky] [ROUTE ...]
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import torch

from tensorsh import engine

rng = np.random.default_rng(1)


def doubles(n: int) -> np.ndarray:
    """Random doubles across float16's range, most of them not float32 numbers."""
    return rng.uniform(-1, 1, n) * 10.0 ** rng.uniform(-7, 4.5, n)


def tricky(n: int) -> np.ndarray:
    """Doubles just off a float16 rounding midpoint, too close for float32 to tell: rounded
    through float32 they tie (to even); rounded directly they go the other way half the time."""
    low = np.abs(halves(n))
    above = np.nextafter(low.astype(np.float16), np.float16(np.inf)).astype(np.float64)
    middle = (low + above) / 2
    ulp32 = np.spacing(middle.astype(np.float32)).astype(np.float64)
    offset = ulp32 * rng.uniform(0.01, 0.45, n) * rng.choice([-1, 1], n)
    sign = rng.choice([-1.0, 1.0], n)
    return np.where(np.isfinite(above) & (above < 60000), sign * (middle + offset), 0.5)


def halves(n: int) -> np.ndarray:
    """Random finite float16 values as float64."""
    bits = rng.integers(0, 0x7C00, n, dtype=np.uint16) | (rng.integers(0, 2, n, dtype=np.uint16) << 15)
    return bits.view(np.float16).astype(np.float64)


def scalars(k: int) -> list[float]:
    return [float(x) for x in (tricky if TRICKY else doubles)(k)]


TRICKY = "--tricky" in sys.argv


def array_of(t) -> np.ndarray:
    data = t._data if isinstance(t, engine.Tensor) else t.numpy()
    return np.asarray(data)


# Each route: (how many values it sees per call, fn(lib, values) -> tensor or list of tensors).
# `values` is a float64 NumPy array; per-scalar routes loop over a smaller sample.

def per_value(build):
    """A route that takes one double at a time: run it over a sample, concatenated."""
    def run(lib, values):
        return [build(lib, float(x)) for x in values[: len(values) // 50]]
    return run


def with_scalars(build):
    """A route over a float16 tensor and a Python float: 1000 scalars, each against the same halves."""
    def run(lib, values):
        h = halves(len(values) // 1000)
        t = lib.tensor(h, dtype=lib.float16)
        return [build(lib, t, s) for s in scalars(1000)]
    return run


def _setitem(lib, t, s):
    t = t.clone()
    t[::2] = s
    return t


def _default_half(lib, make):
    lib.set_default_dtype(lib.float16)
    try:
        return make()
    finally:
        lib.set_default_dtype(lib.float32)


def _fill(lib, t, s):
    return t.clone().fill_(s)


ROUTES = {
    "tensor(list)": lambda lib, v: lib.tensor(v.tolist(), dtype=lib.float16),
    "tensor(ndarray)": lambda lib, v: lib.tensor(v, dtype=lib.float16),
    "as_tensor(ndarray)": lambda lib, v: lib.as_tensor(v, dtype=lib.float16),
    "tensor(scalar)": per_value(lambda lib, x: lib.tensor(x, dtype=lib.float16)),
    "full": per_value(lambda lib, x: lib.full((2,), x, dtype=lib.float16)),
    "full_like": per_value(lambda lib, x: lib.full_like(lib.zeros(2, dtype=lib.float16), x)),
    "fill_": with_scalars(_fill),
    "float64.half()": lambda lib, v: lib.tensor(v, dtype=lib.float64).half(),
    "complex128.half()": lambda lib, v: lib.tensor(v, dtype=lib.complex128).half(),
    "tensor(list, default float16)": lambda lib, v: _default_half(lib, lambda: lib.tensor(v.tolist())),
    "float64.to(float16)": lambda lib, v: lib.tensor(v, dtype=lib.float64).to(lib.float16),
    "float64.type(HalfTensor)": lambda lib, v: lib.tensor(v, dtype=lib.float64).type("torch.HalfTensor"),
    "float64.type(float16)": lambda lib, v: lib.tensor(v, dtype=lib.float64).type(lib.float16),
    "float16.copy_(float64)": lambda lib, v: lib.zeros(len(v), dtype=lib.float16).copy_(lib.tensor(v, dtype=lib.float64)),
    "float64.type_as(half)": lambda lib, v: lib.tensor(v, dtype=lib.float64).type_as(lib.zeros(1, dtype=lib.float16)),
    "float32.half()": lambda lib, v: lib.tensor(v, dtype=lib.float32).half(),
    "zeros+scalar": with_scalars(lambda lib, t, s: lib.zeros_like(t) + s),
    "half*scalar": with_scalars(lambda lib, t, s: t * s),
    "scalar*half": with_scalars(lambda lib, t, s: s * t),
    "half+scalar": with_scalars(lambda lib, t, s: t + s),
    "half-scalar": with_scalars(lambda lib, t, s: t - s),
    "scalar-half": with_scalars(lambda lib, t, s: s - t),
    "half/scalar": with_scalars(lambda lib, t, s: t / s),
    "scalar/half": with_scalars(lambda lib, t, s: s / t),
    "half.mul_(scalar)": with_scalars(lambda lib, t, s: t.clone().mul_(s)),
    "half.add(scalar,alpha)": with_scalars(lambda lib, t, s: lib.add(t, s, alpha=3)),
    "half.add(half,alpha=scalar)": with_scalars(lambda lib, t, s: lib.add(t, t, alpha=s)),
    "half<scalar": with_scalars(lambda lib, t, s: t < s),
    "half==scalar(of half)": with_scalars(lambda lib, t, s: t == s),
    "clamp(min=scalar)": with_scalars(lambda lib, t, s: lib.clamp(t, min=s)),
    "clamp(max=scalar)": with_scalars(lambda lib, t, s: lib.clamp(t, max=s)),
    "masked_fill": with_scalars(lambda lib, t, s: t.masked_fill(t > 0, s)),
    "setitem": with_scalars(_setitem),
    "index_fill_": with_scalars(lambda lib, t, s: t.clone().index_fill_(0, lib.tensor([0, 2]), s)),
    "masked_fill(float64 0-d)": with_scalars(lambda lib, t, s: t.masked_fill(t > 0, lib.tensor(s, dtype=lib.float64))),
    "half<float64 0-d": with_scalars(lambda lib, t, s: t < lib.tensor(s, dtype=lib.float64)),
    "half>=scalar": with_scalars(lambda lib, t, s: t >= s),
    "clamp(half, float64 0-d)": with_scalars(lambda lib, t, s: lib.clamp(t, min=lib.tensor(s, dtype=lib.float64))),
    "where(c, half, scalar)": with_scalars(lambda lib, t, s: lib.where(t > 0, t, s)),
    "where(c, scalar, half)": with_scalars(lambda lib, t, s: lib.where(t > 0, s, t)),
    "maximum(half, float64 0-d)": with_scalars(lambda lib, t, s: lib.maximum(t, lib.tensor(s, dtype=lib.float64))),
    "half*float64 0-d": with_scalars(lambda lib, t, s: t * lib.tensor(s, dtype=lib.float64)),
    "pow(half, scalar)": with_scalars(lambda lib, t, s: lib.pow(t.abs(), s / 1000)),
    "leaky_relu(slope)": with_scalars(lambda lib, t, s: lib.nn.functional.leaky_relu(t, s / 1000)),
    "hardtanh(bounds)": with_scalars(lambda lib, t, s: lib.nn.functional.hardtanh(t, -abs(s), abs(s))),
    "F.pad(value)": with_scalars(lambda lib, t, s: lib.nn.functional.pad(t, (1, 1), value=s)),
    "nan_to_num(nan=)": with_scalars(lambda lib, t, s: lib.nan_to_num(t / 0 * 0, nan=s)),
    "nn.init.constant_": with_scalars(lambda lib, t, s: lib.nn.init.constant_(t.clone(), s)),
    "sub(half, half, alpha)": with_scalars(lambda lib, t, s: lib.sub(t, t.flip(0), alpha=s)),
    "rsub(scalar)": with_scalars(lambda lib, t, s: lib.rsub(t, s)),
    # remainder differs from PyTorch only in the sign of zero results (every dtype: not a float16 matter)
    "remainder(scalar)": with_scalars(lambda lib, t, s: lib.remainder(t, s)),
    "fmod(scalar)": with_scalars(lambda lib, t, s: lib.fmod(t, s)),
    "floor_divide(scalar)": with_scalars(lambda lib, t, s: lib.floor_divide(t, s)),
    "div(scalar, trunc)": with_scalars(lambda lib, t, s: lib.div(t, s, rounding_mode="trunc")),
    "maximum?scalar-tensor f16 0-d": with_scalars(lambda lib, t, s: lib.maximum(t, lib.tensor(s, dtype=lib.float16))),
    "lerp(half, half, scalar)": with_scalars(lambda lib, t, s: lib.lerp(t, t.flip(0), s / 1000)),
}


def compare(name: str, n: int) -> tuple[int, int]:
    values = (tricky if TRICKY else doubles)(n)
    results = []
    for lib in (torch, engine):
        state = rng.bit_generator.state
        out = ROUTES[name](lib, values)
        rng.bit_generator.state = state  # both libraries see the same random operands
        out = out if isinstance(out, list) else [out]
        results.append(np.concatenate([array_of(t).reshape(-1) for t in out]))
    ours, theirs = results[1], results[0]
    if ours.dtype != theirs.dtype:
        return -1, len(theirs)
    if ours.dtype.kind == "f":
        same = (ours.view(np.uint8).reshape(len(ours), -1) == theirs.view(np.uint8).reshape(len(ours), -1)).all(1)
        same |= np.isnan(ours) & np.isnan(theirs)
    else:
        same = ours == theirs
    return int((~same).sum()), len(theirs)


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv and argv[0].isdigit() else 1_000_000
    names = [a for a in argv if not a.isdigit() and a != "--tricky"] or list(ROUTES)
    warnings.simplefilter("ignore")  # torch warns that complex128.half() drops imaginary parts
    for name in names:
        start = time.perf_counter()
        try:
            bad, total = compare(name, n)
        except Exception as e:  # a route the engine lacks: report it, measure the others
            print(f"{name:30} error: {type(e).__name__}: {str(e)[:80]}")
            continue
        shown = "dtype differs" if bad < 0 else f"{bad:8d} / {total:<9d} (1 in {total // bad if bad else '-'})"
        print(f"{name:30} {shown}  {time.perf_counter() - start:.1f}s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
