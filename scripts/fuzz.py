"""The long fuzz run: random programs through tensorsh for N minutes, every distinct crash listed.

    .venv/bin/python scripts/fuzz.py --minutes 10 [--seed 1] [--cli-every 200]

Programs come from tests/reliability/programs.py (random text, token soup, mutations of the
golden cases and examples, valid programs built from the op registry with random shapes
and dtypes, and valid programs from the grammar: functions, closures, lambdas, classes,
while loops, try/except, comprehensions, generator expressions, f-strings) and run
through Session.run in a worker process, under a small memory limit and a time budget each
(`--generator grammar` runs one generator only); every `--cli-every`th one also runs through the `tensorsh` command, which must
exit 0, 1 or 2 without a Python traceback. A finding is anything else: an exception that
is not a TensorshError, an internal error, a diagnostic without a span, a worker that dies
(a segfault, a C stack overflow), or a hang: a program still running past its budget plus a
grace period, which the in-process alarm could not stop because C code never returns to
Python to see it (NumPy summing 10**12 elements); the worker is killed and replaced. Findings
are grouped by kind and place; the shortest program of each group is printed at the end.
Exit status 1 if anything was found.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tensorsh.engine import limits  # noqa: E402
from tests.reliability.harness import FUZZ_MAX_MEMORY, Finding, describe, fuzz_limits, run_program  # noqa: E402
from tests.reliability.programs import GENERATORS, any_program  # noqa: E402


def cli_finding(source: str) -> Finding | None:
    """Run a program through the CLI: exit 0/1/2, no traceback, or a Finding."""
    command = [sys.executable, "-m", "tensorsh", "--max-memory", "64M", "--no-color", "-"]
    try:
        done = subprocess.run(command, input=source.encode("utf-8", "surrogatepass"), capture_output=True,
                              timeout=20, cwd=os.getcwd())
    except subprocess.TimeoutExpired:
        return None  # a long loop the program asked for
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode not in (0, 1, 2) or "Traceback" in stderr:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        return Finding("cli", f"exit {done.returncode}: {last[:80]}", stderr[-3000:])
    return None


# How long past its budget a program may run before its worker is killed: the alarm stops
# Python code at the budget, so a program still running after this is stuck in C code.
GRACE_SECONDS = 3.0


class Worker:
    """A child process running programs one at a time (`fuzz.py --worker`): the parent can kill
    it when a program outlives its time, which no signal handler in the same process can do
    while C code runs. Its Ctrl-C is the parent's business (its own session), so a
    KeyboardInterrupt in it is always a program's `raise KeyboardInterrupt`."""

    def __init__(self):
        self.process: subprocess.Popen | None = None

    def _start(self) -> None:
        self.process = subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, cwd=os.getcwd(), start_new_session=True)
        if self._read(120) != {"ready": True}:  # imports done: the first program's clock starts after them
            raise RuntimeError("the fuzz worker did not start")

    def _read(self, seconds: float) -> dict | None:
        """The worker's next reply, or None if none came within `seconds` or the worker died."""
        ready, _, _ = select.select([self.process.stdout], [], [], seconds)
        line = self.process.stdout.readline() if ready else b""
        return json.loads(line) if line else None

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()  # our own child, by its handle
            self.process.wait()
            self.process = None

    def run(self, source: str, seconds: float, max_memory: int = FUZZ_MAX_MEMORY):
        """The outcome: "ok", "error", "timeout", "interrupt" or a Finding, as run_program says; a
        Finding of kind "hang" or "died" when the worker had to be killed or stopped on its own.
        max_memory: the tensor limit for this program (the process cap stays the worker's)."""
        if self.process is None:
            self._start()
        try:
            request = {"source": source, "seconds": seconds, "max_memory": max_memory}
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # died before reading it: the reply below is None and says so
        start = time.monotonic()
        reply = self._read(seconds + GRACE_SECONDS)
        if reply is not None:
            return Finding(*reply["finding"]) if "finding" in reply else reply["result"]
        if time.monotonic() - start < seconds + GRACE_SECONDS:  # its output ended early: it died
            code = self.process.wait()
            self.process = None
            return Finding("died", f"worker exit {code}" + (f" ({signal.Signals(-code).name})" if code < 0 else ""),
                           "")
        self.stop()
        return Finding("hang", f"still running {seconds + GRACE_SECONDS:g}s after the start, killed", "")


