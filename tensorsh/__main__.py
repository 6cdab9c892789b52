"""`python -m tensorsh`: the same as the `tensorsh` command."""

from tensorsh.cli import main

main(prog_name="tensorsh")
