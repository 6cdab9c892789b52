"""The `tensorsh` command line on click: its options, its usage errors and shell completion.

What each mode does is `tensorsh.cli`'s; this module only reads the command line, and is
imported only when there is one to read: `tensorsh` alone on a terminal opens the REPL
without it (see `cli.main`).
"""

from __future__ import annotations

import importlib
import os

import click

from tensorsh import __version__, cli

# setrlimit, which the memory cap ends in, takes no more than this; nor can a 64-bit process address it.
LARGEST_MEMORY = 2 ** 63 - 1


class MemorySize(click.ParamType):
    """--max-memory: bytes, or a size with a unit (512M, 2G); more than a machine can address is refused."""

    name = "size"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        from tensorsh.engine.limits import parse_size

        try:
            nbytes = parse_size(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        except OverflowError:  # a number too long for a float ('9' * 400)
            nbytes = LARGEST_MEMORY + 1
        if nbytes > LARGEST_MEMORY:
            self.fail(f"{value!r} is more memory than a 64-bit machine can address", param, ctx)
        return nbytes


def _complete_programs(ctx, param, incomplete: str):
    """Shell completion of FILE: the `.tsh` files beside what is typed, and the shell's own directories."""
    from click.shell_completion import CompletionItem

    folder = os.path.dirname(incomplete)
    stem = os.path.basename(incomplete)
    try:
        entries = sorted(os.scandir(folder or "."), key=lambda entry: entry.name)
    except OSError:
        entries = []
    programs = [os.path.join(folder, entry.name) for entry in entries
                if entry.name.startswith(stem) and entry.name.endswith(".tsh") and entry.is_file()
                and (stem.startswith(".") or not entry.name.startswith("."))]
    # The "dir" item first: bash's completion script clears what came before it.
    return [CompletionItem(incomplete, type="dir")] + [CompletionItem(path) for path in programs]


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
               help="Run a tensorsh program (PyTorch-style tensor code) from FILE ('-' for standard "
                    "input), -c CODE or standard input; with none of them on a terminal, open the "
                    "interactive REPL.")
@click.argument("file", required=False, shell_complete=_complete_programs)
@click.option("-c", "code", metavar="CODE", help="Run CODE as a program.")
@click.option("--format", "fmt", type=click.Choice(["plain", "rich", "json"]),
              help="How values are shown: plain reprs (default when stdout is not a terminal), rich (a "
                   "shape/dtype/device header above each tensor), or one JSON object per value.")
@click.option("--seed", type=int, help="Seed the random generators (torch and np.random) first.")
@click.option("--no-color", is_flag=True, help="No colour in output or errors.")
@click.option("--no-files", is_flag=True, help="Turn off save() and load().")
@click.option("--max-memory", type=MemorySize(), metavar="SIZE",
              help="The most memory a tensor, and the program as a whole, may use: bytes, or 512M, 2G "
                   "(default: half of the machine's memory).")
@click.option("--backend", type=click.Choice(["numpy", "torch"]), default="numpy", show_default=True,
              help="The engine: tensorsh's own on NumPy, or the installed PyTorch (pip install 'tensorsh[torch]').")
@click.option("--compare", is_flag=True,
              help="Run the program on both engines, statement by statement, and show the first statement whose "
                   "output or error differs.")
@click.option("--debug", is_flag=True, help="Show the Python traceback behind an error.")
@click.option("-i", "interactive", is_flag=True, help="Open the REPL after running the program, with its variables.")
@click.option("--vi", is_flag=True, help="Vi editing keys in the REPL (Emacs keys otherwise).")
@click.version_option(__version__, "--version", message="%(prog)s, version %(version)s")
@click.pass_context
def command(ctx, file, code, fmt, seed, no_color, no_files, max_memory, backend, compare, debug, interactive,
            vi) -> None:
    if code is not None and file is not None:
        raise click.UsageError("give either -c CODE or a FILE, not both")
    if compare and (interactive or backend != "numpy"):
        raise click.UsageError("--compare runs a program on both engines: it takes neither -i nor --backend")
    ctx.exit(cli.execute(file, code, fmt, seed, no_color, not no_files, max_memory, debug, interactive, vi,
                         backend, compare))


# Tools beside running a program, each a click command of its own module, imported only when named:
# `tensorsh doctest NOTEBOOK`. A program file of one of these names runs as `tensorsh ./doctest`.
SUBCOMMANDS = {
    "doctest": "tensorsh.notebooks.doctest",
    "kernel": "tensorsh.kernel.install",
}


def subcommand(name: str) -> click.Command | None:
    """The click command `tensorsh NAME ...` runs, or None when NAME is not a subcommand (a program file)."""
    module = SUBCOMMANDS.get(name)
    return None if module is None else importlib.import_module(module).command
