"""Completion, inspection and is_complete replies, from the REPL's logic over a real session."""

from __future__ import annotations

import pytest

from tensorsh.kernel import replies
from tensorsh.lang.session import Session


@pytest.fixture(scope="module")
def session():
    s = Session()
    s.run("x = torch.tensor([1., 2.])\nlosses = []\ndef f(a, scale=2):\n    return a * scale")
    return s


def test_completion_replaces_the_word_before_the_cursor(session):
    reply = replies.complete("y = torch.sof", 13, session)
    assert reply["status"] == "ok" and "softmax" in reply["matches"]
    assert (reply["cursor_start"], reply["cursor_end"]) == (10, 13)


def test_completion_of_attributes_and_variables(session):
    assert "unsqueeze" in replies.complete("x.uns", 5, session)["matches"]
    assert replies.complete("los", 3, session)["matches"][0] == "losses"


def test_completion_at_a_cursor_inside_the_cell(session):
    code = "a = 1\nx.ad\nb = 2"
    reply = replies.complete(code, code.index("x.ad") + 4, session)
    assert "add" in reply["matches"]
    assert code[reply["cursor_start"]:reply["cursor_end"]] == "ad"


def test_completion_counts_characters_not_bytes(session):
    code = "é = 'ü'; torch.sof"
    reply = replies.complete(code, len(code), session)
    assert code[reply["cursor_start"]:reply["cursor_end"]] == "sof"


def test_keyword_arguments_in_a_call(session):
    assert "scale=" in replies.complete("f(x, sc", 7, session)["matches"]


def test_repl_commands_are_not_offered(session):
    assert replies.complete(":he", 3, session)["matches"] == []


@pytest.mark.parametrize("code, cursor, name", [
    ("torch.softmax", 13, "torch.softmax"),
    ("torch.sof", 9, "torch.sof"),
    ("y = torch.soft(x)", 11, "torch.soft"),  # in the middle of a name: the whole name
    ("torch.softmax(x, ", 17, "torch.softmax"),  # inside a call: the callee
    ("1 + ", 4, None),
])
def test_name_at_the_cursor(code, cursor, name):
    assert replies.name_at(code, cursor) == name


def test_inspection_is_helps_text(session):
    reply = replies.inspect("torch.softmax(x, ", 17, session)
    assert reply["found"] is True
    assert reply["data"]["text/plain"].startswith("torch.softmax(input, dim")
    assert replies.inspect("f", 1, session)["data"]["text/plain"].startswith("f(a, scale=2)")
    assert "tensor (2,) float32" in replies.inspect("x", 1, session)["data"]["text/plain"]


def test_inspection_of_nothing_known(session):
    assert replies.inspect("nosuchname", 5, session) == {"status": "ok", "found": False, "data": {}, "metadata": {}}
    assert replies.inspect("", 0, session)["found"] is False


@pytest.mark.parametrize("code, reply", [
    ("x = 1", {"status": "complete"}),
    ("for i in range(3):", {"status": "incomplete", "indent": "    "}),
    ("f(1,", {"status": "incomplete", "indent": ""}),
    ("if x:\n    y = 1", {"status": "incomplete", "indent": "    "}),
    ("if x:\n    y = 1\n", {"status": "complete"}),
    ("s = \"\"\"text", {"status": "incomplete", "indent": ""}),
    ("1 +", {"status": "invalid"}),  # the REPL joins `1 +` to the next line; Python does not
])
def test_is_complete(code, reply):
    assert replies.is_complete(code) == reply
