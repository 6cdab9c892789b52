"""Key-level behaviour through prompt_toolkit's pipe input: what each key does to the REPL."""

import threading
import time

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from tensorsh.lang.session import Session
from tensorsh.repl import history
from tensorsh.repl.app import make_prompt, run_repl

ENTER, ALT_ENTER, UP, TAB = "\r", "\x1b\r", "\x1b[A", "\t"
CTRL_C, CTRL_D, CTRL_R = "\x03", "\x04", "\x12"


@pytest.fixture
def history_path(tmp_path):
    return tmp_path / "history"


def _feed(pipe, keys, pause=0.3):
    """Send keys; a list is sent chunk by chunk with pauses, as a person types.

    Completion runs in the background after Tab, so keys typed after a Tab are sent
    in a later chunk, once the menu has had time to appear.
    """
    if isinstance(keys, str):
        pipe.send_text(keys)
        return None

    def type_slowly():
        for chunk in keys:
            pipe.send_text(chunk)
            time.sleep(pause)

    thread = threading.Thread(target=type_slowly, daemon=True)
    thread.start()
    return thread


def repl(keys, history_path, session=None, **options):
    """Type `keys` into a REPL, then Ctrl-D; return the session it ran."""
    session = session or Session()
    options.setdefault("fmt", "plain")
    keys = keys + CTRL_D if isinstance(keys, str) else [*keys, CTRL_D]
    with create_pipe_input() as pipe:
        _feed(pipe, keys)
        status = run_repl(session, input=pipe, output=DummyOutput(), history_path=history_path,
                          color=False, banner=False, **options)
    assert status == 0
    return session


def prompt_once(keys, history_path, session=None, pause=0.3):
    """The text one prompt returns after `keys`."""
    session = session or Session()
    with create_pipe_input() as pipe:
        _feed(pipe, keys, pause)
        prompt = make_prompt(session, color=False, history=history.make_history(history_path),
                             input=pipe, output=DummyOutput())
        return prompt.prompt()


def test_enter_on_a_complete_statement_runs_it(history_path, capsys):
    repl("x = torch.tensor([1, 2])" + ENTER + "x * 2" + ENTER, history_path)
    assert capsys.readouterr().out == "tensor([2, 4])\n"


def test_enter_inside_open_brackets_continues(history_path, capsys):
    session = repl("x = torch.tensor([[1, 2]," + ENTER + "[3, 4]])" + ENTER + "x" + ENTER, history_path)
    assert capsys.readouterr().out == "tensor([[1, 2],\n        [3, 4]])\n"
    assert history.read(history_path)[0] == "x = torch.tensor([[1, 2],\n[3, 4]])"
    assert session.variables["x"].shape == (2, 2)


def test_enter_after_a_trailing_operator_or_backslash_continues(history_path, capsys):
    repl("y = 2 *" + ENTER + "3" + ENTER + "z = 1 + \\" + ENTER + "4" + ENTER + "(y, z)" + ENTER, history_path)
    assert capsys.readouterr().out == "(6, 5)\n"


def test_a_block_indents_and_ends_at_an_empty_line(history_path, capsys):
    repl("for i in range(3):" + ENTER + "print(i)" + ENTER + ENTER, history_path)
    assert capsys.readouterr().out == "0\n1\n2\n"
    assert history.read(history_path) == ["for i in range(3):\n    print(i)\n    "]


def test_alt_enter_starts_a_new_line_in_a_complete_input(history_path, capsys):
    session = repl("a = 1" + ALT_ENTER + "b = a + 1" + ENTER + "b" + ENTER, history_path)
    assert capsys.readouterr().out == "2\n"
    assert history.read(history_path)[0] == "a = 1\nb = a + 1"
    assert session.variables["a"] == 1


def test_ctrl_c_clears_the_line_and_the_session_goes_on(history_path, capsys):
    session = repl("x = 1" + ENTER + "undefined_name" + CTRL_C + "x + 1" + ENTER, history_path)
    captured = capsys.readouterr()
    assert captured.out == "2\n"
    assert captured.err == ""  # the cleared line never ran
    assert session.user_variables() == {"x": 1, "_": 2}  # `_`: the last value shown, as in Python


def test_ctrl_d_on_an_empty_line_leaves(history_path, capsys):
    with create_pipe_input() as pipe:
        pipe.send_text(CTRL_D + "1" + ENTER)
        assert run_repl(Session(), input=pipe, output=DummyOutput(), history_path=history_path,
                        fmt="plain", color=False, banner=False) == 0
    assert capsys.readouterr().out == ""  # nothing after Ctrl-D ran


