"""`tensorsh kernel install` and `tensorsh kernel remove`: the kernelspec that lets Jupyter start tensorsh.

The kernelspec starts this Python with `-m tensorsh.kernel`, so the kernel runs in the
environment tensorsh was installed in, whichever Jupyter starts it. It goes to the user's
Jupyter folder unless told otherwise (--sys-prefix, --prefix), like `ipykernel install --user`:
no administrator rights needed, and every Jupyter of the user's finds it.
Jupyter is an optional extra: without it, install says how to get it.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile

import click

EXIT_MISSING = 1
INSTALL_HINT = "pip install 'tensorsh[jupyter]'"
NEEDED = ("ipykernel", "jupyter_client")


def kernelspec(display_name: str) -> dict:
    """kernel.json: how Jupyter starts the kernel, and how it lists it."""
    return {
        "argv": [sys.executable, "-m", "tensorsh.kernel", "-f", "{connection_file}"],
        "display_name": display_name,
        "language": "python",
        "interrupt_mode": "signal",
        "metadata": {"debugger": False},
    }


def missing(needed: tuple[str, ...] = NEEDED) -> bool:
    """Whether a package of the `jupyter` extra that a command needs cannot be imported; if so, say
    which and how to install the extra."""
    absent = []
    for name in needed:
        try:
            importlib.import_module(name)
        except ImportError:
            absent.append(name)
    if absent:
        click.echo(f"tensorsh kernel: {' and '.join(absent)} {'is' if len(absent) == 1 else 'are'} not "
                   f"installed; the kernel needs the jupyter extra:\n    {INSTALL_HINT}", err=True)
    return bool(absent)


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             help="The tensorsh kernel for Jupyter (needs the extra: " + INSTALL_HINT + ").")
def command() -> None:
    pass


@command.command(help="Install the kernelspec, so Jupyter lists tensorsh as a kernel (for this user by default).")
@click.option("--user", "where", flag_value="user", help="For this user (the default).")
@click.option("--sys-prefix", "where", flag_value="sys-prefix",
              help="In this Python environment (sys.prefix), for a Jupyter installed in it.")
@click.option("--prefix", type=click.Path(file_okay=False), help="Under PREFIX/share/jupyter/kernels.")
@click.option("--name", default="tensorsh", show_default=True, help="The kernel's name, as `jupyter --kernel` takes it.")
@click.option("--display-name", default="tensorsh", show_default=True, help="The name notebooks show.")
def install(where: str | None, prefix: str | None, name: str, display_name: str) -> int:
    if where is not None and prefix is not None:
        raise click.UsageError("give one of --user, --sys-prefix and --prefix")
    if missing():
        return EXIT_MISSING
    from jupyter_client.kernelspec import KernelSpecManager

    if prefix is None and where == "sys-prefix":
        prefix = sys.prefix
    with tempfile.TemporaryDirectory(prefix="tensorsh-kernelspec-") as folder:
        with open(os.path.join(folder, "kernel.json"), "w") as f:
            json.dump(kernelspec(display_name), f, indent=1)
        try:
            path = KernelSpecManager().install_kernel_spec(folder, name, user=prefix is None, prefix=prefix)
        except (OSError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Installed the kernel {name!r} in {path}")
    return 0


@command.command(help="Remove an installed kernelspec.")
@click.option("--name", default="tensorsh", show_default=True, help="The kernel's name.")
def remove(name: str) -> int:
    if missing(("jupyter_client",)):
        return EXIT_MISSING
    from jupyter_client.kernelspec import KernelSpecManager

    try:
        path = KernelSpecManager().remove_kernel_spec(name)
    except KeyError:
        raise click.ClickException(f"no kernel {name!r} is installed where Jupyter looks") from None
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Removed the kernel {name!r} from {path}")
    return 0
