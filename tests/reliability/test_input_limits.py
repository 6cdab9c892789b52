"""Hostile or odd program text: warnings, size, long lines, control characters, byte order
marks, unusual line breaks and huge calls. Each gets a located diagnostic (or runs), never
a traceback, never a hang, and the diagnostic shows the user's line, one screen wide."""

from __future__ import annotations

import time
import warnings

import pytest

from tensorsh.lang.errors import MAX_SHOWN_CHARACTERS, TensorshError, render
from tensorsh.lang.evaluator import MAX_SOURCE_CHARACTERS
from tensorsh.lang.validator import MAX_KEYWORD_ARGUMENTS
from tensorsh.lang.session import Session
from tests.reliability.harness import located_error as failure


def shown(source: str) -> list:
    values = []
    Session().run(source, "<t>", values.append)
    return values


# ---------------------------------------------------------------- warnings

def test_a_library_warning_is_one_line_without_the_library_source(capsys):
    assert len(shown("import numpy as np\nnp.mean(np.array([]))")) == 1
    assert capsys.readouterr().err == "RuntimeWarning: Mean of empty slice\n"


def test_python_warning_display_is_restored_after_the_program():
    before = (warnings.showwarning, warnings.formatwarning)
    shown("import numpy as np\nnp.mean(np.array([]))")
    assert (warnings.showwarning, warnings.formatwarning) == before


def test_a_warning_is_shown_again_in_a_later_run(capsys):
    session = Session()
    for _ in range(2):
        session.run("import numpy as np\nnp.mean(np.array([]))", "<t>")
    assert capsys.readouterr().err == "RuntimeWarning: Mean of empty slice\n" * 2


# ---------------------------------------------------------------- source size and nesting

