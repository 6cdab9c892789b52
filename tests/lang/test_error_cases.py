"""One small program per error case, with the exact diagnostic it must print.

Each `errors/NAME.tsh` runs in a fresh session; its rendered error (no colour) must
equal `errors/NAME.expected`. The format is DESIGN.md section 2; messages that come
from the engine are PyTorch's own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tensorsh.lang.errors import TensorshError, internal_error, render
from tensorsh.lang.scope import builtins
from tensorsh.lang.session import Session

CASES = sorted((Path(__file__).parent / "errors").glob("*.tsh"))


def test_every_case_has_its_expected_output():
    assert CASES
    for case in CASES:
        assert case.with_suffix(".expected").is_file(), case.name


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_error_case(case: Path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a stray save() lands in a scratch folder
    with pytest.raises(TensorshError) as info:
        Session().run(case.read_text(encoding="utf-8"), case.name, lambda value: None)
    assert render(info.value) == case.with_suffix(".expected").read_text(encoding="utf-8")


def test_colour_wraps_the_same_text_in_ansi_codes():
    error = TensorshError("NameError", "name 'x' is not defined", None)
    error.located("a.tsh", "x\n")
    plain = render(error)
    coloured = render(error, color=True)
    assert "\x1b[" in coloured and "\x1b[" not in plain
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_an_unexpected_exception_is_reported_as_a_bug_in_tensorsh():
    def broken():
        return {}["missing"]

    names = {**builtins(), "broken": broken}
    with pytest.raises(TensorshError) as info:
        Session(builtins=names).run("1 + broken()", "bug.tsh")
    error = info.value
    assert error.internal and error.kind == "InternalError"
    assert error.message == "KeyError: 'missing'"
    assert "bug in tensorsh" in error.note and "--debug" in error.note
    assert render(error).startswith("error[InternalError]: KeyError: 'missing'\n --> bug.tsh:1:5\n")


def test_internal_error_keeps_the_original_exception_for_debug():
    original = KeyError("k")
    assert internal_error(original, None).__cause__ is original
