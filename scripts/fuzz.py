"""The long fuzz run: random programs through tensorsh for N minutes, every distinct crash listed.

    .venv/bin/python scripts/fuzz.py --minutes 10 [--seed 1] [--cli-every 200]

Programs come from tests/reliability/programs.py (random text, token soup, mutations of the
golden cases and examples, valid programs built from the op registry with random shapes
and dtypes, and valid programs from the grammar: functions, closures, lambdas, classes,
while loops, try/except, comprehensions, generator expressions, f-strings) and run
in-process through Session.run under a small memory limit and a time budget each
(`--generator grammar` runs one generator only); every `--cli-every`th one also runs through the `tensorsh` command, which must
exit 0, 1 or 2 without a Python traceback. A finding is anything else: an exception that
is not a TensorshError, an internal error, a diagnostic without a span. Findings are grouped
by kind and place; the shortest program of each group is printed at the end. Exit status 1
if anything was found.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.reliability.harness import Finding, describe, fuzz_limits, run_program  # noqa: E402
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--cli-every", type=int, default=200, help="also run every Nth program through the CLI")
    parser.add_argument("--seconds-per-program", type=float, default=2.0)
    parser.add_argument("--generator", choices=sorted(GENERATORS), default=None,
                        help="run programs of this generator only (default: all, mixed)")
    options = parser.parse_args()

    seed = options.seed if options.seed is not None else random.randrange(2 ** 32)
    print(f"fuzzing for {options.minutes:g} minutes, seed {seed}", flush=True)
    outcomes: collections.Counter = collections.Counter()
    by_kind: collections.Counter = collections.Counter()
    found: dict[str, tuple[Finding, str, int]] = {}
    slow: list[str] = []  # programs that ran out of time: loops they asked for, or a hang to look at
    deadline = time.monotonic() + options.minutes * 60
    next_report = time.monotonic() + 60
    count = 0
    os.chdir(tempfile.mkdtemp(prefix="tensorsh-fuzz-"))  # save() of fuzzed programs lands here
    interrupted = []  # set by a real Ctrl-C, as opposed to a program's own `raise KeyboardInterrupt`
    default_handler = signal.getsignal(signal.SIGINT)

    def on_sigint(signum, frame):
        interrupted.append(True)
        default_handler(signum, frame)

    signal.signal(signal.SIGINT, on_sigint)
    with fuzz_limits():
        while time.monotonic() < deadline:
            rng = random.Random(f"{seed}-{count}")
            if options.generator:
                kind, source = options.generator, GENERATORS[options.generator](rng)
            else:
                kind, source = any_program(rng)
            count += 1
            by_kind[kind] += 1
            try:
                result = run_program(source, options.seconds_per_program)
            except KeyboardInterrupt:
                if interrupted:
                    raise
                result = "interrupt"  # the program raised KeyboardInterrupt: it ends a run, by design
            if isinstance(result, Finding) and result.signature.startswith("ExitRequest"):
                result = "exit"  # exit()/quit(): the program asked to end, by design
            if isinstance(result, Finding):
                outcomes["finding"] += 1
            else:
                outcomes[result] += 1
                if result == "timeout":
                    slow = sorted([*slow, source], key=len)[:5]
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

    print(f"\n{count} programs in {options.minutes:g} minutes (seed {seed}): {dict(by_kind)}")
    print(f"outcomes: {dict(outcomes)}")
    print(f"{len(found)} distinct findings")
    for key, (finding, source, times) in sorted(found.items()):
        print(f"\n=== {key} ({times} times)")
        print(describe(finding, source))
    for source in slow:
        print(f"\n=== timeout (the shortest programs that ran out of time)\n{source}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
