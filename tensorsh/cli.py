"""The `tensorsh` command: run a program from a file, from -c, or from standard input.

Exit status: 0 when the program ran, 1 when it stopped at an error, 2 for a usage or
syntax error (nothing ran). What the program printed before an error stays on stdout;
the error goes to stderr. The interactive path (REPL, rich) is imported only when used.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

from tensorsh import __version__

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


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


def _start_repl(session, fmt: str | None, color: bool, vi: bool, debug: bool) -> int:
    """The interactive REPL, on `session` (its variables stay in scope). Imported only here."""
    from tensorsh.engine import limits
    from tensorsh.repl.app import run_repl

    limits.limit_process_memory()  # as for a program: memory no tensor check foresaw stays bounded
    return run_repl(session, vi=vi, fmt=fmt or "rich", color=color, debug=debug)


def _read_program(file: str | None, code: str | None) -> tuple[str, str] | None:
    """The program's text and file name, or None when there is none (a terminal, no arguments)."""
    from tensorsh.lang.evaluator import MAX_SOURCE_CHARACTERS

    # One character more than a program may have is enough for the session to refuse it: a
    # program piped from a stream without end (`yes | tensorsh`) is never read whole.
    most = MAX_SOURCE_CHARACTERS + 1
    if code is not None:
        return code, "<string>"
    if file == "-" or (file is None and not sys.stdin.isatty()):
        return sys.stdin.read(most), "<stdin>"
    if file is None:
        return None
    try:
        with open(file, encoding="utf-8-sig") as f:  # a BOM from a Windows editor is not code
            return f.read(most), file
    except (OSError, UnicodeDecodeError) as exc:
        sys.stderr.write(f"tensorsh: can't open file '{file}': {exc}\n")
        sys.exit(EXIT_USAGE)


def _seed(seed: int) -> None:
    """Seed the engine's generator and NumPy's global one, so `np.random` cells repeat too."""
    import numpy

    from tensorsh import engine

    engine.manual_seed(seed)
    numpy.random.seed(seed)


def _session(files: bool, fmt: str, seed: int | None):
    from tensorsh.lang.session import Session

    session = Session(files_allowed=files, write=_print_writer(fmt))
    if seed is not None:
        _seed(seed)
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


def _use_color(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stderr.isatty()


def _memory_size(value: str) -> int:
    from tensorsh.engine.limits import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _help_formatter(prog: str) -> argparse.HelpFormatter:
    # argparse's own default asks shutil for the width, and importing shutil costs more
    # start-up time than all of argparse: ask the terminal directly.
    try:
        width = os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        width = 80
    return argparse.HelpFormatter(prog, width=width - 2)


def _parser(prog: str) -> argparse.ArgumentParser:
    # argparse rather than click: click (with the `inspect` it imports) cost a sixth of the start-up.
    parser = argparse.ArgumentParser(
        prog=prog, allow_abbrev=False, formatter_class=_help_formatter,
        description="Run a tensorsh program (PyTorch-style tensor code) from FILE, -c CODE or standard "
                    "input; with none of them on a terminal, open the interactive REPL.")
    parser.add_argument("file", nargs="?", metavar="FILE", help="The program to run ('-' for standard input).")
    parser.add_argument("-c", dest="code", metavar="CODE", help="Run CODE as a program.")
    parser.add_argument("--format", dest="fmt", choices=["plain", "rich", "json"],
                        help="How values are shown: plain reprs (default when stdout is not a terminal), "
                             "rich (a shape/dtype/device header above each tensor), or one JSON object "
                             "per value.")
    parser.add_argument("--seed", type=int, help="Seed the random generators (torch and np.random) first.")
    parser.add_argument("--no-color", action="store_true", help="No colour in output or errors.")
    parser.add_argument("--no-files", action="store_true", help="Turn off save() and load().")
    parser.add_argument("--max-memory", type=_memory_size, metavar="SIZE",
                        help="The most memory a tensor, and the program as a whole, may use: bytes, or "
                             "512M, 2G (default: half of the machine's memory).")
    parser.add_argument("--debug", action="store_true", help="Show the Python traceback behind an error.")
    parser.add_argument("-i", dest="interactive", action="store_true",
                        help="Open the REPL after running the program, with its variables.")
    parser.add_argument("--vi", action="store_true", help="Vi editing keys in the REPL (Emacs keys otherwise).")
    parser.add_argument("--version", action="version", version=f"{prog}, version {__version__}")
    return parser


def main(argv: list[str] | None = None, prog_name: str = "tensorsh") -> None:
    """The command's entry point: parse `argv` (sys.argv by default), run, and exit with the status."""
    parser = _parser(prog_name)
    args = parser.parse_args(argv)
    if args.code is not None and args.file is not None:
        parser.error("give either -c CODE or a FILE, not both")
    status = _execute(args)
    work = sys.modules.get("tensorsh.engine.work")  # loaded only if a program ran
    if work is not None and work.abandoned_work():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


def _execute(args: argparse.Namespace) -> int:
    """Run what the arguments ask for; the exit status."""
    file, code, fmt, no_color, debug, vi = args.file, args.code, args.fmt, args.no_color, args.debug, args.vi
    try:
        program = _read_program(file, code)
        if args.max_memory is not None:
            from tensorsh.engine.limits import set_max_memory

            set_max_memory(args.max_memory)
        if program is None:
            return _start_repl(_session(not args.no_files, "plain", args.seed), fmt, _use_color(no_color), vi,
                               debug)
        source, filename = program
        run_fmt = fmt or ("rich" if sys.stdout.isatty() else "plain")
        session = _session(not args.no_files, run_fmt, args.seed)
        status = _run(session, source, filename, run_fmt, _use_color(no_color), no_color, debug)
        sys.stdout.flush()
        if args.interactive:
            return _start_repl(session, fmt, _use_color(no_color), vi, debug)
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