def worker_main() -> int:
    """Run the programs the parent sends (one JSON line each); answer each with a JSON line."""
    protocol = os.fdopen(os.dup(1), "w")  # replies go here; anything else printing to fd 1 goes nowhere
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    protocol.write(json.dumps({"ready": True}) + "\n")
    protocol.flush()
    with fuzz_limits():
        for line in sys.stdin:
            request = json.loads(line)
            limits.set_max_memory(request["max_memory"])
            try:
                result = run_program(request["source"], request["seconds"])
            except KeyboardInterrupt:
                result = "interrupt"  # the program raised KeyboardInterrupt: it ends a run, by design
            reply = ({"finding": [result.kind, result.signature, result.detail]} if isinstance(result, Finding)
                     else {"result": result})
            protocol.write(json.dumps(reply) + "\n")
            protocol.flush()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--cli-every", type=int, default=200, help="also run every Nth program through the CLI")
    parser.add_argument("--seconds-per-program", type=float, default=2.0)
    parser.add_argument("--generator", choices=sorted(GENERATORS), default=None,
                        help="run programs of this generator only (default: all, mixed)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        return worker_main()

    seed = options.seed if options.seed is not None else random.randrange(2 ** 32)
    print(f"fuzzing for {options.minutes:g} minutes, seed {seed}", flush=True)
    outcomes: collections.Counter = collections.Counter()
    by_kind: collections.Counter = collections.Counter()
    found: dict[str, tuple[Finding, str, int]] = {}
    slow: list[str] = []  # programs that ran out of time: loops they asked for
    hung: list[str] = []  # programs the worker was killed for: all one group, so the shortest few
    deadline = time.monotonic() + options.minutes * 60
    next_report = time.monotonic() + 60
    count = 0
    os.chdir(tempfile.mkdtemp(prefix="tensorsh-fuzz-"))  # save() of fuzzed programs lands here
    worker = Worker()
    try:
        while time.monotonic() < deadline:
            rng = random.Random(f"{seed}-{count}")
            if options.generator:
                kind, source = options.generator, GENERATORS[options.generator](rng)
            else:
                kind, source = any_program(rng)
            count += 1
            by_kind[kind] += 1
            result = worker.run(source, options.seconds_per_program)
            if isinstance(result, Finding) and result.signature.startswith("ExitRequest"):
                result = "exit"  # exit()/quit(): the program asked to end, by design
            if isinstance(result, Finding):
                outcomes["finding"] += 1
            else:
                outcomes[result] += 1
                if result == "timeout":
                    slow = sorted([*slow, source], key=len)[:5]
            if isinstance(result, Finding) and result.kind == "hang":
                hung = sorted([*hung, source], key=len)[:5]
            if options.cli_every and count % options.cli_every == 0 and not isinstance(result, Finding):
                result = cli_finding(source) or result
                outcomes["cli runs"] += 1
            if isinstance(result, Finding):
                key = f"[{result.kind}] {result.signature}"
                previous = found.get(key)
                if previous is None:
                    print(f"NEW {key}", flush=True)
                    found[key] = (result, source, 1)
                else:
                    shortest = source if len(source) < len(previous[1]) else previous[1]
                    finding = result if shortest is source else previous[0]
                    found[key] = (finding, shortest, previous[2] + 1)
            if time.monotonic() > next_report:
                next_report += 60
                print(f"{count} programs, {dict(outcomes)}, {len(found)} distinct findings", flush=True)
    finally:
        worker.stop()

    print(f"\n{count} programs in {options.minutes:g} minutes (seed {seed}): {dict(by_kind)}")
    print(f"outcomes: {dict(outcomes)}")
    print(f"{len(found)} distinct findings")
    for key, (finding, source, times) in sorted(found.items()):
        print(f"\n=== {key} ({times} times)")
        print(describe(finding, source))
    for source in hung[1:]:  # the shortest is printed with its group above
        print(f"\n=== hang (another short program the worker was killed for)\n{source}")
    for source in slow:
        print(f"\n=== timeout (the shortest programs that ran out of time)\n{source}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
