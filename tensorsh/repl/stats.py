"""A tensor's values in numbers: the statistics behind `:stats`, `:hist`, `:show` and the rich
format's summary line.

Min, max, mean, std and the histograms cover the finite values; NaN and ±Inf are counted
apart, as lovely-tensors does, because one NaN would otherwise hide every other number.
Without NaN or Inf, μ and σ are PyTorch's `x.mean()` and `x.std()` (correction=1), computed
in float64. Complex values are ranged and binned by magnitude. The values are read in
pieces that are views where memory allows, so a large tensor is never copied whole, nor
widened to float64 whole.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy

PIECE = 1 << 20  # elements read at a time: a float64 copy of a piece is 8 MiB
DEFAULT_BINS = 10  # the sparkline's, and :hist's unless told
SPARKS = "▁▂▃▄▅▆▇█"


def array_of(value: Any) -> numpy.ndarray | None:
    """The NumPy array behind a tensor (detached: reading it records nothing) or an ndarray; else None."""
    from tensorsh.lang.describe import is_tensor

    if is_tensor(value):
        return value.detach().numpy()
    if isinstance(value, numpy.ndarray) and value.dtype.kind in "biufc":
        return value
    return None


def notes_of(value: Any) -> tuple[str, ...]:
    """What the rich header says beyond shape, dtype and device: `requires_grad`, `grad_fn=...`."""
    from tensorsh.lang.describe import summary

    return tuple((summary(value) or "").split(" · ")[3:])


def name_of(value: Any, data: numpy.ndarray) -> str:
    """What the summary line calls the value: `tensor`, or `array` for an ndarray (its own data)."""
    return "array" if data is value else "tensor"


def pieces(data: numpy.ndarray) -> Iterator[numpy.ndarray]:
    """`data` as 1-D pieces of at most PIECE elements (more only for a strided row longer than
    that): views of contiguous memory, else copies of one block of rows at a time."""
    if data.ndim <= 1 or data.flags.c_contiguous or data.flags.f_contiguous:
        flat = data.reshape(-1) if data.ndim <= 1 else data.ravel(order="K")
        for start in range(0, flat.size, PIECE):
            yield flat[start:start + PIECE]
        return
    rows = max(1, PIECE // max(1, data[0].size))
    for start in range(0, len(data), rows):
        block = data[start:start + rows]
        if block.size <= PIECE:
            yield block.ravel()
        else:
            yield from pieces(block[0])


def _finite(piece: numpy.ndarray) -> numpy.ndarray:
    """The finite values of a piece (the piece itself when all are)."""
    if piece.dtype.kind not in "fc":
        return piece
    keep = numpy.isfinite(piece)
    return piece if keep.all() else piece[keep]


def _ranged(piece: numpy.ndarray) -> numpy.ndarray:
    """What min, max and the bins are taken over: magnitudes of complex values, 0/1 for bools."""
    if piece.dtype.kind == "c":
        return numpy.abs(piece)
    return piece.view(numpy.uint8) if piece.dtype.kind == "b" else piece


@dataclass
class Stats:
    """What `measure` found; low, high, mean and std are None when no finite value has them."""

    shape: tuple[int, ...]
    dtype: str  # NumPy's name, which is PyTorch's too: float32
    nbytes: int
    count: int
    finite: int = 0
    nan: int = 0
    posinf: int = 0
    neginf: int = 0
    zeros: int = 0
    low: Any = None  # NumPy scalars of the ranged dtype: what histogram edges start from
    high: Any = None
    mean: float | complex | None = None
    std: float | None = None
    spark: list[int] = field(default_factory=list)  # histogram counts over [low, high], as `histogram` bins

    def parts(self, name: str = "tensor", notes: tuple[str, ...] = ()) -> list[tuple[str, str | None]]:
        """The summary line as (text, kind) parts, kind "dim" for the size, "special" for NaN and
        Inf counts; `notes` (requires_grad) go with the size:
        `tensor[100, 50] n=5000 (19.5 KiB float32) x∈[-3.421, 3.817] μ=0.002 σ=1.001 ▁▃▆█▆▃▁`."""
        from tensorsh.engine.limits import human

        shape = ", ".join(str(d) for d in self.shape)
        size = ", ".join((f"{human(self.nbytes)} {self.dtype}",) + notes)
        parts: list[tuple[str, str | None]] = [(f"{name}[{shape}] n={self.count}", None), (f" ({size})", "dim")]
        if self.dtype == "bool":
            true = self.count - self.zeros
            share = f" ({100 * true / self.count:.1f}%)" if self.count else ""
            return parts + [(f" true={true}{share}", None)]
        if self.count == 0:
            return parts + [(" empty", None)]
        what = "|x|" if self.dtype.startswith("complex") else "x"
        if self.finite == 1:
            parts.append((f" {what}={number(self.high)}", None))
        elif self.finite > 1:
            parts.append((f" {what}∈[{number(self.low)}, {number(self.high)}] μ={number(self.mean)} "
                          f"σ={number(self.std)}", None))
        if self.zeros:
            parts.append((f" zeros={self.zeros}", None))
        for label, n in (("nan", self.nan), ("+inf", self.posinf), ("-inf", self.neginf)):
            if n:
                parts.append((f" {label}={n}", "special"))
        if self.low is not None and self.low < self.high:
            parts.append((" " + sparkline(self.spark), None))
        return parts

    def line(self, name: str = "tensor", notes: tuple[str, ...] = ()) -> str:
        return "".join(text for text, _ in self.parts(name, notes))

    def to_json(self) -> dict[str, Any]:
        """The statistics as JSON-safe data: numbers, None for what is not defined."""
        mean = self.mean
        return {"shape": list(self.shape), "dtype": self.dtype, "nbytes": self.nbytes, "count": self.count,
                "min": _plain(self.low), "max": _plain(self.high),
                "mean": [mean.real, mean.imag] if isinstance(mean, complex) else mean, "std": self.std,
                "zeros": self.zeros, "nan": self.nan, "posinf": self.posinf, "neginf": self.neginf,
                "finite": self.finite, "histogram": self.spark}


def _plain(scalar: Any) -> Any:
    return None if scalar is None else scalar.item()


def number(value: Any) -> str:
    """4 significant digits, integers whole: `-3.421`, `0.002048`, `1.235e+05`, `7`."""
    if isinstance(value, (int, numpy.integer)):
        return str(int(value))
    if isinstance(value, complex):
        sign = "-" if value.imag < 0 else "+"
        return f"{value.real:.4g}{sign}{abs(value.imag):.4g}j"
    return f"{float(value):.4g}"


def sparkline(counts: list[int]) -> str:
    """One bar per bin, as tall as its count against the largest; an empty bin is a blank."""
    top = max(counts, default=0)
    if top == 0:
        return ""
    return "".join(" " if c == 0 else SPARKS[math.ceil(c / top * len(SPARKS)) - 1] for c in counts)


def measure(data: numpy.ndarray) -> Stats:
    """The statistics of an array's values, in two passes over its pieces; the sparkline's bins
    are `histogram`'s."""
    stats = Stats(tuple(int(d) for d in data.shape), str(data.dtype), int(data.nbytes), int(data.size))
    total: Any = 0.0
    for piece in pieces(data):
        if piece.dtype.kind in "fc":
            nan = numpy.isnan(piece)
            stats.nan += int(numpy.count_nonzero(nan))
            if piece.dtype.kind == "f":
                stats.posinf += int(numpy.count_nonzero(piece == numpy.inf))
                stats.neginf += int(numpy.count_nonzero(piece == -numpy.inf))
            else:  # a complex infinity has no sign: counted with +inf
                stats.posinf += int(numpy.count_nonzero(numpy.isinf(piece) & ~nan))
        stats.zeros += int(piece.size - numpy.count_nonzero(piece))
        finite = _finite(piece)
        if finite.size == 0:
            continue
        stats.finite += finite.size
        ranged = _ranged(finite)
        low, high = ranged.min(), ranged.max()
        stats.low = low if stats.low is None else min(stats.low, low)
        stats.high = high if stats.high is None else max(stats.high, high)
        total += finite.sum(dtype=numpy.complex128 if finite.dtype.kind == "c" else numpy.float64)
    if stats.finite == 0:
        return stats
    mean = total / stats.finite
    squares = 0.0
    bins, span, _ = _bins(data, stats, None)
    spark = numpy.zeros(bins, dtype=numpy.int64)
    for piece in pieces(data):
        finite = _finite(piece)
        if finite.size == 0:
            continue
        squares += float(numpy.sum(numpy.abs(finite.astype(type(mean)) - mean) ** 2))
        spark += numpy.histogram(_ranged(finite), bins, span)[0]
    stats.mean = complex(mean) if isinstance(mean, complex) else float(mean)
    stats.std = math.sqrt(squares / (stats.finite - 1)) if stats.finite > 1 else None
    stats.spark = [int(c) for c in spark]
    return stats


