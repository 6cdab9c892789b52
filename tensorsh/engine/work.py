"""Work that Ctrl-C can stop.

NumPy runs a matrix product or a decomposition in C code, which a KeyboardInterrupt
reaches only when it returns: a 20000 x 20000 product takes minutes. So:

- `matmul` computes a big product in blocks of about BLOCK_WORK multiply-adds, and an
  interrupt lands between two blocks;
- `in_background` runs a call that cannot be split (a LAPACK decomposition) on a worker
  thread, as NumPy releases the GIL while it runs, and waits for it in short slices, so
  an interrupt ends the wait. The abandoned call finishes unseen and its result is dropped.
  While one runs, the process must leave through `os._exit` (see `abandoned_work`).

Small work takes neither route: it costs one multiplication to tell.
"""

from __future__ import annotations

import math
import threading

import numpy as np

# Multiply-adds between two chances to stop: a few hundredths of a second of BLAS.
BLOCK_WORK = 1 << 27


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """np.matmul(a, b), in blocks when it is big."""
    if a.ndim < 2 or b.ndim < 2:
        return np.matmul(a, b)  # a product with a vector does no more work than reading the matrix
    batch = () if a.ndim == b.ndim == 2 else np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    out_shape = (*batch, a.shape[-2], b.shape[-1])
    if math.prod(out_shape) * a.shape[-1] <= BLOCK_WORK:
        # np.dot is np.matmul for matrices, with less argument handling: a third of a tiny product.
        return np.dot(a, b) if not batch else np.matmul(a, b)
    out = np.empty(out_shape, dtype=np.result_type(a, b))
    _into(out, np.broadcast_to(a, (*batch, *a.shape[-2:])), np.broadcast_to(b, (*batch, *b.shape[-2:])))
    return out


def _into(out: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    if out.size * a.shape[-1] <= BLOCK_WORK:
        np.matmul(a, b, out=out)
    elif out.ndim > 2:
        for i in range(out.shape[0]):
            _into(out[i], a[i], b[i])
    else:
        rows = max(1, BLOCK_WORK // max(1, a.shape[1] * b.shape[1]))
        for start in range(0, out.shape[0], rows):
            np.matmul(a[start:start + rows], b, out=out[start:start + rows])


_abandoned: list[threading.Event] = []  # the `done` events of calls an interrupt abandoned


def abandoned_work() -> bool:
    """Whether a call an interrupt abandoned is still running. Python's exit would then wait
    for it forever (its finalization and OpenBLAS's shutdown deadlock with a thread inside
    OpenBLAS), so the process must end with os._exit once its output is flushed."""
    return not all(done.is_set() for done in _abandoned)


def in_background(work: int, fn, *args):
    """fn(*args), on a worker thread when `work` (in multiply-adds) is more than a block's."""
    if work <= BLOCK_WORK:
        return fn(*args)
    outcome = []
    done = threading.Event()  # not Thread.join: an interrupted join can mark a running thread stopped

    def run():
        try:
            outcome.append((True, fn(*args)))
        except BaseException as error:  # handed to the waiting thread, which raises it
            outcome.append((False, error))
        finally:
            done.set()

    threading.Thread(target=run, name="tensorsh-work", daemon=True).start()
    try:
        while not done.wait(0.05):
            pass
    except BaseException:
        _abandoned.append(done)
        raise
    ok, value = outcome[0]
    if not ok:
        raise value
    return value
