"""The golden-case harness itself: the case-file format and the notebook semantics."""

from __future__ import annotations

import ast
import builtins
import types

import numpy
import pytest

from . import runner


class FakeTorch(types.SimpleNamespace):
    """Stands in for torch/the engine: records seeding and the settings reset."""

    def __init__(self):
        super().__init__(name="T", seeds=[], printoptions=[], grad_enabled=[])
        self.nn = types.SimpleNamespace(name="NN", functional=types.SimpleNamespace(name="F"))

    def manual_seed(self, seed):
        self.seeds.append(seed)

    def set_printoptions(self, **kwargs):
        self.printoptions.append(kwargs)

    def set_grad_enabled(self, mode):
        self.grad_enabled.append(mode)


def modules(fake):
    return {"torch": fake, "numpy": numpy, "torch.nn": fake.nn, "torch.nn.functional": fake.nn.functional}


def test_parse_cases_names_flags_and_sources():
    text = (
        "# preamble comment\n\n"
        "#: case first\nx = 1\nx\n\n"
        "#: case second [python-only, class-only]\n# a comment inside\ny = 2\n\n\n"
    )
    cases = runner.parse_case_file(text, "topic")
    assert [(c.name, c.flags, c.source) for c in cases] == [
        ("first", (), "x = 1\nx\n"),
        ("second", ("python-only", "class-only"), "# a comment inside\ny = 2\n"),
    ]
    assert cases[1].id == "topic::second"
    assert cases[1].line == 7


@pytest.mark.parametrize(
    "text,problem",
    [
        ("x = 1\n#: case a\ny\n", "code before the first case header"),
        ("#: case a\nx\n#: case a\ny\n", "duplicate case name"),
        ("#: case a [fast]\nx\n", "unknown flags"),
        ("#: case a\n\n#: case b\nx\n", "is empty"),
        ("#: case bad-name\nx\n", "bad case header"),
    ],
)
def test_parse_rejects_malformed_files(text, problem):
    with pytest.raises(runner.CaseFileError, match=problem):
        runner.parse_case_file(text, "t")


def test_expression_statements_print_repr_like_a_repl():
    out = runner.run_case("a = 'x'\na\nNone\nprint(a)\n[1, 2]\nb = [3]\nb.append(4)\nb\n", modules(FakeTorch()))
    assert out == runner.Outcome("'x'\nx\n[1, 2]\n[3, 4]\n", None)


def test_first_exception_stops_the_case_and_keeps_first_line():
    source = "print(1)\nraise RuntimeError('first line\\nsecond line')\nprint(2)\n"
    out = runner.run_case(source, modules(FakeTorch()))
    assert out == runner.Outcome("1\n", {"type": "RuntimeError", "message": "first line"})


def test_names_and_imports_bind_the_given_modules():
    source = (
        "print(torch.name, F.name, np.__name__)\n"
        "import torch as G\nimport torch.nn.functional as H\nfrom torch import nn\nimport torch.nn\n"
        "print(G.name, H.name, nn.name, torch.name)\n"
    )
    out = runner.run_case(source, modules(FakeTorch()))
    assert out == runner.Outcome("T F numpy\nT F NN T\n", None)


def test_unknown_module_is_an_error_not_a_real_import():
    out = runner.run_case("import os\n", modules(FakeTorch()))
    assert out.error == {"type": "ModuleNotFoundError", "message": "No module named 'os'"}


def test_each_case_is_seeded_and_global_settings_are_restored():
    fake = FakeTorch()
    runner.run_case("x = 1\n", modules(fake), seed=3)
    assert (fake.seeds, fake.printoptions, fake.grad_enabled) == ([3], [], [])
    runner.run_case("torch.set_printoptions(precision=2)\ntorch.set_grad_enabled(False)\n", modules(fake))
    assert fake.printoptions[-1] == dict(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)
    assert fake.grad_enabled == [False, True]


def test_python_only_syntax_runs_in_the_harness():
    out = runner.run_case("x = 0\nif x == 0:\n    print('zero')\n", modules(FakeTorch()))
    assert out == runner.Outcome("zero\n", None)


def test_every_case_file_parses_and_uses_known_topics():
    topics = runner.load_cases()
    assert {"creation", "dtypes", "indexing", "autograd", "printing", "errors"} <= set(topics)


# A case not flagged python-only must stay inside the tensorsh language, so the
# language can replay it too: the validator accepts it, and the builtins it names are
# ones a program has, and the modules it imports are ones a program may import.
def _outside_language(source: str) -> list[str]:
    from tensorsh.lang.errors import TensorshError
    from tensorsh.lang.scope import builtins as program_names
    from tensorsh.lang.scope import modules as program_modules
    from tensorsh.lang.validator import validate

    tree = ast.parse(source)
    known = program_names()
    try:
        validate(tree, source, tuple(program_modules(known)))
    except TensorshError as error:
        return [error.message]
    return [node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and node.id in dir(builtins) and node.id not in known]


def test_cases_not_flagged_python_only_stay_in_the_language():
    outside = {
        case.id: problems
        for cases in runner.load_cases().values()
        for case in cases
        if "python-only" not in case.flags and (problems := _outside_language(case.source))
    }
    assert not outside


def test_python_only_flag_is_not_used_needlessly():
    needless = [
        case.id
        for cases in runner.load_cases().values()
        for case in cases
        if "python-only" in case.flags and not _outside_language(case.source)
    ]
    assert not needless
