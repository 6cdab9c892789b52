"""`:time`, `:timeit` and completion after `dtype=`, in a real pseudo-terminal (pexpect)."""

import re
import time

from tests.repl.test_terminal import CTRL_C, TAB, lines, term  # noqa: F401 - term is a fixture, shared


def test_time_runs_a_statement_once_and_shows_cpu_and_wall_time(term):
    term.run("n = 0")
    shown = lines(term.run(":time n += 1"))
    assert re.fullmatch(r"CPU times: user \S+ \S+, sys: \S+ \S+, total: \S+ \S+", shown[0])
    assert re.fullmatch(r"Wall time: \S+ \S+", shown[1])
    assert lines(term.run("n"))[-1] == "1"


def test_timeit_repeats_an_expression_and_refuses_an_assignment(term):
    term.run("a = torch.ones(8, 8)")
    shown = lines(term.run(":timeit a @ a"))
    assert re.fullmatch(r"\S+ \S+ ± \S+ \S+ per loop \(mean ± std\. dev\. of \d runs?, [\d,]+ loops? each\)", shown[-1])
    term.run("n = 0")
    shown = lines(term.run(":timeit n += 1"))
    assert "".join(shown) == (":timeit repeats, so it takes an expression, not an augmented assignment; "
                              "`:time n += 1` runs it once")
    assert lines(term.run("n"))[-1] == "0"


def test_tab_after_dtype_equals_offers_dtypes_first(term):
    term.type("x = torch.zeros(2, dtype=torch.f")
    time.sleep(0.3)
    term.type(TAB)
    term.wait_for_screen(r"flatten")  # the menu is drawn
    screen = term.screen.text
    assert screen.index("float32") < screen.index("float16") < screen.index("fix") < screen.index("flatten")
    term.type(CTRL_C)
    term.prompt()
