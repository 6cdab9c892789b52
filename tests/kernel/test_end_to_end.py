"""The kernel as Jupyter runs it: a kernelspec installed by `tensorsh kernel install`, one kernel
process started by jupyter_client for the module, and requests over ZMQ. Needs the jupyter extra."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

pytest.importorskip("ipykernel")
manager = pytest.importorskip("jupyter_client.manager")

from tensorsh.kernel.kernel import INTERRUPTED  # only with ipykernel

TIMEOUT = 30  # seconds any one request may take: a kernel that hangs fails the test, never the run
NAME = "tensorsh-e2e"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("kernelspec")
    subprocess.run([sys.executable, "-m", "tensorsh", "kernel", "install", "--prefix", str(prefix),
                    "--name", NAME], check=True, capture_output=True, timeout=TIMEOUT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
        kernel, client = manager.start_new_kernel(kernel_name=NAME, startup_timeout=TIMEOUT)
    try:
        yield kernel, client
    finally:
        client.stop_channels()
        kernel.shutdown_kernel(now=True)


def run(client, code, **options):
    """The execute_reply's content and the cell's output messages, (type, content)."""
    outputs = []
    reply = client.execute_interactive(code, timeout=TIMEOUT, **options,
                                       output_hook=lambda msg: outputs.append((msg["msg_type"], msg["content"])))
    return reply["content"], [(kind, content) for kind, content in outputs if kind not in ("status", "execute_input")]


def test_a_cell_prints_and_shows_pytorchs_text(client):
    reply, outputs = run(client[1], "x = torch.tensor([1., 2.]) * 2\nprint('hi')\nx")
    assert reply["status"] == "ok"
    (stream, printed), (result, shown) = outputs
    assert (stream, printed["name"], printed["text"]) == ("stream", "stdout", "hi\n")
    assert result == "execute_result" and shown["execution_count"] == reply["execution_count"]
    assert shown["data"]["text/plain"] == "tensor([2., 4.])"
    assert "shape (2,) · float32 · cpu" in shown["data"]["text/html"]


def test_cells_run_in_one_session(client):
    run(client[1], "y = torch.arange(6).reshape(2, 3)")
    reply, outputs = run(client[1], "y.sum(0)")
    assert outputs == [("execute_result", {"execution_count": reply["execution_count"], "metadata": {},
                                           "data": {"text/plain": "tensor([3, 5, 7])",
                                                    "text/html": outputs[0][1]["data"]["text/html"]}})]


def test_only_the_last_expression_shows_and_a_semicolon_hides_it(client):
    assert run(client[1], "1\n2")[1][0][1]["data"] == {"text/plain": "2"}
    assert run(client[1], "1\n2;")[1] == []
    assert run(client[1], "z = 3")[1] == []


def test_an_error_has_its_kind_message_and_place(client):
    reply, outputs = run(client[1], "a = 1\na / nope", stop_on_error=False)
    assert (reply["status"], reply["ename"]) == ("error", "NameError")
    assert reply["evalue"].startswith("name 'nope' is not defined")
    assert f"In[{reply['execution_count']}]:2:5" in "\n".join(reply["traceback"])
    assert outputs == [("error", {key: reply[key] for key in ("ename", "evalue", "traceback")})]


def test_completion(client):
    run(client[1], "x = torch.ones(2)")  # xdist may run this test first in its kernel
    content = client[1].complete("x.uns", 5, reply=True, timeout=TIMEOUT)["content"]
    assert content["status"] == "ok" and "unsqueeze" in content["matches"]
    assert (content["cursor_start"], content["cursor_end"]) == (2, 5)


def test_inspection(client):
    content = client[1].inspect("torch.softmax(x, ", 17, reply=True, timeout=TIMEOUT)["content"]
    assert content["found"] and content["data"]["text/plain"].startswith("torch.softmax(input, dim")
    assert client[1].inspect("nosuch", 3, reply=True, timeout=TIMEOUT)["content"]["found"] is False


def test_is_complete(client):
    msg_id = client[1].is_complete("for i in range(3):")
    reply = client[1].get_shell_msg(timeout=TIMEOUT)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"] == {"status": "incomplete", "indent": "    "}


def test_kernel_info(client):
    content = client[1].kernel_info(reply=True, timeout=TIMEOUT)["content"]
    assert content["implementation"] == "tensorsh"
    assert content["language_info"]["name"] == "python"


@pytest.mark.parametrize("code", [
    "while True:\n    pass",  # the program's own loop
    "big = torch.ones(4000, 4000)\nbig @ big @ big",  # engine ops of many seconds each
])
def test_an_interrupt_stops_the_cell_and_the_kernel_goes_on(client, code):
    kernel, kc = client
    msg_id = kc.execute(code, stop_on_error=False)
    taken = False
    while not taken:  # until the kernel has taken the cell: an interrupt then reaches it
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        taken = msg["msg_type"] == "execute_input" and msg["parent_header"].get("msg_id") == msg_id
    time.sleep(0.5)
    started = time.monotonic()
    kernel.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert time.monotonic() - started < 5
    assert reply["parent_header"]["msg_id"] == msg_id
    assert (reply["content"]["status"], reply["content"]["ename"]) == ("error", "KeyboardInterrupt")
    assert reply["content"]["evalue"] == INTERRUPTED
    assert kernel.is_alive()
    assert run(kc, "torch.tensor([1., 2.]) + 1")[1][0][1]["data"]["text/plain"] == "tensor([2., 3.])"