@dataclass
class Histogram:
    """Counts of the finite values in bins; edges has one more entry than counts, the last bin
    includes its upper edge (numpy.histogram's and torch.histc's bins)."""

    edges: list[float]
    counts: list[int]
    stats: Stats
    per_value: bool = False  # one bin per integer value, centred on it


def _bins(data: numpy.ndarray, stats: Stats, bins: int | None) -> tuple[int, tuple[Any, Any], bool]:
    """(bins, range, one bin per value) for `bins` given; else DEFAULT_BINS over [min, max], or one
    bin per value for integers spanning fewer: class labels read better as one bar each."""
    if bins is not None:
        return bins, (stats.low, stats.high), False
    low, high = int(stats.low), int(stats.high)
    if data.dtype.kind in "biu" and high - low < DEFAULT_BINS:
        return high - low + 1, (low - 0.5, high + 0.5), True
    return DEFAULT_BINS, (stats.low, stats.high), False


def histogram(data: numpy.ndarray, bins: int | None = None) -> Histogram:
    """The histogram of the finite values over [min, max], as numpy.histogram(x, bins) draws it.
    Without `bins`: 10, or one bin per value for integers spanning fewer than 10."""
    stats = measure(data)
    if stats.low is None:
        return Histogram([], [], stats)
    bins, span, per_value = _bins(data, stats, bins)
    counts = numpy.zeros(bins, dtype=numpy.int64)
    edges = None
    for piece in pieces(data):
        finite = _finite(piece)
        if finite.size:
            found, edges = numpy.histogram(_ranged(finite), bins, span)
            counts += found
    return Histogram([float(e) for e in edges], [int(c) for c in counts], stats, per_value)
