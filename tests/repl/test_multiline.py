"""When Enter runs the input and when it continues: the Python REPL's rules, case by case."""

import pytest

from tensorsh.repl.multiline import (continuation_hint, dedent_clause, is_command, is_complete, join_operator_lines,
                                     next_indent)
from tensorsh.repl.scanning import scan

COMPLETE = [
    "",
    "   ",
    "x = 1",
    "t2.shape",
    "a = [1,\n     2]",
    "x = 1  # a comment with ( and + in it",
    "from torch import *",
    "s = 'a string with ( inside'",
    's = "unterminated',  # a malformed line runs and reports its error
    "x = 3.",
    "t[...]",
    "if a:\n    b\n",
    "if a:\n    b\n    ",
    "x_data = t2\n\nif torch.cuda.is_available():\n    x_data_cuda = x_data.to('cuda')\n\nx_data.device",
    "x = (1))",  # a stray closing bracket is an error to show
    "s = '''one\ntwo'''",
    ":help",
    ":time a @ b",
    "y = x is None",
    "x = -1",
    "lambda_ = 3",
    "x = a.band",
    "t.min",
    "print(9*a**2 == a.grad)\nprint(-2*b == b.grad)",
]

INCOMPLETE = [
    "x = (1,",
    "torch.tensor([[1, 2],",
    "x = 1 +",
    "x = 1 \\",
    "x = a *  # trailing operator before a comment",
    "x =",
    "y = a if b else",
    "y = a and",
    "y = x is not",
    "x = a **",
    "x = a //",
    "x = a @",
    "x = a <<",
    "x = a ==",
    "if torch.cuda.is_available():",
    "if a:\n    b",
    "for i in range(3):\n    print(i)",
    "if a:\n    b\nelse:",
    "s = '''open",
    ":time f(1,",
    "t[1:",
    "f = lambda x:",
]


@pytest.mark.parametrize("text", COMPLETE)
def test_complete_input_runs(text):
    assert is_complete(text)


@pytest.mark.parametrize("text", INCOMPLETE)
def test_incomplete_input_continues(text):
    assert not is_complete(text)


@pytest.mark.parametrize("text, indent", [
    ("x = (1,", ""),
    ("if a:", "    "),
    ("if a:\n    b", "    "),
    ("for i in range(3):\n    if i:", "        "),
    ("f(a,\n  b,", "  "),
    ("t[1:", ""),  # a colon inside brackets is a slice, not a block
])
def test_next_indent(text, indent):
    assert next_indent(text) == indent


@pytest.mark.parametrize("text, expected", [
    (":help", True), ("  :vars", True), (":q", True), ("x[:1]", False), (":", False), ("t2", False),
])
def test_is_command(text, expected):
    assert is_command(text) is expected


def test_scan_reports_brackets_with_offsets_skipping_strings_and_comments():
    state = scan("f(')', [1, # ]\n 2")
    assert state.brackets == [("(", 1), ("[", 7)]
    assert state.string is None and not state.in_comment


def test_scan_reports_an_open_string_with_its_start_and_prefix():
    state = scan('load(r"data/x')
    assert state.string is not None
    assert (state.string.start, state.string.quote, state.string.prefix) == (6, '"', "r")
    assert state.brackets == [("(", 4)]


def test_scan_escaped_quote_keeps_the_string_open():
    assert scan(r"s = 'it\'s").string is not None
    assert scan(r"s = 'it\'s'").string is None


def test_scan_comment_at_the_end():
    assert scan("x = 1  # note").in_comment
    assert not scan("x = 1  # note\ny").in_comment


@pytest.mark.parametrize("text, joined", [
    ("y = 2 *\n3", "y = 2 * \\\n3"),
    ("x = a +  # more below\nb", "x = a + \\\nb"),
    ("x = (a +\nb)", "x = (a +\nb)"),  # inside brackets the language continues by itself
    ("z = 1 + \\\n4", "z = 1 + \\\n4"),
    ("s = 'a +'\nt = 1", "s = 'a +'\nt = 1"),
    ("x = 1\ny = x -\n2\nz = y", "x = 1\ny = x - \\\n2\nz = y"),
    ("from torch import *\nx = 1", "from torch import *\nx = 1"),
])
def test_join_operator_lines(text, joined):
    assert join_operator_lines(text) == joined


def test_joined_lines_parse_and_run():
    from tensorsh.lang.session import Session

    session = Session()
    session.run(join_operator_lines("y = 2 *\n3\nz = y -  # minus\n1"))
    assert (session.variables["y"], session.variables["z"]) == (6, 5)


@pytest.mark.parametrize("text, hint", [
    ("x = [1,\n2", "`[` from line 1 is open: `]` closes it · Ctrl-C discards the input"),
    ("x = 1\ny = f(1,\n[2, 3],", "`(` from line 2 is open: `)` closes it · Ctrl-C discards the input"),
    ("x = 1 +", "the line ends in an operator: the statement goes on · Ctrl-C discards the input"),
    ("x = 1 \\", "the line ends in `\\`: the statement goes on · Ctrl-C discards the input"),
    ("if a:\n    b", "in a block: an empty line ends it and runs the input"),
    ('s = """a\nb', "inside a triple-quoted string: close it to run · Ctrl-C discards the input"),
])
def test_continuation_hint_says_why_enter_goes_on(text, hint):
    assert continuation_hint(text) == hint


@pytest.mark.parametrize("text", COMPLETE)
def test_no_continuation_hint_for_complete_input(text):
    assert continuation_hint(text) is None


@pytest.mark.parametrize("text, expected", [
    ("try:\n    x = 1\n    except ValueError:", "try:\n    x = 1\nexcept ValueError:"),
    ("if a:\n    b\n    else:", "if a:\n    b\nelse:"),
    ("if a:\n    if b:\n        c\n        elif d:  # note", "if a:\n    if b:\n        c\n    elif d:  # note"),
    ("try:\n    x\n    finally:", "try:\n    x\nfinally:"),
    ("try:\n    x\nexcept E:", "try:\n    x\nexcept E:"),  # placed by hand: left alone
    ("    else:", "    else:"),  # nothing before it
    ("x = 1\n    elsewhere = 2", "x = 1\n    elsewhere = 2"),  # not a clause
])
def test_a_clause_typed_at_the_bodys_depth_moves_one_step_left(text, expected):
    assert dedent_clause(text) == expected
