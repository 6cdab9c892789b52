"""`:stats`, `:hist`, `:show` and `:summarize` in a real pseudo-terminal (pexpect), numbers
compared with PyTorch's (recorded below)."""

import json
import re

import numpy
import pytest

from tests.repl.test_terminal import lines, term  # noqa: F401 - term is a fixture, shared

WAVE = "x = torch.sin(torch.arange(5000.).reshape(100, 50)) * 3 + 1"
# PyTorch 2, the same x: (x.mean(), x.std(), x.min(), x.max(), torch.histc(x, 10)).
WAVE_TORCH = (1.0007606744766235, 2.1213459968566895, -1.9999756813049316, 3.99997615814209,
              [1027, 451, 366, 338, 318, 317, 337, 366, 451, 1029])


def drawn_rows(term, command):
    """The rows `command` printed, read from the stream with its escape codes removed: a heatmap is
    mostly escape codes, which the test screen cannot yet follow across two reads."""
    start = len(term.raw)
    term.run(command)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", term.raw[start:])
    return [row.rstrip() for row in text.replace("\r", "").split("\n")[1:] if "▀" in row or "·" in row
            or "█" in row]


def test_stats_prints_one_line_with_pytorchs_numbers(term):
    term.run(WAVE)
    shown = lines(term.run(":stats x"))
    assert len(shown) == 1
    match = re.fullmatch(r"tensor\[100, 50\] n=5000 \(19\.5 KiB float32\) x∈\[(\S+), (\S+)\] μ=(\S+) σ=(\S+) "
                         r"█▄▃▃▃▃▃▃▄█", shown[0])
    mean, std, low, high, _ = WAVE_TORCH
    assert [float(v) for v in match.groups()] == pytest.approx([low, high, mean, std], rel=5e-4)


def test_hist_draws_torch_histcs_counts(term):
    term.run(WAVE)
    shown = lines(term.run(":hist x"))
    assert shown[-1] == "5000 values in 10 bins"
    assert [int(row.split()[-1]) for row in shown[:-1]] == WAVE_TORCH[4]
    assert shown[0].lstrip().startswith("[-2, -1.4)  ███") and shown[-2].lstrip().startswith("[3.4, 4]  ███")
    assert max(len(row) for row in shown) <= 100


def test_show_draws_half_blocks_with_a_colour_scale(term):
    term.run("m = torch.arange(-6., 6.).reshape(3, 4)")
    shown = drawn_rows(term, ":show m")
    # Each value a square of 4 cells a side (the matrix is small): 12 rows of 16, two rows a line.
    assert shown == ["▀" * 16] * 6 + ["shape (3, 4) · x∈[-6, 5]", "-6 " + "█" * 32 + " 6"]
    assert re.search(r"\x1b\[[0-9;]*48;[25];[0-9;]*m▀", term.raw)  # a lower row's colour behind


def test_show_fits_a_large_matrix_to_the_terminal(term):
    term.run("r = torch.rand(200, 300)")  # a call's toolbar, drawn while typing, is gone before :show
    shown = drawn_rows(term, ":show r")
    assert shown[-2].startswith("shape (200, 300) · every 6th row and column · x∈[")  # 36 rows, 99 columns fit
    assert len(shown) == 17 + 2 and {len(row) for row in shown[:-2]} == {50}


def test_show_in_plain_and_json(term):
    term.run(":format plain")
    term.run("m = torch.arange(-6., 6.).reshape(3, 4)")
    assert lines(term.run(":show m")) == ["  .:", "-=+*", "#%@@", "shape (3, 4) · x∈[-6, 5]", "' ' -6 … '@' 5"]
    term.run(":format json")
    got = json.loads("".join(lines(term.run(":show m[:, :2]"))))
    assert got == {"shape": [3, 2], "slice": None, "step": 1, "min": -6.0, "max": 3.0,
                   "data": [[-6.0, -5.0], [-2.0, -1.0], [2.0, 3.0]]}


def test_stats_and_hist_in_json(term):
    term.run(WAVE)
    term.run(":format json")
    got = json.loads("".join(lines(term.run(":stats x"))))
    mean, std, low, high, counts = WAVE_TORCH
    assert (got["min"], got["max"]) == (low, high)
    assert got["mean"] == pytest.approx(mean, rel=1e-6) and got["std"] == pytest.approx(std, rel=1e-6)
    assert got["histogram"] == counts
    got = json.loads("".join(lines(term.run(":hist x --bins 3"))))
    assert got["edges"] == pytest.approx(numpy.linspace(low, high, 4).tolist(), abs=1e-6)  # float32 edges
    assert sum(got["counts"]) == 5000


def test_summarize_shows_a_large_tensor_as_its_stats_line(term):
    term.run(":summarize 1000")
    assert lines(term.run("torch.zeros(100, 100)")) == ["tensor[100, 100] n=10000 (39.1 KiB float32) x∈[0, 0] "
                                                         "μ=0 σ=0 zeros=10000"]
    assert lines(term.run("torch.zeros(2)")) == ["shape (2,) · float32 · cpu", "tensor([0., 0.])"]
    term.run(":summarize off")
    assert lines(term.run("torch.zeros(100, 100)"))[0] == "shape (100, 100) · float32 · cpu"


def test_help_lists_the_commands_and_a_non_tensor_is_refused(term):
    term.type(":help\r")  # longer than the screen: read from the stream
    term.wait_for_screen(r"Ctrl-D +leave")
    term.prompt()
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", term.raw)
    for usage in (":stats EXPRESSION", ":hist EXPRESSION [--bins N]", ":show EXPRESSION", ":summarize [N|off]"):
        assert usage in shown
    assert lines(term.run(":stats [1, 2]")) == [":stats takes a tensor, and `[1, 2]` is a list "
                                                "(torch.tensor(...) makes one of it)"]
