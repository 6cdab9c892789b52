"""`:stats`, `:hist`, `:show`, `:summarize` and `repl.stats`, through a language session and
string streams; numbers compared with PyTorch's (recorded below) and NumPy's."""

import io
import json
import re

import numpy
import pytest

from tensorsh import engine
from tensorsh.repl import seeing
from tensorsh.repl.display import Printer
from tensorsh.repl.runner import Context
from tensorsh.repl.stats import DEFAULT_BINS, PIECE, histogram, measure, pieces, sparkline
from tests.repl.test_commands import Streams


def cases():
    """Arrays whose statistics PyTorch gave in TORCH: big enough to be read in pieces, strided, ..."""
    yield "normal", numpy.random.default_rng(0).standard_normal((100, 50)).astype(numpy.float32)
    yield "large", numpy.random.default_rng(1).uniform(-2, 5, (1200, 1100)).astype(numpy.float32)
    yield "strided", numpy.random.default_rng(1).uniform(-2, 5, (1200, 1100)).astype(numpy.float32).T[::3]
    yield "ints", numpy.random.default_rng(2).integers(-50, 50, 1000)
    x = numpy.random.default_rng(3).standard_normal(500).astype(numpy.float32)
    x[[3, 50, 400]] = numpy.nan
    x[7] = numpy.inf
    x[[8, 9]] = -numpy.inf
    x[10:15] = 0
    yield "nonfinite", x
    yield "double", numpy.random.default_rng(4).exponential(size=37)


# Recorded with PyTorch 2 from the arrays above: t = torch.from_numpy(a); f = t[t.isfinite()]
# (t.double() for ints); (f.mean(), f.std(), f.min(), f.max(), torch.histc(f, 10, f.min(), f.max())).
TORCH = {
    "normal": (-0.00453224778175354, 0.9954940676689148, -3.8994216918945312, 3.2571990489959717,
               [3, 28, 159, 564, 1164, 1362, 1041, 505, 152, 22]),
    "large": (1.500119686126709, 2.0211117267608643, -1.9999946355819702, 4.999999046325684,
              [132271, 131701, 132009, 132329, 131849, 131761, 131625, 132217, 132368, 131870]),
    "strided": (1.4997650384902954, 2.019563913345337, -1.9999618530273438, 4.999984264373779,
                [43992, 43941, 43868, 44411, 44140, 43986, 43957, 44114, 44164, 43827]),
    "ints": (-0.167, 28.81575018038675, -50.0, 49.0, [96, 97, 108, 90, 109, 98, 103, 91, 109, 99]),
    "nonfinite": (0.05973295867443085, 0.9915128946304321, -3.0583813190460205, 2.914125919342041,
                  [5, 12, 25, 67, 109, 102, 109, 43, 17, 5]),
    "double": (1.3162000616152483, 1.4597214491505737, 0.0451325872697925, 6.518373639401387,
               [14, 11, 5, 1, 2, 2, 0, 1, 0, 1]),
}
CASES = dict(cases())
LINE = re.compile(r"x∈\[(\S+), (\S+)\] μ=(\S+) σ=(\S+)")


def with_value(array, fmt="plain"):
    streams = Streams(fmt=fmt)
    streams.session.variables["x"] = engine.from_numpy(array)
    return streams


@pytest.fixture
def repl():
    return Streams()


def finite(array):
    return array[numpy.isfinite(array)] if array.dtype.kind == "f" else array


# ---------------------------------------------------------------- :stats against PyTorch

@pytest.mark.parametrize("name", TORCH)
def test_stats_line_shows_pytorchs_min_max_mean_and_std(name):
    out, err = with_value(CASES[name]).run(":stats x")
    assert err == ""
    shown = [float(v) for v in LINE.search(out).groups()]
    mean, std, low, high, _ = TORCH[name]
    assert shown == pytest.approx([low, high, mean, std], rel=5e-4, abs=5e-7)  # 4 significant digits


@pytest.mark.parametrize("name", TORCH)
def test_stats_json_carries_pytorchs_numbers(name):
    out, _ = with_value(CASES[name], "json").run(":stats x")
    got = json.loads(out)
    mean, std, low, high, _ = TORCH[name]
    assert (got["min"], got["max"]) == (low, high)
    assert got["mean"] == pytest.approx(mean, rel=1e-5, abs=1e-7)  # float64 here, float32 in PyTorch
    assert got["std"] == pytest.approx(std, rel=1e-5)
    assert got["count"] == CASES[name].size and got["finite"] == finite(CASES[name]).size


