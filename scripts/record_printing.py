"""Record how PyTorch prints tensors, for tests/engine/test_printing.py.

Usage: .venv/bin/python scripts/record_printing.py

Writes tests/engine/printing_cases.json: for each case its name, the PyTorch
expression, the print options and default dtype it ran under, the tensor's data
(shape, dtype name, flat values in C order: floats as exact reprs, nan/inf as
strings, complex as [real, imag]), requires_grad, grad_fn name, what
get_printoptions() returned, and repr(tensor). A case may instead be recorded as
a small base tensor broadcast to a huge shape, which the test rebuilds with
np.broadcast_to, so printing is checked never to materialise what it summarises.
Needs torch (2.13); the test never does.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "engine" / "printing_cases.json"

# (name, expression, list of set_printoptions kwargs applied in order, default dtype)
CASES: list[tuple[str, str, list[dict], str | None]] = []


def case(name: str, expr: str, *options: dict, default_dtype: str | None = None) -> None:
    CASES.append((name, expr, list(options), default_dtype))


# ---------------------------------------------------------------- floats, fixed mode
case("float_simple", "torch.tensor([1.5, -2.0, 3.25])")
case("float_nan", "torch.tensor([1.5, -2.0, float('nan')])")
case("float_inf", "torch.tensor([1.5, float('inf'), -float('inf')])")
case("float_nan_only", "torch.tensor([float('nan')])")
case("float_all_nonfinite", "torch.tensor([float('nan'), float('inf'), -float('inf')])")
case("float_rounding", "torch.tensor([0.12345, 0.99999, 9.99996, -0.00005])")
case("float_tenths", "torch.tensor([0.1, 0.2, 0.3])")
case("float_mixed_width", "torch.tensor([100.5, -1.25, 0.5])")
case("float_neg_small", "torch.tensor([-0.5, 0.25])")
case("float_precision_edge", "torch.tensor([1.00005, 2.00015, 1.23455])")
case("float_half_even", "torch.tensor([0.5, 1.5, 2.5], dtype=torch.float64) / 10000 + 1")
case("float_linspace", "torch.linspace(0, 1, 7)")
case("float_randn_vec", "torch.randn(8)")
case("float_randn_2d", "torch.randn(3, 4)")
case("float_randn_3d", "torch.randn(2, 3, 4)")
case("float_randn_4d", "torch.randn(2, 2, 2, 3)")
case("float_randn_5d", "torch.randn(2, 1, 2, 1, 2)")
case("float64_randn", "torch.randn(3, 4, 5, dtype=torch.float64)")
case("float64_simple", "torch.tensor([1.5, 2.25], dtype=torch.float64)")
case("float16_simple", "torch.tensor([1.5, -2.0, 0.1], dtype=torch.float16)")
case("float16_randn", "torch.randn(3, 3).half()")
case("float16_big", "torch.tensor([60000., 0.5], dtype=torch.float16)")
case("float16_inf", "torch.tensor([float('inf'), 1.5], dtype=torch.float16)")
case("float32_ulp", "torch.tensor([16777217.0, 0.3])")
case("float_inf_width", "torch.tensor([-float('inf'), 1.5])")
case("float_nan_width_int", "torch.tensor([float('nan'), 1., -float('inf')])")

# ---------------------------------------------------------------- integer mode
case("int_mode_simple", "torch.tensor([1., 2., 3.])")
case("int_mode_negative", "torch.tensor([-1., 20., 300.])")
case("int_mode_arange", "torch.arange(10.)")
case("int_mode_with_nan", "torch.tensor([1., float('nan'), 3.])")
case("int_mode_with_inf", "torch.tensor([1., float('inf'), -float('inf')])")
case("int_mode_zeros", "torch.zeros(2, 3)")
case("int_mode_ones_3d", "torch.ones(2, 2, 2)")
case("int_mode_large", "torch.tensor([1e7, 2.])")
case("int_mode_big_no_sci", "torch.tensor([123456789., 1.])")
case("int_mode_float64", "torch.tensor([2., 4.], dtype=torch.float64)")
case("int_mode_float16", "torch.tensor([2., 4., -8.], dtype=torch.float16)")
case("int_mode_eye", "torch.eye(4)")

# ---------------------------------------------------------------- negative zero
case("neg_zero_alone", "torch.tensor([-0.0])")
case("neg_zero_int_mode", "torch.tensor([-0.0, 1.0])")
case("neg_zero_fixed", "torch.tensor([-0.0, 1.5])")
case("neg_zero_sci", "torch.tensor([-0.0, 1e10, 1.0])")
case("neg_zero_scalar", "torch.tensor(-0.0)")
case("neg_zero_all", "torch.tensor([-0.0, 0.0, -0.0])")
case("neg_zero_complex", "torch.complex(torch.tensor([1.0, -0.0]), torch.tensor([-0.0, 0.0]))")

# ---------------------------------------------------------------- scientific mode
case("sci_big", "torch.tensor([1e10, 1.0])")
case("sci_small", "torch.tensor([1e-5, 1.0])")
case("sci_ratio", "torch.tensor([1.5, 2000.5])")
case("sci_ratio_just_under", "torch.tensor([1.5, 1400.5])")
case("sci_large_only", "torch.tensor([1.5e9, 2.5e9])")
case("sci_tiny_only", "torch.tensor([1.5e-5, 2.5e-5])")
case("sci_negative", "torch.tensor([-1e10, 1.0, -3.5])")
case("sci_three_digit_exp", "torch.tensor([1e-100, 1e100], dtype=torch.float64)")
case("sci_three_digit_neg", "torch.tensor([-1e-100, 1.0, 2e100], dtype=torch.float64)")
case("sci_with_nan", "torch.tensor([1e10, float('nan'), 1.0])")
case("sci_with_inf", "torch.tensor([1e-8, float('inf'), -float('inf')])")
case("sci_with_zero", "torch.tensor([0.0, 1e-8, 1.0])")
case("sci_float64_max", "torch.tensor([1.7976931348623157e308, 1.0], dtype=torch.float64)")
case("sci_subnormal", "torch.tensor([5e-324, 1.0], dtype=torch.float64)")
case("sci_randn_scaled", "torch.randn(4, 3) * 1e6")
case("sci_rounding_up", "torch.tensor([9.99996e10, 1.0])")
case("sci_2d", "torch.tensor([[1e-6, 2.0], [3.0, 4e6]])")
case("sci_exp_values", "torch.exp(torch.arange(0., 30., 3.))")
case("sci_float16", "torch.tensor([0.0001, 1000.], dtype=torch.float16)")

# ---------------------------------------------------------------- 0-dim
case("scalar_float", "torch.tensor(3.5)")
case("scalar_int_mode", "torch.tensor(3.)")
case("scalar_int", "torch.tensor(7)")
case("scalar_neg_int", "torch.tensor(-12)")
case("scalar_bool", "torch.tensor(True)")
case("scalar_bool_false", "torch.tensor(False)")
case("scalar_nan", "torch.tensor(float('nan'))")
case("scalar_inf", "torch.tensor(-float('inf'))")
case("scalar_sci", "torch.tensor(1e10)")
case("scalar_tiny", "torch.tensor(1e-10)")
case("scalar_float64", "torch.tensor(2.5, dtype=torch.float64)")
case("scalar_int32", "torch.tensor(5, dtype=torch.int32)")
case("scalar_uint8", "torch.tensor(200, dtype=torch.uint8)")
case("scalar_float16", "torch.tensor(0.1, dtype=torch.float16)")
case("scalar_complex", "torch.tensor(1.5 - 2j)")
case("scalar_complex128", "torch.tensor(1 + 2j, dtype=torch.complex128)")
case("scalar_zero", "torch.tensor(0.)")
case("scalar_sum", "torch.arange(5.).sum()")

# ---------------------------------------------------------------- empty
case("empty_float", "torch.tensor([])")
case("empty_2d", "torch.zeros(0, 3)")
case("empty_2d_late", "torch.zeros(3, 0)")
case("empty_3d", "torch.zeros(2, 0, 4)")
case("empty_int64", "torch.tensor([], dtype=torch.int64)")
case("empty_int64_2d", "torch.zeros(0, 2, dtype=torch.int64)")
case("empty_bool", "torch.tensor([], dtype=torch.bool)")
case("empty_float64", "torch.zeros(0, dtype=torch.float64)")
case("empty_complex64", "torch.zeros(0, dtype=torch.complex64)")
case("empty_float16", "torch.zeros(0, 5, dtype=torch.float16)")
case("empty_requires_grad", "torch.zeros(0, requires_grad=True)")
case("empty_grad_fn", "torch.zeros(0, 2, requires_grad=True) * 2")
case("empty_float64_default", "torch.zeros(0, 2, dtype=torch.float64)", default_dtype="float64")
case("empty_float32_default64", "torch.zeros(0, dtype=torch.float32)", default_dtype="float64")
case("empty_edgeitems0", "torch.zeros(0, 3)", {"edgeitems": 0})

# ---------------------------------------------------------------- bool and ints
case("bool_vec", "torch.tensor([True, False, True])")
case("bool_all_true", "torch.tensor([True, True])")
case("bool_2d", "torch.tensor([[True, False], [False, False]])")
case("bool_compare", "torch.arange(6).reshape(2, 3) > 2")
case("int64_vec", "torch.tensor([1, -20, 300])")
case("int64_big", "torch.tensor([9223372036854775807, -9223372036854775808])")
case("int64_2d", "torch.arange(12).reshape(3, 4)")
case("int32_vec", "torch.tensor([1, 2, 3], dtype=torch.int32)")
case("int32_extremes", "torch.tensor([2147483647, -2147483648], dtype=torch.int32)")
case("int16_vec", "torch.tensor([-32768, 5, 32767], dtype=torch.int16)")
case("int8_vec", "torch.tensor([-128, 0, 127], dtype=torch.int8)")
case("uint8_vec", "torch.tensor([0, 7, 255], dtype=torch.uint8)")
case("uint8_2d", "torch.arange(12, dtype=torch.uint8).reshape(3, 4)")
case("int_zero_width", "torch.zeros(4, dtype=torch.int64)")
case("int_randint", "torch.randint(-1000, 1000, (4, 5))")

# ---------------------------------------------------------------- complex
case("complex_simple", "torch.tensor([1 + 2j, -3.5 - 4j])")
case("complex_int_mode", "torch.tensor([1 + 2j, 3 + 4j])")
case("complex_zero_imag", "torch.tensor([1 + 0j, 2.5 + 0j])")
case("complex_neg_imag", "torch.tensor([1 - 2j, 3 - 4.5j])")
case("complex_mixed_modes", "torch.tensor([1.5 + 2j, 1e10 + 3j])")
case("complex_sci_imag", "torch.tensor([1 + 1e-8j, 2 + 3j])")
case("complex_nan", "torch.tensor([complex(float('nan'), 1.0), complex(1.0, float('nan'))])")
case("complex_inf", "torch.tensor([complex(float('inf'), -float('inf')), 1 + 1j])")
case("complex_2d", "torch.randn(3, 3, dtype=torch.complex64)")
case("complex128_2d", "torch.randn(2, 3, dtype=torch.complex128)")
case("complex_wrap", "torch.randn(12, dtype=torch.complex64)")
case("complex_summarized", "torch.arange(3000.).reshape(30, 100) * (1 + 1j)")
case("complex_summarized_1d", "torch.complex(torch.arange(2000.), -torch.arange(2000.) / 7)")
case("complex128_default64", "torch.tensor([1 + 2j])", default_dtype="float64")
case("complex64_default64", "torch.tensor([1 + 2j], dtype=torch.complex64)", default_dtype="float64")

# ---------------------------------------------------------------- dtype suffix and default dtype
case("float64_suffix_2d", "torch.ones(2, 2, dtype=torch.float64)")
case("default64_float64", "torch.tensor([1.5, 2.5])", default_dtype="float64")
case("default64_float32", "torch.tensor([1.5, 2.5], dtype=torch.float32)", default_dtype="float64")
case("default64_int", "torch.tensor([1, 2])", default_dtype="float64")
case("default16_float16", "torch.tensor([1.5, 2.5])", default_dtype="float16")

# ---------------------------------------------------------------- autograd suffixes
case("requires_grad_leaf", "torch.tensor([1., 2.], requires_grad=True)")
case("requires_grad_scalar", "torch.tensor(2.5, requires_grad=True)")
case("requires_grad_float64", "torch.ones(2, dtype=torch.float64, requires_grad=True)")
case("grad_fn_mul", "torch.tensor([1., 2.], requires_grad=True) * 2")
case("grad_fn_add", "torch.tensor([1., 2.], requires_grad=True) + 1")
case("grad_fn_sum", "(torch.tensor([1., 2.], requires_grad=True) * 3).sum()")
case("grad_fn_mean_float64", "torch.ones(3, dtype=torch.float64, requires_grad=True).mean()")
case("grad_fn_mm", "torch.randn(3, 4, requires_grad=True) @ torch.randn(4, 2)")
case("grad_fn_wrap", "torch.randn(2, 8, requires_grad=True) * 1000")
case("grad_fn_long_line", "torch.arange(15., requires_grad=True) * 1.5")
case("grad_fn_just_fits", "torch.arange(12., requires_grad=True) + 0.5")
case("requires_grad_wrap", "torch.arange(14., dtype=torch.float64).requires_grad_()")
case("requires_grad_dtype_wrap", "torch.linspace(0, 1, 10, dtype=torch.float64).requires_grad_()")
case("grad_fn_complex", "torch.tensor([1 + 1j], requires_grad=True) * 2")

# ---------------------------------------------------------------- wrapping and layout
case("wrap_1d_float", "torch.arange(30.) / 7")
case("wrap_1d_int", "torch.arange(100)")
case("wrap_1d_sci", "torch.logspace(-10, 10, 25)")
case("wrap_2d_rows", "torch.arange(60.).reshape(3, 20) / 3")
case("wrap_3d_rows", "torch.arange(80.).reshape(2, 2, 20) * 1.25")
case("wrap_bool", "torch.arange(40) % 3 == 0")
case("wrap_int8", "torch.arange(-60, 60, 3, dtype=torch.int8)")
case("wrap_exact_80", "torch.arange(12.) + 0.5")
case("wrap_exact_80_int", "torch.arange(100, 124)")
case("layout_4d", "torch.arange(24).reshape(2, 3, 2, 2)")
case("layout_singletons", "torch.arange(3.).reshape(1, 3, 1)")
case("layout_column", "torch.arange(5.).reshape(5, 1)")
case("layout_row", "torch.arange(5.).reshape(1, 5)")

# ---------------------------------------------------------------- summarisation
case("sum_1d_float", "torch.arange(2000.)")
case("sum_1d_int", "torch.arange(1001)")
case("sum_threshold_exact", "torch.arange(1000.)")
case("sum_2d", "torch.arange(2000.).reshape(20, 100)")
case("sum_2d_narrow", "torch.arange(2000.).reshape(1000, 2)")
case("sum_2d_wide_short", "torch.arange(2000.).reshape(2, 1000)")
case("sum_3d", "torch.arange(3000.).reshape(10, 10, 30)")
case("sum_3d_small_dims", "torch.arange(1200).reshape(4, 5, 60)")
case("sum_4d", "torch.arange(4096.).reshape(8, 8, 8, 8)")
case("sum_randn", "torch.randn(40, 40)")
case("sum_width_from_edges", "torch.cat([torch.ones(3), torch.full((1000,), 123456.5), torch.ones(3)])")
case("sum_sci_from_edges", "torch.cat([torch.ones(3), torch.full((1000,), 1e12), torch.ones(3)])")
case("sum_nan_middle", "torch.cat([torch.ones(3) * 0.5, torch.full((1000,), float('nan')), torch.ones(3)])")
case("sum_bool", "torch.arange(1500) % 2 == 0")
case("sum_int8", "torch.arange(1500, dtype=torch.int16).reshape(30, 50).to(torch.int8)")
case("sum_grad_fn", "torch.arange(2000., requires_grad=True) * 2")
case("sum_float64", "torch.arange(2000., dtype=torch.float64).reshape(40, 50) / 3")

# ---------------------------------------------------------------- print options
case("opt_precision_2", "torch.tensor([1.12345, 2.5])", {"precision": 2})
case("opt_precision_0", "torch.tensor([1.5, 2.25, -0.4])", {"precision": 0})
case("opt_precision_8", "torch.tensor([1.123456789, 2.5], dtype=torch.float64)", {"precision": 8})
case("opt_precision_sci", "torch.tensor([1e10, 1.0])", {"precision": 2})
case("opt_threshold_5", "torch.arange(10)", {"threshold": 5})
case("opt_threshold_5_2d", "torch.arange(64.).reshape(8, 8)", {"threshold": 5})
case("opt_threshold_0_scalar", "torch.tensor(2.5)", {"threshold": 0})
case("opt_threshold_0_short", "torch.tensor([1., 2.])", {"threshold": 0})
case("opt_edgeitems_1", "torch.arange(2000.)", {"edgeitems": 1})
case("opt_edgeitems_1_3d", "torch.arange(3000).reshape(10, 10, 30)", {"edgeitems": 1})
case("opt_edgeitems_5", "torch.arange(2000.).reshape(40, 50)", {"edgeitems": 5})
case("opt_edgeitems_0", "torch.arange(2000.)", {"edgeitems": 0})
case("opt_edgeitems_0_2d", "torch.arange(2000.).reshape(40, 50)", {"edgeitems": 0})
case("opt_edgeitems_0_small", "torch.arange(6.).reshape(2, 3)", {"edgeitems": 0})
case("opt_edgeitems_0_scalar", "torch.tensor(1.5)", {"edgeitems": 0, "threshold": 0})
case("opt_edgeitems_0_dtype", "torch.arange(2000, dtype=torch.int32)", {"edgeitems": 0})
case("opt_linewidth_40", "torch.arange(30.) / 7", {"linewidth": 40})
case("opt_linewidth_120", "torch.arange(30.) / 7", {"linewidth": 120})
case("opt_linewidth_10", "torch.arange(10.) / 7", {"linewidth": 10})
case("opt_linewidth_5_2d", "torch.arange(6.).reshape(2, 3) / 7", {"linewidth": 5})
case("opt_linewidth_suffix", "torch.tensor([1.5, 2.5], dtype=torch.float64, requires_grad=True)", {"linewidth": 30})
case("opt_linewidth_suffix_tiny", "torch.tensor([1.5], dtype=torch.float64, requires_grad=True) * 2",
     {"linewidth": 10})
case("opt_sci_true", "torch.tensor([1.5, 2.5])", {"sci_mode": True})
case("opt_sci_true_int_mode", "torch.tensor([1., 2.])", {"sci_mode": True})
case("opt_sci_true_zeros", "torch.zeros(3)", {"sci_mode": True})
case("opt_sci_true_int_dtype", "torch.arange(3)", {"sci_mode": True})
case("opt_sci_true_complex", "torch.tensor([1.5 + 2j, -1j])", {"sci_mode": True})
case("opt_sci_false", "torch.tensor([1e10, 1.0])", {"sci_mode": False})
case("opt_sci_false_small", "torch.tensor([1e-6, 1.5])", {"sci_mode": False})
case("opt_sci_false_big_int", "torch.tensor([1e20, 1.0])", {"sci_mode": False})
case("opt_sci_reset_by_next_call", "torch.tensor([1.5, 2.5])", {"sci_mode": True}, {"precision": 3})
case("opt_profile_short", "torch.randn(5, 5)", {"profile": "short"})
case("opt_profile_short_sum", "torch.arange(2000.).reshape(40, 50)", {"profile": "short"})
case("opt_profile_full", "torch.arange(1500)", {"profile": "full"})
case("opt_profile_full_2d", "torch.arange(1100.).reshape(11, 100)", {"profile": "full"})
case("opt_profile_default_after", "torch.arange(2000.)", {"profile": "full"}, {"profile": "default"})
case("opt_profile_with_override", "torch.tensor([1.23456, 2.5])", {"profile": "short", "precision": 5})
case("opt_profile_unknown", "torch.tensor([1.23456, 2.5])", {"precision": 2}, {"profile": "nonsense"})
case("opt_threshold_float", "torch.arange(20)", {"threshold": 10.5})
case("opt_combo", "torch.randn(6, 6, dtype=torch.float64)",
     {"precision": 3, "threshold": 10, "edgeitems": 2, "linewidth": 50})

# ---------------------------------------------------------------- boundaries of the rules
case("sci_ratio_exactly_1000", "torch.tensor([1., 1000.5]) - torch.tensor([0., 0.5])")
case("sci_ratio_999_5", "torch.tensor([2., 1999.])")
case("sci_ratio_1000_5", "torch.tensor([2., 2001.])")
case("sci_max_exactly_1e8", "torch.tensor([1e8], dtype=torch.float64)")
case("sci_max_over_1e8", "torch.tensor([100000001.], dtype=torch.float64)")
case("sci_min_exactly_1e-4_float64", "torch.tensor([1e-4], dtype=torch.float64)")
case("sci_min_1e-4_float32", "torch.tensor([1e-4])")
case("int_mode_half_fraction", "torch.tensor([2.5, 4.])")
for width in (43, 44, 45):
    case(f"suffix_boundary_1d_lw{width}", "torch.tensor([1.5, 2.5], requires_grad=True)", {"linewidth": width})
for width in (46, 47):
    case(f"suffix_boundary_2d_lw{width}", "torch.tensor([[1.5, 2.5], [3.5, 4.5]], requires_grad=True)",
         {"linewidth": width})
for width in (45, 46):
    case(f"suffix_second_after_wrap_lw{width}",
         "torch.tensor([1.5, 2.5, 3.5], dtype=torch.float64, requires_grad=True)", {"linewidth": width})
for width in (38, 39):
    # Elements of width 6 take 8 columns each; after the indent of 7, 31 columns hold
    # three and 32 hold four.
    case(f"row_boundary_lw{width}", "torch.arange(8.) + 0.5", {"linewidth": width})
    case(f"row_boundary_2d_lw{width}", "torch.arange(8.).reshape(2, 4) + 0.5", {"linewidth": width})
for width in (34, 35):
    # Complex elements `1.+1.j` take 7 columns each (real and imaginary widths 2, "j", ", ").
    case(f"row_boundary_complex_lw{width}", "torch.arange(6.) * (1 + 1j)", {"linewidth": width})

# ---------------------------------------------------------------- huge, from broadcast views
# (name, base expression, broadcast shape)
HUGE = [
    ("huge_scalar_broadcast", "torch.tensor(7.5)", (10**6, 10**6)),
    ("huge_rows_broadcast", "torch.arange(5.)", (10**7, 5)),
    ("huge_int_broadcast", "torch.arange(4)", (3, 10**6, 4)),
]


# ---------------------------------------------------------------- recording

def _encode(value):
    if isinstance(value, complex):
        return [_encode(value.real), _encode(value.imag)]
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)  # 'nan', 'inf', '-inf'
    return value


def _tensor_record(t: torch.Tensor) -> dict:
    data = t.detach()
    return {
        "shape": list(data.shape),
        "dtype": str(data.dtype).removeprefix("torch."),
        "values": [_encode(v) for v in data.reshape(-1).tolist()],
    }


def _options_record() -> dict:
    return {k: (repr(v) if isinstance(v, float) and math.isinf(v) else v)
            for k, v in torch._tensor_str.get_printoptions().items()}


def _record(name: str, options: list[dict], default_dtype: str | None, make) -> dict:
    torch.set_default_dtype(getattr(torch, default_dtype or "float32"))
    torch.manual_seed(0)
    try:
        t = make()
        for kwargs in options:
            torch.set_printoptions(**kwargs)
        text = repr(t)
        assert str(t) == text
        printoptions = _options_record()
    finally:
        torch.set_printoptions(profile="default")
        torch.set_default_dtype(torch.float32)
    return {
        "name": name,
        "options": options,
        "default_dtype": default_dtype,
        "printoptions": printoptions,
        "requires_grad": t.requires_grad,
        "is_leaf": t.is_leaf,
        "grad_fn": type(t.grad_fn).__name__ if t.grad_fn is not None else None,
        "repr": text,
    }, t


def main() -> None:
    out = []
    for name, expr, options, default_dtype in CASES:
        rec, t = _record(name, options, default_dtype, lambda: eval(expr, {"torch": torch}))
        out.append({**rec, "expr": expr, **_tensor_record(t)})
    for name, base_expr, shape in HUGE:
        base = eval(base_expr, {"torch": torch})
        rec, _ = _record(name, [], None, lambda: base.expand(*shape))
        out.append({**rec, "expr": f"({base_expr}).expand{shape}",
                    "broadcast_to": list(shape), **_tensor_record(base)})
    names = [c["name"] for c in out]
    assert len(names) == len(set(names)), "duplicate case names"
    # One case per line keeps the file small and its diffs readable.
    lines = ",\n".join(json.dumps(c) for c in out)
    OUT.write_text(f'{{"torch_version": {json.dumps(torch.__version__)}, "cases": [\n{lines}\n]}}\n')
    print(f"wrote {len(out)} cases to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
