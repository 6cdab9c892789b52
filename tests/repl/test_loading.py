"""The loader that builds the REPL's session on a thread while the prompt takes typing."""

import threading

import pytest

from tensorsh.repl.loading import Loader


def test_the_value_comes_from_another_thread_once_and_result_waits_for_it():
    gate, threads = threading.Event(), []

    def load():
        threads.append(threading.current_thread())
        gate.wait(10)
        return "session"

    loader = Loader(load)
    loader.start()
    loader.start()  # a second start does not load twice
    assert not loader.ready
    gate.set()
    assert loader.result() == "session" and loader.result() == "session"
    assert loader.ready and len(threads) == 1 and threads[0] is not threading.current_thread()


def test_result_starts_the_loading_when_nothing_did():
    assert Loader(lambda: 42).result() == 42


def test_an_error_while_loading_is_raised_where_the_value_is_asked_for():
    def load():
        raise MemoryError("no room")

    loader = Loader(load)
    with pytest.raises(MemoryError, match="no room"):
        loader.result()
    assert loader.ready


def test_callbacks_run_once_loaded_or_at_once_when_already_loaded():
    gate, calls = threading.Event(), []
    loader = Loader(lambda: gate.wait(10))
    loader.when_ready(lambda: calls.append("early"))
    loader.start()
    assert calls == []
    gate.set()
    loader.result()
    loader._thread.join(10)  # the callbacks run on the loading thread, after the value is there
    assert calls == ["early"]
    loader.when_ready(lambda: calls.append("late"))
    assert calls == ["early", "late"]


def test_a_loader_of_a_value_is_ready_without_a_thread():
    loader = Loader.of("ready")
    loader.start()
    assert loader.ready and loader.result() == "ready" and loader._thread is None
