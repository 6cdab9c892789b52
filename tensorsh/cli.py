"""The `tensorsh` command. Until the language lands it only reports its version."""

import click

from tensorsh import __version__


@click.command()
@click.version_option(__version__, prog_name="tensorsh")
def main() -> None:
    click.echo(f"tensorsh {__version__}")
