"""Tensor printing, byte for byte as PyTorch prints tensors (`torch/_tensor_str.py`).

How PyTorch decides what to print, in short:

- Past `threshold` elements the tensor is summarised: along every dimension longer
  than `2 * edgeitems` only the first and last `edgeitems` entries are shown, with
  `...` between them. Only those edges are ever read from the array.
- Every element of a tensor is written in the same mode and padded to the same width,
  both chosen from the (summarised) values: integer mode (`1.`) when every nonzero
  finite float is whole, scientific mode (`1.0000e+10`) when the nonzero finite
  magnitudes span more than 1000x or leave [1e-4, 1e8], fixed (`1.5000`) otherwise.
  nan and inf never take part in that choice, nor in the width.
- Complex tensors format the real and the imaginary parts with a mode each.
- Rows wrap to `linewidth`; suffixes (`size=`, `dtype=`, `grad_fn=` or
  `requires_grad=True`) follow the values and wrap the same way.
"""

from __future__ import annotations

import math

import numpy as np

from tensorsh.engine import dtypes, limits

_PREFIX = "tensor("


class _PrintOptions:
    # A plain class, not a dataclass: making a dataclass at import costs start-up time.
    def __init__(self):
        self.precision: int = 4
        self.threshold: float = 1000
        self.edgeitems: int = 3
        self.linewidth: int = 80
        self.sci_mode: bool | None = None

    def as_dict(self) -> dict:
        return {"precision": self.precision, "threshold": self.threshold, "edgeitems": self.edgeitems,
                "linewidth": self.linewidth, "sci_mode": self.sci_mode}


_OPTS = _PrintOptions()

# PyTorch takes any precision and then formats every element with that many digits: 3 * 10**9
# fails at the next print, 10**8 takes minutes and gigabytes. 1100 digits after the point show
# every digit a float64 has (the smallest subnormal has 1074), so nothing past them is refused.
MAX_PRECISION = 1100

# profile -> (precision, threshold, edgeitems, linewidth)
_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None) -> None:
    """Set how tensors print: digits after the point (precision, default 4), the element
    count past which tensors are summarised (threshold, 1000), entries kept at each end
    when summarising (edgeitems, 3), characters per line (linewidth, 80), a profile
    ("default", "short" or "full") applied first, and sci_mode (True/False forces
    scientific notation on or off; None lets the values decide)."""
    # Checked here: PyTorch accepts nonsense and fails at the next print, far from the cause.
    for name, value, least in (("precision", precision, 0), ("edgeitems", edgeitems, 0), ("linewidth", linewidth, 1)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < least):
            raise ValueError(f"set_printoptions(): {name} must be an integer of at least {least}, not {value!r}")
    if precision is not None and precision > MAX_PRECISION:
        raise ValueError(f"set_printoptions(): precision must be at most {MAX_PRECISION} in tensorsh (every digit "
                         f"of a float64), not {precision}")
    if threshold is not None and (not isinstance(threshold, (int, float)) or threshold != threshold or threshold < 0):
        raise ValueError(f"set_printoptions(): threshold must be a number of at least 0, not {threshold!r}")
    if profile in _PROFILES:
        _OPTS.precision, _OPTS.threshold, _OPTS.edgeitems, _OPTS.linewidth = _PROFILES[profile]
    if precision is not None:
        _OPTS.precision = precision
    if threshold is not None:
        _OPTS.threshold = threshold
    if edgeitems is not None:
        _OPTS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTS.linewidth = linewidth
    # As in PyTorch, every call sets sci_mode, so omitting it returns to automatic.
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    """The current print options, as a dict that set_printoptions(**d) accepts."""
    return _OPTS.as_dict()


# ---------------------------------------------------------------- element formatting

class _Formatter:
    """The mode and the common width of the elements of one real-valued array."""

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if values.size == 0:
            return
        if not self.floating:
            # str() length grows with magnitude, so the extremes give the widest.
            extremes = (values.min().item(), values.max().item())
            self.width = max(1, *(len(str(v)) for v in extremes))
            return

        flat = values.reshape(-1)
        shown = flat[np.isfinite(flat) & (flat != 0)]
        if shown.size == 0:
            return
        magnitudes = np.abs(shown).astype(np.float64)
        smallest, largest = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        if _OPTS.sci_mode is None:
            self.sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        else:
            self.sci_mode = _OPTS.sci_mode
        self.width = max(1, *(len(self._bare(v)) for v in _width_candidates(shown)))

    def _bare(self, value: float) -> str:
        """One value in this formatter's mode, before padding."""
        if self.sci_mode:
            return f"{value:.{_OPTS.precision}e}"
        if self.int_mode:
            text = f"{value:.0f}"
            return text if math.isinf(value) or math.isnan(value) else text + "."
        return f"{value:.{_OPTS.precision}f}"

    def format(self, value) -> str:
        if self.floating:
            return self._bare(value).rjust(self.width)
        return str(value).rjust(self.width)

    def format_all(self, values: np.ndarray) -> list[str]:
        """Every element of `values`, flattened in C order."""
        items = values.reshape(-1).tolist()
        width = self.width
        if not self.floating:
            return [str(v).rjust(width) for v in items]
        if self.sci_mode:
            spec = f".{_OPTS.precision}e"
        elif self.int_mode:
            return [self._bare(v).rjust(width) for v in items]
        else:
            spec = f".{_OPTS.precision}f"
        return [format(v, spec).rjust(width) for v in items]