def test_stats_counts_zeros_nan_and_infinities():
    out, _ = with_value(CASES["nonfinite"]).run(":stats x")
    assert out.startswith("tensor[500] n=500 (2.0 KiB float32) x∈[-3.058, 2.914] μ=0.05973 σ=0.9915")
    assert " zeros=5 nan=3 +inf=1 -inf=2 " in out


@pytest.mark.parametrize("name", TORCH)
def test_histogram_is_numpys_and_within_one_of_torch_histc_per_bin(name):
    out, _ = with_value(CASES[name], "json").run(":hist x")
    got = json.loads(out)
    counts, edges = numpy.histogram(finite(CASES[name]), DEFAULT_BINS)
    assert got["counts"] == counts.tolist() and got["edges"] == edges.tolist()
    histc = TORCH[name][4]  # histc rounds at the edges in float32: a value may land one bin over
    assert sum(histc) == sum(got["counts"])
    assert all(abs(a - b) <= 1 for a, b in zip(got["counts"], histc))


def test_the_sparkline_is_the_histogram():
    stats = measure(CASES["normal"])
    assert stats.spark == numpy.histogram(CASES["normal"], DEFAULT_BINS)[0].tolist()
    assert stats.line().endswith(" " + sparkline(stats.spark))
    assert sparkline([0, 1, 4, 8]) == " ▁▄█"


# ---------------------------------------------------------------- :stats, every kind of value

@pytest.mark.parametrize("line, shown", [
    (":stats torch.zeros(0, 3)", "tensor[0, 3] n=0 (0 bytes float32) empty"),
    (":stats torch.full((3,), float('nan'))", "tensor[3] n=3 (12 bytes float32) nan=3"),
    (":stats torch.tensor(3.5)", "tensor[] n=1 (4 bytes float32) x=3.5"),
    (":stats torch.tensor([True, False, True])", "tensor[3] n=3 (3 bytes bool) true=2 (66.7%)"),
    (":stats torch.tensor([2, 2, 0, 7])", "tensor[4] n=4 (32 bytes int64) x∈[0, 7] μ=2.75 σ=2.986 zeros=1 ▄ █    ▄"),
    (":stats torch.tensor([3+4j, 1j])", "tensor[2] n=2 (16 bytes complex64) |x|∈[1, 5] μ=1.5+2.5j σ=3 █        █"),
    (":stats torch.ones(2, 2, requires_grad=True)", "tensor[2, 2] n=4 (16 bytes float32, requires_grad) x∈[1, 1] μ=1 σ=0"),
    (":stats torch.ones(2, requires_grad=True) * 2",
     "tensor[2] n=2 (8 bytes float32, grad_fn=MulBackward0) x∈[2, 2] μ=2 σ=0"),
    (":stats np.arange(4.)", "array[4] n=4 (32 bytes float64) x∈[0, 3] μ=1.5 σ=1.291 zeros=1 █  █  █  █"),
])
def test_stats_of_each_kind_of_tensor(repl, line, shown):
    out, err = repl.run(line)
    assert (out, err) == (shown + "\n", "")


def test_stats_of_a_complex_tensor_is_pytorchs_mean_and_std():
    # torch.tensor([3+4j, 1j]).mean() == 1.5+2.5j; .std() == 3: the root of sum |x - μ|² / (n - 1)
    stats = measure(numpy.array([3 + 4j, 1j], numpy.complex64))
    assert stats.mean == 1.5 + 2.5j and stats.std == pytest.approx(3.0, rel=1e-12)


@pytest.mark.parametrize("line, message", [
    (":stats [1, 2]", ":stats takes a tensor, and `[1, 2]` is a list (torch.tensor(...) makes one of it)"),
    (":hist 3", ":hist takes a tensor, and `3` is an int (torch.tensor(...) makes one of it)"),
    (":show None", ":show takes a tensor, and `None` is None"),
    (":show 'abc'", ":show takes a tensor, and `'abc'` is a str"),
    (":stats", "usage: :stats EXPRESSION   (for example  :stats x[0])"),
    (":stats y = 1", "this takes an expression, not a statement: y = 1"),
    (":hist torch.ones(3) --bins 0", "--bins takes a count of at least 1"),
    (":show torch.tensor([1j])", ":show draws real values; `torch.tensor([1j])` is complex: "
                                 "show its .abs(), .real or .angle()"),
    (":summarize some", "usage: :summarize N|off   (N a count of elements, not 'some')"),
])
def test_what_is_not_a_tensor_gets_a_clear_message(repl, line, message):
    assert repl.run(line) == ("", message + "\n")


def test_an_error_in_the_expression_is_the_languages(repl):
    _, err = repl.run(":stats undefined_name")
    assert err.startswith("error[NameError]: name 'undefined_name' is not defined\n --> <stats>:1:1")


