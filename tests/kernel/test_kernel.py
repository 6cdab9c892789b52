"""The kernel's handlers, called directly (no ZMQ, no kernel process): what each request replies
and what it publishes on iopub. Needs the jupyter extra."""

from __future__ import annotations

import asyncio
import signal

import pytest

pytest.importorskip("ipykernel")

from tensorsh.kernel.kernel import INTERRUPTED, TensorshKernel  # only with ipykernel


@pytest.fixture
def kernel():
    k = TensorshKernel()
    k.published = []
    k.send_response = lambda stream, msg_type, content, *args, **kwargs: k.published.append((msg_type, content))
    return k


def execute(kernel, code, silent=False):
    kernel.execution_count += 1  # as ipykernel's execute_request does before do_execute
    return asyncio.run(kernel.do_execute(code, silent))


def test_a_cell_shows_its_last_value_and_prints(kernel, capsys):
    reply = execute(kernel, "x = torch.tensor([1., 2.]) * 2\nprint('hi')\nx")
    assert reply == {"status": "ok", "execution_count": 1, "payload": [], "user_expressions": {}}
    assert capsys.readouterr().out == "hi\n"
    [(kind, content)] = kernel.published
    assert kind == "execute_result" and content["execution_count"] == 1
    assert content["data"]["text/plain"] == "tensor([2., 4.])"
    assert "shape (2,) · float32 · cpu" in content["data"]["text/html"]


def test_cells_share_variables_and_underscore_is_the_last_value(kernel):
    execute(kernel, "w = torch.arange(4)")
    execute(kernel, "w.sum()")
    execute(kernel, "_ + 1")
    assert kernel.published[-1][1]["data"]["text/plain"] == "tensor(7)"


def test_a_silent_cell_runs_and_shows_nothing(kernel):
    assert execute(kernel, "y = 3\ny", silent=True)["status"] == "ok"
    assert kernel.published == []
    assert kernel.program.variables["y"] == 3


def test_an_error_is_the_languages_diagnostic(kernel):
    reply = execute(kernel, "a = 1\nb = a + nope")
    assert (reply["status"], reply["ename"]) == ("error", "NameError")
    assert reply["evalue"].startswith("name 'nope' is not defined")
    text = "\n".join(reply["traceback"])
    assert "In[1]:2:9" in text and "b = a + nope" in text
    assert kernel.published == [("error", {key: reply[key] for key in ("ename", "evalue", "traceback")})]
    assert kernel.program.variables["a"] == 1


def test_an_interrupt_stops_the_cell_and_the_kernel_goes_on(kernel):
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        reply = execute(kernel, "n = 0\nwhile True:\n    n += 1")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert (reply["status"], reply["ename"], reply["evalue"]) == ("error", "KeyboardInterrupt", INTERRUPTED)
    assert kernel.program.variables["n"] > 0
    assert execute(kernel, "n > 0")["status"] == "ok"
    assert kernel.published[-1][1]["data"]["text/plain"] == "True"


def test_exit_asks_the_frontend_to_close(kernel):
    reply = execute(kernel, "exit()")
    assert reply["status"] == "ok"
    assert reply["payload"] == [{"source": "ask_exit", "keepkernel": False}]


def test_kernel_info_says_python_syntax_and_tsh_files(kernel):
    info = kernel.kernel_info
    assert info["implementation"] == "tensorsh"
    assert info["language_info"]["name"] == "python"
    assert info["language_info"]["file_extension"] == ".tsh"


def test_completion_inspection_and_is_complete(kernel):
    execute(kernel, "t = torch.ones(2)")
    reply = asyncio.run(kernel.do_complete("t.uns", None))
    assert "unsqueeze" in reply["matches"] and reply["cursor_start"] == 2
    reply = asyncio.run(kernel.do_inspect("torch.softmax", 9))
    assert reply["found"] and reply["data"]["text/plain"].startswith("torch.softmax(")
    assert asyncio.run(kernel.do_is_complete("def f():"))["status"] == "incomplete"
