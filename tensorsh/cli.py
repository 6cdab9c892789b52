"""The `tensorsh` command: run a program from a file, from -c, or from standard input; or open the REPL.

Exit status: 0 when the program ran, 1 when it stopped at an error, 2 for a usage or
syntax error (nothing ran). What the program printed before an error stays on stdout;
the error goes to stderr. The interactive path (REPL, rich) is imported only when used,
and the REPL imports the engine itself, behind its prompt (`tensorsh.repl.loading`).
"""

from __future__ import annotations

import gc
import os
import sys

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
COMPLETE_VARIABLE = "_TENSORSH_COMPLETE"  # click's shell completion asks through it (`tensorsh.command`)


def _display(fmt: str, no_color: bool):
    """The function that shows one value, for the chosen output format."""
    if fmt == "json":
        import json

        from tensorsh.lang.describe import to_json

        return lambda value: _write(json.dumps(to_json(value)) + "\n")
    if fmt == "rich":
        from rich.console import Console
        from rich.text import Text

        from tensorsh.lang.describe import summary

        console = Console(file=sys.stdout, no_color=no_color, highlight=False, soft_wrap=True)

        def show(value):
            header = summary(value)
            if header is not None:
                console.print(Text(header, style="dim"))
            console.print(Text(repr(value)))

        return show
    return lambda value: _write(repr(value) + "\n")


def _write(text: str) -> None:
    sys.stdout.write(text)


def _print_writer(fmt: str):
    """Where print() in a program writes: plain text, or one JSON object per call under --format json."""
    if fmt == "json":
        import json

        return lambda text: _write(json.dumps({"type": "print", "text": text}) + "\n")
    return _write


def _start_repl(load, fmt: str | None, color: bool, vi: bool, debug: bool) -> int:
    """The interactive REPL on the session `load()` returns, which it calls behind its prompt."""
    from tensorsh.repl.app import run_repl

    return run_repl(vi=vi, fmt=fmt or "rich", color=color, debug=debug, load=lambda: _capped(load()))


def _capped(session):
    """The session, once the process's memory is capped: as for a program, memory no tensor check
    foresaw stays bounded. Called when everything the REPL needs is imported (see limits)."""
    from tensorsh.engine import limits

    limits.limit_process_memory()
    return session


def _is_terminal() -> bool:
    """True when both ends are a terminal: the REPL draws on stdout and reads stdin."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _read_program(file: str | None, code: str | None) -> tuple[str, str] | None:
    """The program's text and file name, or None when there is none (a terminal, no arguments)."""
    if code is not None:
        return code, "<string>"
    if file is None and _is_terminal():
        return None
    from tensorsh.lang.evaluator import MAX_SOURCE_CHARACTERS

    # One character more than a program may have is enough for the session to refuse it: a
    # program piped from a stream without end (`yes | tensorsh`) is never read whole.
    most = MAX_SOURCE_CHARACTERS + 1
    if file == "-" or file is None:
        if file is None and sys.stdin.isatty() and sys.stderr.isatty():
            # `tensorsh | less`: a REPL would draw its prompt into the pipe; the program comes from the keyboard.
            sys.stderr.write("tensorsh: standard output is not a terminal: type a program, then Ctrl-D to "
                             "run it\n")
        return sys.stdin.read(most), "<stdin>"
    try:
        with open(file, encoding="utf-8-sig") as f:  # a BOM from a Windows editor is not code
            return f.read(most), file
    except (OSError, UnicodeDecodeError) as exc:
        sys.stderr.write(f"tensorsh: can't open file '{file}': {exc}\n")
        sys.exit(EXIT_USAGE)


def _seed(session, seed: int) -> None:
    """Seed the engine's generator (PyTorch's, under --backend torch) and NumPy's global one, so
    `np.random` cells repeat too."""
    import numpy

    session.builtins["manual_seed"](seed)
    numpy.random.seed(seed)


TORCH_MISSING = "tensorsh: --backend torch runs on PyTorch, which is not installed: pip install 'tensorsh[torch]'\n"


def _backend_missing(backend: str) -> bool:
    """Whether the backend asked for is not installed (said on stderr): checked before a prompt or a
    program, neither of which could run without it. Nothing is imported to find out."""
    import importlib.util

    if backend == "numpy":
        return False
    try:
        if importlib.util.find_spec("torch") is not None:
            return False
    except ImportError:  # a finder that refuses it: not installed either
        pass
    sys.stderr.write(TORCH_MISSING)
    return True


def _session(files: bool, fmt: str, seed: int | None, backend: str):
    from tensorsh.lang.scope import BackendUnavailable
    from tensorsh.lang.session import Session

    try:
        session = Session(files_allowed=files, write=_print_writer(fmt), backend=backend)
    except BackendUnavailable as exc:  # installed, but it does not import
        sys.stderr.write(f"tensorsh: {exc}\n")
        sys.exit(EXIT_USAGE)
    if seed is not None:
        _seed(session, seed)
    return session