# ---------------------------------------------------------------- reading large tensors

def test_pieces_are_views_of_contiguous_memory_and_cover_every_value():
    data = numpy.arange(PIECE * 2 + 6, dtype=numpy.float32).reshape(-1, 2)
    found = list(pieces(data))
    assert [p.size for p in found] == [PIECE, PIECE, 6]
    assert all(numpy.shares_memory(p, data) for p in found)
    strided = data.T[:, ::2]
    assert numpy.array_equal(numpy.sort(numpy.concatenate(list(pieces(strided)))), numpy.sort(strided.ravel()))
    assert max(p.size for p in pieces(strided)) <= PIECE


def test_the_strided_case_reads_as_its_copy():
    strided = CASES["strided"]
    assert measure(strided).to_json() == measure(numpy.ascontiguousarray(strided)).to_json()


# ---------------------------------------------------------------- :hist

def test_hist_bins_integers_one_per_value(repl):
    out, _ = repl.run(":hist torch.tensor([1, 2, 2, 3, 3, 3])")
    assert out.splitlines() == [f"1  {'#' * 25} 1", f"2  {'#' * 50} 2", f"3  {'#' * 74} 3",  # 80 columns
                                "6 values in 3 bins"]


def test_hist_with_bins_labels_ranges_and_says_what_it_left_out(repl):
    out, _ = repl.run(":hist torch.tensor([0., 1, 1, 3, 4, float('nan'), float('inf')]) --bins 2")
    assert out.splitlines() == [f"[0, 2)  {'#' * 69} 3", f"[2, 4]  {'#' * 46} 2",
                                "5 values in 2 bins; not counted: nan=1 +inf=1"]


def test_hist_json_of_ints_is_numpys_with_half_integer_edges():
    streams = Streams(fmt="json")
    out, _ = streams.run(":hist torch.tensor([1, 2, 2, 5])")
    counts, edges = numpy.histogram([1, 2, 2, 5], 5, (0.5, 5.5))
    assert json.loads(out) == {"edges": edges.tolist(), "counts": counts.tolist(), "nan": 0, "posinf": 0,
                               "neginf": 0}


def test_hist_of_nothing_finite(repl):
    assert repl.run(":hist torch.full((2,), float('nan'))")[0] == "no finite values to bin (nan=2)\n"
    assert repl.run(":hist torch.zeros(0)")[0] == "no values to bin\n"
    assert histogram(numpy.zeros(0)).counts == []


def test_hist_in_rich_draws_eighths_of_a_block():
    out = io.StringIO()
    ctx = Context(Streams().session, Printer("rich", color=False, file=out), color=False, err=io.StringIO())
    seeing.hist_command(ctx, "torch.tensor([1, 2, 2, 2, 2, 2, 2, 2, 2])")
    first, second = out.getvalue().splitlines()[:2]
    assert first == "1  " + "█" * 9 + "▎ 1"  # 1/8 of the 74 columns: 9.25 blocks
    assert second == "2  " + "█" * 74 + " 8"


# ---------------------------------------------------------------- :show

def test_show_in_plain_draws_a_ramp_with_its_scale(repl):
    out, _ = repl.run(":show torch.arange(-6., 6.).reshape(3, 4)")
    assert out.splitlines() == ["  .:", "-=+*", "#%@@", "shape (3, 4) · x∈[-6, 5]", "' ' -6 … '@' 5"]


def test_show_marks_what_is_not_finite(repl):
    out, _ = repl.run(":show torch.tensor([[0., float('nan')], [float('inf'), 1.]])")
    assert out.splitlines() == [" ?", "?@", "shape (2, 2) · x∈[0, 1] · '?': nan/inf", "' ' 0 … '@' 1"]


def test_show_of_an_empty_or_one_dimensional_tensor(repl):
    assert repl.run(":show torch.zeros(3, 0)") == ("shape (3, 0): no values to show\n", "")
    out, _ = repl.run(":show torch.arange(500)")
    assert out.splitlines()[1:] == ["shape (500,) · every 7th value · x∈[0, 499]", "' ' 0 … '@' 499"]


