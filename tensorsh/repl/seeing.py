"""Seeing a tensor's values at a glance: `:stats` (one line of statistics), `:hist` (a
histogram), `:show` (a heatmap) and `:summarize` (the rich format's statistics past a size).

Each takes an expression computed in the session, so `:show x[0]` and `:stats w.grad` work,
and prints in the current format: rich draws with colour and half blocks, plain with
characters alone, json writes one object of numbers. The numbers come from `repl.stats`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy

from tensorsh.lang.describe import to_json
from tensorsh.repl.commands import command
from tensorsh.repl.display import stats_text
from tensorsh.repl.runner import NOTHING, Context, evaluate
from tensorsh.repl.stats import Histogram, array_of, histogram, measure, name_of, notes_of, number


def _write(ctx: Context, text: str) -> None:
    """Write text as it is: plain and json output carry no styling for rich to apply."""
    ctx.out.write(text + "\n")
    ctx.out.flush()


def _values(ctx: Context, name: str, expression: str) -> tuple[Any, numpy.ndarray] | None:
    """The value of `expression` and its array; None once a usage or type error is reported."""
    if not expression:
        ctx.error(f"usage: :{name} EXPRESSION   (for example  :{name} x[0])")
        return None
    value = evaluate(ctx, expression, f"<{name}>")
    if value is NOTHING:
        return None
    data = array_of(value)
    if data is None:
        hint = " (torch.tensor(...) makes one of it)" if isinstance(value, (list, tuple, int, float)) else ""
        ctx.error(f":{name} takes a tensor, and `{expression}` is {_kind(value)}{hint}")
        return None
    return value, data


def _kind(value: Any) -> str:
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


# ---------------------------------------------------------------- :stats

@command("stats", "EXPRESSION", code=True)
def stats_command(ctx: Context, argument: str) -> None:
    """One line: shape, memory; min/max, μ, σ, sparkline of the finite values; zero/NaN/Inf counts.

    μ is x.mean() and σ x.std() (correction=1), both over the finite values, as min and max;
    zeros, nan, +inf and -inf are counted when there are any. The sparkline is a 10-bin
    histogram over [min, max]; complex tensors are ranged by |x|, bool ones counted.
    """
    found = _values(ctx, "stats", argument)
    if found is None:
        return
    value, data = found
    stats = measure(data)
    name, notes = name_of(value, data), notes_of(value)
    if ctx.printer.fmt == "json":
        _write(ctx, json.dumps(stats.to_json()))
    elif ctx.printer.fmt == "plain":
        _write(ctx, stats.line(name, notes))
    else:
        ctx.printer.print(stats_text(stats.parts(name, notes)))


# ---------------------------------------------------------------- :hist

BINS = re.compile(r"\s+--bins[=\s]+(\d+)\s*$")
EIGHTHS = " ▏▎▍▌▋▊▉█"


@command("hist", "EXPRESSION [--bins N]", code=True)
def hist_command(ctx: Context, argument: str) -> None:
    """A histogram of the finite values (10 bins, or N): each bin's range, a bar, its count.

    Bins span [min, max] as numpy.histogram(x, N) and torch.histc(x, N) draw them, the last
    including max; 10 by default, one per value for integers spanning fewer. json gives the edges.
    """
    match = BINS.search(argument)
    bins = int(match.group(1)) if match else None
    if bins == 0:
        ctx.error("--bins takes a count of at least 1")
        return
    found = _values(ctx, "hist", argument[:match.start()] if match else argument)
    if found is None:
        return
    hist = histogram(found[1], bins)
    stats = hist.stats
    if ctx.printer.fmt == "json":
        _write(ctx, json.dumps({"edges": hist.edges, "counts": hist.counts, "nan": stats.nan,
                                "posinf": stats.posinf, "neginf": stats.neginf}))
        return
    rich = ctx.printer.fmt == "rich"
    for line in _bars(hist, ctx.printer.console.width, rich):
        if rich:
            ctx.printer.print(line)
        else:
            _write(ctx, line)


def _bars(hist: Histogram, width: int, rich: bool) -> list[Any]:
    """The histogram's lines: `[-1.5, -0.5)  ████▍ 12`, then what was left out."""
    from rich.text import Text

    stats = hist.stats
    left_out = [f"{label}={n}" for label, n in (("nan", stats.nan), ("+inf", stats.posinf),
                                                 ("-inf", stats.neginf)) if n]
    if not hist.counts:
        return [f"no finite values to bin ({' '.join(left_out)})" if left_out else "no values to bin"]
    if hist.per_value:
        labels = [number(int(e + 0.5)) for e in hist.edges[:-1]]
    else:
        last = len(hist.counts) - 1
        labels = [f"[{number(a)}, {number(b)}{']' if i == last else ')'}"
                  for i, (a, b) in enumerate(zip(hist.edges, hist.edges[1:]))]
    label_width = max(len(label) for label in labels)
    count_width = max(len(str(c)) for c in hist.counts)
    room = max(10, width - label_width - count_width - 4)
    top = max(hist.counts) or 1
    lines: list[Any] = []
    for label, count in zip(labels, hist.counts):
        eighths = max(round(count / top * room * 8), 1 if count else 0)  # a count is never drawn as none
        bar = "█" * (eighths // 8) + EIGHTHS[eighths % 8].strip() if rich else "#" * math.ceil(eighths / 8)
        if rich:
            line = Text(f"{label:>{label_width}}  ")
            line.append(bar, style="cyan")
            line.append(f" {count}")
            lines.append(line)
        else:
            lines.append(f"{label:>{label_width}}  {bar} {count}".rstrip())
    total = sum(hist.counts)
    note = f"{total} value{'s' if total != 1 else ''} in {len(hist.counts)} bins"
    lines.append(note + (f"; not counted: {' '.join(left_out)}" if left_out else ""))
    return lines


# ---------------------------------------------------------------- :show

RAMP = " .:-=+*#%@"  # plain: darker to brighter, one character per value
NOT_FINITE = "?"
SEQUENTIAL = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))  # viridis
DIVERGING = ((33, 102, 172), (146, 197, 222), (247, 247, 247), (244, 165, 130), (178, 24, 43))  # RdBu
NOT_FINITE_RGB = (255, 0, 255)
LEGEND_CELLS = 32
MAX_ZOOM = 4  # cells a side for one value of a small matrix
FREE_LINES = 12  # below the map: note, legend, the prompt and the 8 lines prompt_toolkit keeps for its menu; the input above


