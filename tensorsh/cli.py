"""The `tensorsh` command: run a program from a file, from -c, or from standard input.

Exit status: 0 when the program ran, 1 when it stopped at an error, 2 for a usage or
syntax error (nothing ran). What the program printed before an error stays on stdout;
the error goes to stderr. The interactive path (REPL, rich) is imported only when used.
"""

from __future__ import annotations

import os
import sys

import click

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
    if code is not None:
        if file is not None:
            raise click.UsageError("give either -c CODE or a FILE, not both")
        return code, "<string>"
    if file == "-" or (file is None and not sys.stdin.isatty()):
        return sys.stdin.read(), "<stdin>"
    if file is None:
        return None
    try:
        with open(file, encoding="utf-8-sig") as f:  # a BOM from a Windows editor is not code
            return f.read(), file
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"tensorsh: can't open file '{file}': {exc}", err=True)
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

    display = _display(fmt, no_color)
    # Everything is imported now: what the process uses from here on is the program's.
    limits.limit_process_memory()
    try:
        session.run(source, filename, display)
    except TensorshError as error:
        sys.stdout.flush()
        if debug and error.__cause__ is not None:
            import traceback

            traceback.print_exception(error.__cause__, file=sys.stderr)
        sys.stderr.write(render(error, color=color))
        return error.exit_code
    return EXIT_OK


def _use_color(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stderr.isatty()


def _memory_option(ctx, param, value):
    if value is None:
        return None
    from tensorsh.engine.limits import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("file", required=False)
@click.option("-c", "code", metavar="CODE", help="Run CODE as a program.")
@click.option("--format", "fmt", type=click.Choice(["plain", "rich", "json"]),
              help="How values are shown: plain reprs (default when stdout is not a terminal), "
                   "rich (a shape/dtype/device header above each tensor), or one JSON object per value.")
@click.option("--seed", type=int, help="Seed the random generators (torch and np.random) first.")
@click.option("--no-color", is_flag=True, help="No colour in output or errors.")
@click.option("--no-files", is_flag=True, help="Turn off save() and load().")
@click.option("--max-memory", "max_memory", metavar="SIZE", callback=_memory_option,
              help="The most memory a tensor, and the program as a whole, may use: bytes, or 512M, 2G "
                   "(default: half of the machine's memory).")
@click.option("--debug", is_flag=True, help="Show the Python traceback behind an error.")
@click.option("-i", "interactive", is_flag=True, help="Open the REPL after running the program, with its variables.")
@click.option("--vi", is_flag=True, help="Vi editing keys in the REPL (Emacs keys otherwise).")
@click.version_option(__version__, "--version", prog_name="tensorsh")
def main(file, code, fmt, seed, no_color, no_files, max_memory, debug, interactive, vi) -> None:
    """Run a tensorsh program (PyTorch-style tensor code) from FILE, -c CODE or standard input;
    with none of them on a terminal, open the interactive REPL."""
    try:
        program = _read_program(file, code)
        if max_memory is not None:
            from tensorsh.engine.limits import set_max_memory

            set_max_memory(max_memory)
        if program is None:
            sys.exit(_start_repl(_session(not no_files, "plain", seed), fmt, _use_color(no_color), vi, debug))
        source, filename = program
        run_fmt = fmt or ("rich" if sys.stdout.isatty() else "plain")
        session = _session(not no_files, run_fmt, seed)
        status = _run(session, source, filename, run_fmt, _use_color(no_color), no_color, debug)
        sys.stdout.flush()
        if interactive:
            sys.exit(_start_repl(session, fmt, _use_color(no_color), vi, debug))
    except BrokenPipeError:
        # The reader went away (`tensorsh f.tsh | head`): stop quietly, as Python's docs advise.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        try:
            sys.stdout.flush()
        except (BrokenPipeError, KeyboardInterrupt):
            pass
        click.echo("interrupted", err=True)
        sys.exit(130)
    sys.exit(status)