def test_show_samples_a_large_matrix_to_fit_and_says_so():
    matrix = numpy.arange(300 * 100, dtype=numpy.float32).reshape(100, 300)
    streams = with_value(matrix, "json")
    width, height = streams.ctx.printer.console.size
    step = max(-(-100 // (height - seeing.FREE_LINES)), -(-300 // (width - 1)))
    assert step > 1
    got = json.loads(streams.run(":show x")[0])
    assert got["step"] == step and got["slice"] is None
    assert got["data"] == matrix[::step, ::step].tolist()
    assert (got["min"], got["max"]) == (0.0, 29999.0)
    out, _ = with_value(numpy.zeros((100, 300), numpy.float32)).run(":show x")
    assert f"shape (100, 300) · every {step}th row and column · x∈[0, 0]" in out
    assert len(out.splitlines()) == -(-100 // step) + 2


def test_show_of_a_larger_tensor_shows_its_first_matrix(repl):
    repl.run("v = torch.arange(24.).reshape(2, 3, 4)")
    out, _ = repl.run(":show v")
    assert out.splitlines()[:3] == ["  .:", "-=+*", "#%@@"]
    assert "shape (2, 3, 4) · showing v[0] · x∈[0, 11]" in out
    streams = Streams(fmt="json")
    got = json.loads(streams.run(":show torch.arange(24.).reshape(2, 3, 4) * 2")[0])
    assert got["slice"] == "(torch.arange(24.).reshape(2, 3, 4) * 2)[0]"
    assert got["data"] == [[0.0, 2.0, 4.0, 6.0], [8.0, 10.0, 12.0, 14.0], [16.0, 18.0, 20.0, 22.0]]


def test_show_in_rich_draws_two_rows_per_line_in_half_blocks():
    out = io.StringIO()
    ctx = Context(Streams().session, Printer("rich", color=True, file=out), err=io.StringIO())
    seeing.show_command(ctx, "torch.arange(-3., 3.).reshape(3, 2)")
    lines = out.getvalue().splitlines()
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in lines]
    # 3 rows of 2 values, each value a square of MAX_ZOOM cells: 12 rows of 8 cells, two rows a line.
    assert plain[:6] == ["▀" * 2 * seeing.MAX_ZOOM] * 6
    assert plain[6] == "shape (3, 2) · x∈[-3, 2]"
    assert plain[7] == "-3 " + "█" * seeing.LEGEND_CELLS + " 3"  # both signs: centred on 0


def test_show_in_rich_without_colour_draws_the_ramp():
    out = io.StringIO()
    ctx = Context(Streams().session, Printer("rich", color=False, file=out), color=False, err=io.StringIO())
    seeing.show_command(ctx, "torch.arange(-6., 6.).reshape(3, 4)")
    assert out.getvalue().splitlines()[:3] == ["  .:", "-=+*", "#%@@"]


def test_colours_run_from_the_palettes_ends_and_centre_zero_when_signs_differ():
    palette = seeing._palette(seeing.DIVERGING)
    colours = seeing._colours(numpy.array([[-2.0, 0.0, 2.0, numpy.nan]]), -2.0, 2.0, palette)
    assert [tuple(c) for c in colours[0]] == [seeing.DIVERGING[0], (247, 246, 246), seeing.DIVERGING[-1],
                                             seeing.NOT_FINITE_RGB]


# ---------------------------------------------------------------- :summarize

def rich_streams():
    streams = Streams()
    streams.ctx.printer.fmt = "rich"
    return streams


def test_summarize_shows_large_tensors_as_their_stats_line_in_rich_only():
    streams = rich_streams()
    assert streams.run(":summarize") == ("summarize: off\n", "")
    streams.run("x = torch.arange(20.)")
    assert streams.run("x")[0].startswith("shape (20,) · float32 · cpu\ntensor([ 0.,  1.,")
    streams.run(":summarize 10")
    assert streams.run(":summarize")[0] == "summarize: tensors of more than 10 elements\n"
    assert streams.run("x")[0] == "tensor[20] n=20 (80 bytes float32) x∈[0, 19] μ=9.5 σ=5.916 zeros=1 ██████████\n"
    assert streams.run("x[:10]")[0].startswith("shape (10,)")  # not more than 10
    streams.ctx.printer.fmt = "plain"
    assert streams.run("x")[0].startswith("tensor([ 0.,  1.,")  # plain is always PyTorch's repr
    streams.ctx.printer.fmt = "rich"
    streams.run(":summarize off")
    assert streams.run("x")[0].startswith("shape (20,)")


def test_help_describes_each_command(repl):
    out, _ = repl.run(":help")
    for name in ("stats", "hist", "show", "summarize"):
        assert f":{name} " in out
    help_text = repl.run(":help :stats")[0]
    assert help_text.startswith(":stats EXPRESSION\n  One line: shape, memory; min/max, μ, σ, sparkline "
                                "of the finite values; zero/NaN/Inf counts.\n")
    assert "σ x.std() (correction=1)" in help_text  # the whole docstring, not only its first line