def test_quit_leaves(history_path, capsys):
    repl(":quit" + ENTER + "1" + ENTER, history_path)
    assert capsys.readouterr().out == ""


def test_errors_go_to_stderr_and_variables_stay(history_path, capsys):
    session = repl("t = torch.ones(2, 2)" + ENTER + "t.dot(t)" + ENTER + "t.sum()" + ENTER, history_path)
    captured = capsys.readouterr()
    assert captured.out == "tensor(4.)\n"
    assert captured.err.startswith("error[RuntimeError]: 1D tensors expected, but got 2D and 2D tensors")
    assert "t" in session.variables


def test_tab_completes_an_attribute(history_path, capsys):
    repl(["t2 = torch.rand(3, 5)" + ENTER + "t2.unsq" + TAB, "(0).shape" + ENTER], history_path)
    assert capsys.readouterr().out == "torch.Size([1, 3, 5])\n"


def test_tab_completes_a_keyword_argument(history_path, capsys):
    repl(["t = torch.ones(2, 3)" + ENTER + "t.sum(keep" + TAB, "True).shape" + ENTER], history_path)
    assert capsys.readouterr().out == "torch.Size([1, 1])\n"


def test_tab_on_a_blank_continuation_line_indents(history_path):
    text = prompt_once("if True:" + ENTER + TAB + "x = 1" + ENTER + ENTER, history_path)
    assert text == "if True:\n        x = 1\n        "


def test_up_arrow_recalls_a_whole_multi_line_statement(history_path):
    history.append(history_path, "m = (1,\n     2)")
    history.append(history_path, "k = 3")
    assert prompt_once(UP + UP + ENTER, history_path) == "m = (1,\n     2)"


def test_up_arrow_recalls_across_sessions(history_path, capsys):
    repl("w = torch.zeros(2,\n3)".replace("\n", ENTER) + ENTER, history_path)
    assert prompt_once(UP + ENTER, history_path) == "w = torch.zeros(2,\n3)"


def test_ctrl_r_searches_the_history(history_path):
    for entry in ("alpha = torch.ones(1)", "beta = 2", "gamma = 3"):
        history.append(history_path, entry)
    assert prompt_once(CTRL_R + "alp" + ENTER + ENTER, history_path) == "alpha = torch.ones(1)"


def test_commands_run_from_the_prompt(history_path, capsys):
    repl("a = torch.zeros(3, 2)" + ENTER + ":vars" + ENTER, history_path)
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["name", "type", "shape", "dtype", "device", "requires_grad"]
    assert out.splitlines()[1].split() == ["a", "Tensor", "(3,", "2)", "float32", "cpu", "False"]


def test_rich_format_prints_the_header(history_path, capsys):
    repl("torch.tensor([[1., 2., 3.], [4., 5., 6.]])" + ENTER, history_path, fmt="rich")
    assert capsys.readouterr().out == ("shape (2, 3) · float32 · cpu\n"
                                       "tensor([[1., 2., 3.],\n        [4., 5., 6.]])\n")


def test_vi_mode_accepts_input(history_path, capsys):
    repl("x = 41" + ENTER + "x + 1" + ENTER, history_path, vi=True)
    assert capsys.readouterr().out == "42\n"


def test_enter_picks_a_highlighted_completion_without_running(history_path):
    session = Session()
    session.run("value_one = 1\nvalue_two = 2")
    # Tab twice: the menu opens, then the first candidate is highlighted; Enter takes it.
    # The menu fills in the background: pause long enough for it on a busy machine.
    text = prompt_once(["value_" + TAB, TAB, ENTER, ENTER], history_path, session, pause=1.0)
    assert text == "value_one"


@pytest.mark.parametrize("text, expected", [
    ("t2.", True), ("t2.su", True), ("so", True), ("s", False), ("x = 1.", False), ("x = 1e5", False),
    ("f(", False), ("load('da", True), ("", False),
])
def test_the_menu_opens_while_typing_only_after_a_dot_or_two_letters(text, expected):
    from tensorsh.repl.app import _worth_offering

    assert _worth_offering(text) is expected


def test_a_given_session_continues_with_its_variables(history_path, capsys):
    # What `tensorsh -i FILE.tsh` does: run the file, then open the REPL on the same session.
    session = Session()
    session.run("weights = torch.arange(6).reshape(2, 3)", "model.tsh")
    repl(["weig" + TAB, ".shape" + ENTER], history_path, session=session)
    assert capsys.readouterr().out == "torch.Size([2, 3])\n"