def _palette(anchors: tuple[tuple[int, int, int], ...], size: int = 256) -> numpy.ndarray:
    """`size` colours interpolated linearly between the anchors, as an (size, 3) uint8 array."""
    at = numpy.linspace(0, len(anchors) - 1, size)
    rgb = numpy.array(anchors, dtype=numpy.float64)
    return numpy.stack([numpy.interp(at, numpy.arange(len(anchors)), rgb[:, c]) for c in range(3)],
                       axis=1).round().astype(numpy.uint8)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _slice_of(expression: str, data: numpy.ndarray) -> tuple[numpy.ndarray, str | None]:
    """A 2-D view: a row for 1-D and 0-D values, the first matrix of a larger one (with the
    expression that names it, for the note)."""
    if data.ndim < 2:
        return data.reshape(1, -1), None
    if data.ndim == 2:
        return data, None
    index = (0,) * (data.ndim - 2)
    simple = re.fullmatch(r"[\w.]+", expression.strip())
    named = expression.strip() if simple else f"({expression.strip()})"
    return data[index], f"{named}[{', '.join('0' for _ in index)}]"


@command("show", "EXPRESSION", code=True)
def show_command(ctx: Context, argument: str) -> None:
    """A heatmap of a matrix (of a larger tensor, its first), fitted to the terminal, with its scale.

    Rich draws two rows per line in half blocks: viridis from min to max, or blue-white-red
    centred on 0 when values have both signs; magenta marks NaN and Inf. Plain uses the ramp
    ' .:-=+*#%@', json the (sampled) matrix. A larger tensor is sampled every k-th row and
    column; of a 3-D or larger one the first matrix is shown: `:show x[i]` picks another.
    """
    found = _values(ctx, "show", argument)
    if found is None:
        return
    data = found[1]
    if data.dtype.kind == "c":
        ctx.error(f":show draws real values; `{argument.strip()}` is complex: "
                  f"show its .abs(), .real or .angle()")
        return
    matrix, sliced = _slice_of(argument, data.view(numpy.uint8) if data.dtype.kind == "b" else data)
    fmt = ctx.printer.fmt
    if fmt == "rich" and not ctx.printer.color:
        fmt = "plain"  # half blocks say nothing without their colours
    width, height = ctx.printer.console.size
    rows_per_line = 2 if fmt == "rich" else 1
    room = (max(1, width - 1), max(4, height - FREE_LINES) * rows_per_line)
    step = max(1, math.ceil(matrix.shape[0] / room[1]), math.ceil(matrix.shape[1] / room[0]))
    sample = matrix[::step, ::step]
    if fmt == "rich" and step == 1 and matrix.size:
        # A small matrix drawn a cell a value would be a speck: each value takes a square of cells.
        zoom = max(1, min(MAX_ZOOM, room[0] // matrix.shape[1], room[1] // matrix.shape[0]))
        sample = sample.repeat(zoom, axis=0).repeat(zoom, axis=1)
    stats = measure(matrix)
    low, high = stats.low, stats.high
    notes = [f"shape {tuple(data.shape)}"]
    if sliced:
        notes.append(f"showing {sliced}")
    if step > 1:
        notes.append(f"every {_ordinal(step)} {'value' if data.ndim < 2 else 'row and column'}")
    if fmt == "json":
        _write(ctx, json.dumps({"shape": list(data.shape), "slice": sliced, "step": step,
                                "min": None if low is None else low.item(),
                                "max": None if high is None else high.item(),
                                "data": to_json(sample)["data"]}))
        return
    if matrix.size == 0:
        _write(ctx, f"{notes[0]}: no values to show")
        return
    if low is not None:
        notes.append(f"x∈[{number(low)}, {number(high)}]")
    if stats.finite < stats.count:
        notes.append(f"{'magenta' if fmt == 'rich' else repr(NOT_FINITE)}: nan/inf")
    if fmt == "plain":
        for line in _ramp(sample, low, high):
            _write(ctx, line)
        _write(ctx, " · ".join(notes))
        if low is not None:
            _write(ctx, f"{RAMP[0]!r} {number(low)} … {RAMP[-1]!r} {number(high)}")
        return
    diverging = low is not None and low < 0 < high
    if diverging:
        bound = max(-float(low), float(high))
        low_scale, high_scale = -bound, bound
    else:
        low_scale, high_scale = (0.0, 0.0) if low is None else (float(low), float(high))
    palette = _palette(DIVERGING if diverging else SEQUENTIAL)
    for line in _half_blocks(_colours(sample, low_scale, high_scale, palette)):
        ctx.printer.print(line)
    ctx.printer.print(" · ".join(notes), style="dim")
    if low is not None:
        ctx.printer.print(_legend(low_scale, high_scale, palette))


def _levels(sample: numpy.ndarray, low: float, high: float, levels: int) -> numpy.ndarray:
    """Each value's level in 0..levels-1 over [low, high] (the middle one when low == high); -1 off the scale."""
    values = sample.astype(numpy.float64)
    finite = numpy.isfinite(values)
    if high > low:
        scaled = (numpy.where(finite, values, low) - low) / (high - low)
    else:
        scaled = numpy.full(values.shape, 0.5)
    found = numpy.clip((scaled * levels).astype(numpy.int64), 0, levels - 1)
    return numpy.where(finite, found, -1)


def _ramp(sample: numpy.ndarray, low: Any, high: Any) -> list[str]:
    if low is None:
        return [NOT_FINITE * sample.shape[1]] * sample.shape[0]
    levels = _levels(sample, float(low), float(high), len(RAMP))
    return ["".join(NOT_FINITE if i < 0 else RAMP[i] for i in row).rstrip() for row in levels]


def _colours(sample: numpy.ndarray, low: float, high: float, palette: numpy.ndarray) -> numpy.ndarray:
    """An (rows, columns, 3) array of RGB colours for the values."""
    levels = _levels(sample, low, high, len(palette))
    return numpy.where((levels < 0)[..., None], numpy.array(NOT_FINITE_RGB, numpy.uint8), palette[levels])


def _half_blocks(colours: numpy.ndarray) -> list[Any]:
    """Lines of '▀': the upper row's colour in front, the lower row's behind; an odd last row alone."""
    from rich.color import Color
    from rich.style import Style
    from rich.text import Text

    lines = []
    for top in range(0, colours.shape[0], 2):
        line = Text()
        for column in range(colours.shape[1]):
            upper = Color.from_rgb(*colours[top, column])
            lower = Color.from_rgb(*colours[top + 1, column]) if top + 1 < colours.shape[0] else None
            line.append("▀", Style(color=upper, bgcolor=lower))
        lines.append(line)
    return lines


def _legend(low: float, high: float, palette: numpy.ndarray) -> Any:
    """`-3.899 ████████ 3.899`: the scale's ends and its colours between."""
    from rich.color import Color
    from rich.style import Style
    from rich.text import Text

    legend = Text(f"{number(low)} ")
    for cell in range(LEGEND_CELLS):
        rgb = palette[cell * (len(palette) - 1) // (LEGEND_CELLS - 1)]
        legend.append("█", Style(color=Color.from_rgb(*rgb)))
    legend.append(f" {number(high)}")
    return legend


# ---------------------------------------------------------------- :summarize

@command("summarize", "[N|off]")
def summarize_command(ctx: Context, argument: str) -> None:
    """In the rich format, show tensors of more than N elements as their :stats line; off by default.

    Off, every value prints as PyTorch prints it; plain and json always do.
    """
    printer = ctx.printer
    if not argument:
        above = printer.summarize_above
        _write(ctx, "summarize: off" if above is None else f"summarize: tensors of more than {above} elements")
        return
    if argument == "off":
        printer.summarize_above = None
    elif argument.isdigit():
        printer.summarize_above = int(argument)
    else:
        ctx.error(f"usage: :summarize N|off   (N a count of elements, not '{argument}')")