def _run(session, source: str, filename: str, fmt: str, color: bool, no_color: bool, debug: bool) -> int:
    from tensorsh.engine import limits
    from tensorsh.lang.errors import TensorshError, render
    from tensorsh.lang.exits import ExitRequest

    display = _display(fmt, no_color)
    # Everything is imported now: what the process uses from here on is the program's.
    limits.limit_process_memory()
    # Nor will any of it become garbage: the collector need not walk it again while the program runs.
    gc.freeze()
    try:
        session.run(source, filename, display)
    except TensorshError as error:
        sys.stdout.flush()
        if debug and error.__cause__ is not None:
            import traceback

            traceback.print_exception(error.__cause__, file=sys.stderr)
        sys.stderr.write(render(error, color=color))
        return error.exit_code
    except ExitRequest as request:  # exit() / quit(): the program's own status
        return request.status
    return EXIT_OK


def _compare(source: str, filename: str, files: bool, seed: int | None, color: bool) -> int:
    """--compare: the program on both engines; the output they agree on, then the first difference."""
    from tensorsh.engine import limits
    from tensorsh.lang.compare import Comparer, report
    from tensorsh.lang.errors import TensorshError, render
    from tensorsh.lang.scope import BackendUnavailable

    try:
        comparer = Comparer(0 if seed is None else seed, files)
    except BackendUnavailable as exc:
        sys.stderr.write(f"tensorsh: {exc}\n")
        return EXIT_USAGE
    limits.limit_process_memory()
    try:
        result = comparer.run(source, filename, echo=_write)
    except TensorshError as error:  # outside the language: nothing ran on either engine
        sys.stderr.write(render(error, color=color))
        return error.exit_code
    if result.difference is not None:
        sys.stdout.flush()
        sys.stdout.write(report(result.difference, filename))
        return EXIT_ERROR
    if result.ending is not None:  # the same error, or exit(), on both
        if result.ending.ending.startswith("error"):
            sys.stderr.write(result.ending.ending)
        sys.stderr.write(f"tensorsh --compare: numpy and torch agree on the {result.statements} statements that ran\n")
        return result.ending.status
    sys.stderr.write(f"tensorsh --compare: numpy and torch agree on all {result.statements} statements\n")
    return EXIT_OK


def _use_color(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stderr.isatty()


def main(argv: list[str] | None = None, prog_name: str = "tensorsh") -> None:
    """The command's entry point: parse `argv` (sys.argv by default), run, and exit with the status.

    Shell completion answers here too, when $_TENSORSH_COMPLETE asks (click's protocol)."""
    args = sys.argv[1:] if argv is None else argv
    if not args and COMPLETE_VARIABLE not in os.environ and _is_terminal():
        # `tensorsh` alone on a terminal: nothing to parse, so the prompt does not wait for click.
        status = execute(file=None, code=None, fmt=None, seed=None, no_color=False, files=True, max_memory=None,
                         debug=False, interactive=False, vi=False, backend="numpy", compare=False)
    else:
        status = _parse_and_execute(argv, prog_name)
    work = sys.modules.get("tensorsh.engine.work")  # loaded only if a program ran
    if work is not None and work.abandoned_work():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


def _parse_and_execute(argv: list[str] | None, prog_name: str) -> int:
    import click

    from tensorsh.command import command, subcommand

    args = sys.argv[1:] if argv is None else argv
    found = subcommand(args[0]) if args else None
    if found is not None:
        command, args, prog_name = found, args[1:], f"{prog_name} {args[0]}"
    try:
        # Not click's standalone mode: it would turn Ctrl-C into "Aborted!" and exit status 1.
        status = command.main(args=args, prog_name=prog_name, complete_var=COMPLETE_VARIABLE, standalone_mode=False)
        return EXIT_OK if status is None else status
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:  # Ctrl-C before the program started
        sys.stderr.write("interrupted\n")
        return 130


def execute(file, code, fmt, seed, no_color, files, max_memory, debug, interactive, vi, backend, compare) -> int:
    """Run what the command line asks for (its options, as `tensorsh.command` reads them); the exit status."""
    color = _use_color(no_color)
    if _backend_missing("torch" if compare else backend):
        return EXIT_USAGE
    try:
        program = _read_program(file, code)
        if max_memory is not None:
            from tensorsh.engine.limits import set_max_memory

            set_max_memory(max_memory)
        if program is None:
            if compare:
                sys.stderr.write("tensorsh: --compare runs a program: give a FILE, -c CODE or standard input\n")
                return EXIT_USAGE
            return _start_repl(lambda: _session(files, "plain", seed, backend), fmt, color, vi, debug)
        source, filename = program
        if compare:
            return _compare(source, filename, files, seed, color)
        run_fmt = fmt or ("rich" if sys.stdout.isatty() else "plain")
        session = _session(files, run_fmt, seed, backend)
        status = _run(session, source, filename, run_fmt, color, no_color, debug)
        sys.stdout.flush()
        if interactive:
            return _start_repl(lambda: session, fmt, color, vi, debug)
    except BrokenPipeError:
        # The reader went away (`tensorsh f.tsh | head`): stop quietly, as Python's docs advise.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:
        try:
            sys.stdout.flush()
        except (BrokenPipeError, KeyboardInterrupt):
            pass
        sys.stderr.write("interrupted\n")
        return 130
    return status