def _width_candidates(shown: np.ndarray) -> list[float]:
    """The values whose text is longest: the largest and smallest magnitudes of each sign.

    In every mode the text of a value is its sign plus a string whose length changes
    monotonically with the magnitude, except the exponent in scientific mode, which is
    longest at either end; so these four cover every element.
    """
    result = []
    positives = shown[shown > 0]
    negatives = shown[shown < 0]
    for part in (positives, negatives):
        if part.size:
            result.append(float(part.min()))
            result.append(float(part.max()))
    return result


def _join_complex(real: str, imag: str) -> str:
    imag = (imag + "j").lstrip()
    # A negative imaginary part (-0.0 included) brings its own sign.
    return real + imag if imag.startswith("-") else real + "+" + imag


# ---------------------------------------------------------------- layout

def _summary_edges(array: np.ndarray, edge: int) -> np.ndarray:
    """The entries a summary shows: the first and last `edge` along each long dimension."""
    for axis, size in enumerate(array.shape):
        if size > 2 * edge:
            # Basic slices are views, so only the edges are ever copied.
            before = (slice(None),) * axis
            array = np.concatenate(
                (array[before + (slice(0, edge),)], array[before + (slice(size - edge, size),)]), axis=axis)
    return array


def _layout(cells: np.ndarray, cut: tuple[bool, ...], indent: int, cell_len: int) -> str:
    """Nested brackets around the formatted cells; a cut dimension gets `...` mid-way."""
    edge = _OPTS.edgeitems
    if cells.ndim == 1:
        items = cells.tolist()
        if cut[0]:
            items = items[:edge] + [" ..."] + items[edge:]
        per_line = max(1, math.floor((_OPTS.linewidth - indent) / cell_len))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    blocks = [_layout(sub, cut[1:], indent + 1, cell_len) for sub in cells]
    if cut[0]:
        blocks = blocks[:edge] + ["..."] + blocks[edge:]
    separator = "," + "\n" * (cells.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(blocks) + "]"


def _check_text_size(shown: np.ndarray) -> None:
    """Refuse to print more text than the memory limit: with threshold=inf (or a large edgeitems)
    and a high precision, every element becomes a string of up to `precision` digits, and the
    strings alone could take the machine's memory, in a loop no alarm interrupts quickly."""
    # Fixed notation stays narrow (larger magnitudes switch to scientific), so an element's text
    # is about precision digits plus a sign, point, exponent; and each is a Python string (~50 bytes).
    per_element = (_OPTS.precision + 60) * (2 if shown.dtype.kind == "c" else 1)
    if shown.size * per_element > limits.max_memory():
        raise MemoryError(f"printing this tensor would take about {limits.human(shown.size * per_element)}, more "
                          f"than the memory limit of {limits.human(limits.max_memory())}; "
                          "torch.set_printoptions(threshold=...) summarises it")


def _values_str(array: np.ndarray, indent: int) -> str:
    """The bracketed values of a non-empty array."""
    summarize = array.size > _OPTS.threshold
    edge = _OPTS.edgeitems
    if summarize and array.ndim and not edge:
        return "[...]"
    cut = tuple(summarize and size > 2 * edge for size in array.shape)
    shown = _summary_edges(array, edge) if any(cut) else array
    _check_text_size(shown)

    if shown.dtype.kind == "c":
        real, imag = _Formatter(shown.real), _Formatter(shown.imag)
        if shown.ndim == 0:
            return _join_complex(real.format(shown.real.item()), imag.format(shown.imag.item()))
        texts = [_join_complex(r, i) for r, i in zip(real.format_all(shown.real), imag.format_all(shown.imag))]
        cell_len = real.width + 2 + imag.width + 1
    else:
        formatter = _Formatter(shown)
        if shown.ndim == 0:
            return formatter.format(shown.item())
        texts = formatter.format_all(shown)
        cell_len = formatter.width + 2
    cells = np.empty(len(texts), dtype=object)
    cells[:] = texts
    return _layout(cells.reshape(shown.shape), cut, indent, cell_len)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    # PyTorch's measure of the last line is two more than its length; kept for equal wrapping.
    last_line_len = len(text) - text.rfind("\n") + 1
    parts = [text]
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > _OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t) -> str:
    """The text PyTorch prints for a tensor, e.g. `tensor([1., 2.], requires_grad=True)`."""
    array = t._data
    dtype = t.dtype
    indent = len(_PREFIX)
    suffixes = []
    default_float = dtypes.get_default_dtype()
    if array.size == 0:
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        # An empty tensor shows no values to tell its dtype by, so anything but the
        # default float dtype is named.
        if dtype != default_float:
            suffixes.append(f"dtype={dtype!r}")
        body = "[]"
    else:
        if not _OPTS.edgeitems:
            suffixes.append(f"size={tuple(array.shape)}")
        default_complex = dtypes.complex128 if default_float == dtypes.float64 else dtypes.complex64
        if dtype not in (default_float, default_complex, dtypes.int64, dtypes.bool_):
            suffixes.append(f"dtype={dtype!r}")
        body = _values_str(array, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(_PREFIX + body, suffixes, indent)