def test_a_program_over_the_size_limit_is_refused_before_parsing():
    error = failure("x = 1\n" * (MAX_SOURCE_CHARACTERS // 6 + 1), seconds=5)
    assert error.kind == "SyntaxError" and error.exit_code == 2
    assert error.message == f"the program is longer than tensorsh's limit of {MAX_SOURCE_CHARACTERS:,} characters"
    # located where the limit is crossed: the character after the last one allowed
    assert (error.span.line, error.span.column) == (MAX_SOURCE_CHARACTERS // 6 + 1, MAX_SOURCE_CHARACTERS % 6 + 1)


def test_a_program_at_the_size_limit_is_parsed():
    assert shown("#" * (MAX_SOURCE_CHARACTERS - 2) + "\n1") == [1]


@pytest.mark.parametrize("source", [
    "(" * 10_000_000,
    "(\n" * 1_000_000,
    "[" * 1000 + "]" * 1000,
    "x = " + "-" * 1_000_000 + "1",
    "f(" * 100_000,
])
def test_nesting_the_parser_refuses_is_a_located_syntax_error(source):
    error = failure(source)
    assert error.kind == "SyntaxError"
    assert len(render(error)) < 1000


# ---------------------------------------------------------------- long lines

def test_an_error_at_the_end_of_a_ten_megabyte_line_shows_a_clipped_line():
    error = failure("x = '" + "a" * 10_000_000 + "' + nope")
    assert error.kind == "NameError" and error.span.column == 10_000_010
    lines = render(error).splitlines()
    assert lines[3].startswith("1 | …aaaa") and lines[3].endswith("aaa' + nope")
    assert lines[4].endswith("^^^^") and lines[4].count("^") == 4
    assert lines[3].index("nope") == lines[4].index("^")
    assert all(len(line) <= MAX_SHOWN_CHARACTERS + 10 for line in lines)


def test_a_span_longer_than_the_clip_is_cut_with_the_line():
    error = failure("[" + "1, " * 100_000 + "].nope")
    assert error.kind == "AttributeError"
    _, _, _, source_line, carets = render(error).splitlines()
    assert source_line == "1 | " + ("[" + "1, " * 67)[:MAX_SHOWN_CHARACTERS] + "…"
    assert carets == "  | " + "^" * MAX_SHOWN_CHARACTERS


def test_a_short_line_is_shown_whole_with_tabs_as_spaces():
    error = failure("x\t= 1\nx\t+ nope")
    assert render(error).splitlines()[3:] == ["2 | x   + nope", "  |       ^^^^"]


# ---------------------------------------------------------------- control characters

@pytest.mark.parametrize("char, escaped", [
    ("\x1b", "\\x1b"), ("\x07", "\\x07"), ("\x9b", "\\x9b"), ("\u202e", "\\u202e"),
])
def test_control_characters_of_the_source_are_shown_escaped(char, escaped):
    error = failure(f"s = 1\n'{char}[2J' + nope")
    text = render(error)
    assert char not in text
    source_line, carets = text.splitlines()[3:5]
    assert source_line == f"2 | '{escaped}[2J' + nope"
    assert source_line.index("nope") == carets.index("^")


def test_control_characters_in_a_message_and_a_file_name_are_shown_escaped():
    with pytest.raises(TensorshError) as info:
        Session().run("raise ValueError('\\x1b[2J\\rcleared')", "a\x1bb.tsh")
    text = render(info.value)
    assert "\x1b" not in text and "\r" not in text
    assert text.splitlines()[:2] == ["error[ValueError]: \\x1b[2J\\rcleared", " --> a\\x1bb.tsh:1:1"]


def test_a_byte_that_is_not_utf8_is_located():
    error = failure("x = 1\ny = '\udcff'")
    assert (error.kind, error.message) == ("SyntaxError", "the program is not valid UTF-8 text: byte 0xff")
    assert (error.span.line, error.span.column) == (2, 6)
    assert "\\udcff" in render(error)


def test_a_null_byte_is_located():
    error = failure("x = 1\ny = 2\0")
    assert error.kind == "SyntaxError" and (error.span.line, error.span.column) == (2, 6)


# ---------------------------------------------------------------- byte order mark

def test_a_byte_order_mark_is_not_code_wherever_the_program_comes_from():
    assert shown("\ufeffx = 1\nx") == [1]


def test_a_byte_order_mark_keeps_error_columns_right():
    error = failure("\ufeffx = nope")
    assert (error.span.line, error.span.column) == (1, 5)
    assert render(error).splitlines()[3:] == ["1 | x = nope", "  |     ^^^^"]


# ---------------------------------------------------------------- line breaks

@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x1c", "\x0b", "\x0c"])
def test_only_the_parsers_line_breaks_number_the_lines(separator):
    error = failure(f"# one{separator}still one\ns = 'é'\nz = 'é' + nope")
    assert (error.span.line, error.span.column) == (3, 11)
    assert render(error).splitlines()[1:] == [" --> <t>:3:11", "  |", "3 | z = 'é' + nope", "  |           ^^^^"]


def test_carriage_returns_end_lines_as_the_parser_ends_them():
    error = failure("x = 1\r\ny = 2\rz = nope\n")
    assert render(error).splitlines()[1:] == [" --> <t>:3:5", "  |", "3 | z = nope", "  |     ^^^^"]


# ---------------------------------------------------------------- keyword arguments

def test_a_call_with_too_many_keyword_arguments_is_refused_at_once():
    arguments = ",".join(f"a{i}=1" for i in range(100_000))
    error = failure(f"def f(**k):\n    return len(k)\nf({arguments})")
    assert error.kind == "SyntaxError" and error.exit_code == 2
    assert error.message == (f"this call passes 100,000 keyword arguments, more than tensorsh's limit of "
                             f"{MAX_KEYWORD_ARGUMENTS:,}")
    column = len("f(") + len(",".join(f"a{i}=1" for i in range(MAX_KEYWORD_ARGUMENTS))) + 2
    assert (error.span.line, error.span.column) == (3, column)
    assert render(error).splitlines()[4].lstrip(" |").startswith("^" * len(f"a{MAX_KEYWORD_ARGUMENTS}=1"))


def test_keyword_arguments_up_to_the_limit_and_a_large_dict_still_work():
    arguments = ",".join(f"a{i}=1" for i in range(MAX_KEYWORD_ARGUMENTS))
    entries = ",".join(f"'a{i}': 1" for i in range(100_000))
    start = time.monotonic()
    assert shown(f"def f(**k):\n    return len(k)\nf({arguments})\nf(**{{{entries}}})") == [
        MAX_KEYWORD_ARGUMENTS, 100_000]
    assert time.monotonic() - start < 10
