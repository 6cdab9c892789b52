"""`tensorsh doctest FILE`: run a notebook's code cells and compare what tensorsh shows with what
the document shows; report each cell's verdict (`verdicts`) and a summary line of counts.

Random numbers drawn without a seed make an output that no second run repeats, nor the
document's. So when a cell differs after any generator was touched, the cells are run
again, from a fresh session and fresh seeds, up to the last such cell: a cell whose output
changes is `random`, one that shows the same again differs for real. Two runs of an output
that hangs on a coin flip may agree by chance, so a third settles what the second leaves.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

import click

from tensorsh.notebooks.cells import Cell, Shown
from tensorsh.notebooks.verdicts import (
    DIFFER,
    ERROR,
    MATCH,
    PLATFORM,
    RANDOM,
    SKIPPED,
    STATUSES,
    Verdict,
    judge,
)

EXIT_OK, EXIT_DIFFER, EXIT_USAGE = 0, 1, 2
RERUNS = 2
_COLOURS = {MATCH: "green", DIFFER: "red", RANDOM: "yellow", ERROR: "green", PLATFORM: "yellow", SKIPPED: "blue"}
_UPDATED = (DIFFER, RANDOM, PLATFORM)


def _rewritten(verdict: Verdict) -> bool:
    """Whether --update writes the cell's outputs: it does not show the document's, or the document
    never ran it (a notebook saved without outputs gets them all)."""
    return verdict.status in _UPDATED or (verdict.status == SKIPPED and not verdict.cell.executed)


def load(path: str):
    """The document at `path`: a notebook (.ipynb), or else an nbconvert Markdown export."""
    from tensorsh.notebooks.ipynb import NotebookDocument
    from tensorsh.notebooks.markdown import MarkdownDocument

    with open(path, encoding="utf-8-sig") as file:
        text = file.read()
    return NotebookDocument(text) if path.endswith(".ipynb") else MarkdownDocument(text)


def check(cells: list[Cell], files_allowed: bool = True) -> tuple[list[Verdict], list[Shown]]:
    """Run the cells; each one's verdict, and what it showed."""
    from tensorsh.notebooks.running import Runner, random_state, reseed

    reseed()  # a new kernel's generators, even when this process ran another document first
    runner, start = Runner(files_allowed), random_state()
    runs, touched = [], []
    for cell in cells:
        runs.append(runner.run(cell))
        touched.append(bool(touched and touched[-1]) or random_state() != start)
    verdicts = [judge(cell, ran) for cell, ran in zip(cells, runs)]
    suspects = [i for i, verdict in enumerate(verdicts) if verdict.status == DIFFER and touched[i]]
    for _ in range(RERUNS):
        if not suspects:
            break
        reseed()
        again = Runner(files_allowed)
        reruns = [again.run(cell) for cell in cells[:suspects[-1] + 1]]
        for i in [i for i in suspects if reruns[i].shown != runs[i].shown]:
            verdicts[i].status = RANDOM
            verdicts[i].reason = "its output changes from run to run: it hangs on random numbers drawn without a seed"
        suspects = [i for i in suspects if verdicts[i].status == DIFFER]
    _note_earlier_failures(verdicts, runs)
    return verdicts, [ran.shown for ran in runs]


def _note_earlier_failures(verdicts: list[Verdict], runs) -> None:
    """Give a cell whose output differs (without an error of its own) the last cell before it that
    raised an error the document does not show: what that cell failed to define or draw (a
    model's initial weights) is often why this one differs."""
    failed = None
    for verdict, ran in zip(verdicts, runs):
        if verdict.status != DIFFER:
            continue
        if ran.shown.error is not None and verdict.cell.shown.error is None:
            failed = verdict.cell.number
        elif failed is not None and not verdict.reason:
            verdict.reason = f"after cell {failed}, which raised an error the document does not show"


def summary(verdicts: list[Verdict]) -> dict[str, int]:
    return {status: sum(verdict.status == status for verdict in verdicts) for status in STATUSES}


def summary_line(counts: dict[str, int]) -> str:
    """`12 match, 0 differ, 2 random, 1 error`, then platform and skipped when there are any."""
    parts = [f"{counts[status]} {status}" for status in (MATCH, DIFFER, RANDOM, ERROR)]
    parts += [f"{counts[status]} {status}" for status in (PLATFORM, SKIPPED) if counts[status]]
    return ", ".join(parts)


def _where(path: str, verdict: Verdict, markdown: bool) -> str:
    line = f":{verdict.cell.line}" if markdown else ""
    return f"{path}{line}: cell {verdict.cell.number}"


def report_plain(path: str, verdicts: list[Verdict], markdown: bool, color: bool) -> None:
    for verdict in verdicts:
        status = click.style(verdict.status, fg=_COLOURS[verdict.status], bold=verdict.status == DIFFER or None)
        reason = f": {verdict.reason}" if verdict.reason else ""
        click.echo(f"{_where(path, verdict, markdown)}: {status}{reason}", color=color)
        if verdict.status == DIFFER:
            for line in verdict.diff().splitlines():
                click.echo("    " + _styled_diff_line(line), color=color)
    click.echo(summary_line(summary(verdicts)))


def _styled_diff_line(line: str) -> str:
    if line.startswith(("---", "+++")):
        return click.style(line, bold=True)
    if line.startswith("@@"):
        return click.style(line, fg="cyan")
    return click.style(line, fg="red" if line.startswith("-") else "green" if line.startswith("+") else None)


def report_json(path: str, verdicts: list[Verdict], markdown: bool, updated: int | None) -> None:
    for verdict in verdicts:
        record = {"type": "cell", "file": path, "cell": verdict.cell.number, "status": verdict.status,
                  "reason": verdict.reason}
        if markdown:
            record["line"] = verdict.cell.line
        if verdict.status in (DIFFER, RANDOM, PLATFORM):
            record.update(expected=verdict.expected, actual=verdict.actual, diff=verdict.diff())
        if verdict.stderr:
            record["stderr"] = verdict.stderr
        click.echo(json.dumps(record, ensure_ascii=False))
    record = {"type": "summary", "file": path, **summary(verdicts)}
    if updated is not None:
        record["updated"] = updated
    click.echo(json.dumps(record))


def write_safely(path: str, text: str) -> None:
    """Replace the file by a whole new one: written beside it, then renamed over it."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".doctest-", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
               help="""Run the code cells of a Jupyter notebook (FILE.ipynb) or of its nbconvert Markdown
export (FILE.md: ```python blocks, each followed by its indented output) in one tensorsh session,
and compare what each cell shows with what the document shows.

As in Jupyter, a cell shows what it prints and the value of its last statement if that is an
expression not ended by ';' (laid out as IPython's pretty printer lays it out). A notebook's
printed text, displayed value and error are compared each with its own; a Markdown export's with
the whole indented text, blank lines collapsed. Warnings (stderr) are not compared.

\b
Each cell's verdict:
  match     it shows what the document shows
  differ    it does not: a diff follows (document -, tensorsh +)
  random    its output hangs on random numbers drawn without a seed: it changes
            from run to run (found by running the cells again); not a failure
  error     it raises the error the document shows (same kind and message)
  platform  it differs because of the machine the document was recorded on: NumPy's
            int32 default integer (Windows, NumPy < 2), or a GPU (a cuda or mps
            device in its output, or a cell asking whether there is one); not a failure
  skipped   IPython's own syntax (%magic, !shell, pip install), or never run

\b
The report ends with a line of counts (platform, skipped: if any):
  12 match, 0 differ, 2 random, 1 error

Exit status: 0 when no cell differs (with --update: once the file is written), 1 when one
does, 2 when FILE cannot be read or written.""")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--update", is_flag=True,
              help="Write tensorsh's outputs into FILE for every cell that differs, is random or platform, "
                   "or was never run (other cells keep theirs); the file is replaced whole, never "
                   "half-written.")
@click.option("--format", "fmt", type=click.Choice(["plain", "json"]), default="plain", show_default=True,
              help="plain: one line per cell and a diff where it differs; json: one JSON object per "
                   "cell, then one with the counts (\"type\": \"summary\").")
@click.option("--no-files", is_flag=True, help="Turn off save() and load() in the cells.")
@click.option("--no-color", is_flag=True, help="No colour in the report.")
def command(file: str, update: bool, fmt: str, no_files: bool, no_color: bool) -> int:
    try:
        document = load(file)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        sys.stderr.write(f"tensorsh doctest: can't read '{file}': {exc}\n")
        return EXIT_USAGE
    from tensorsh.engine import limits
    from tensorsh.notebooks.markdown import MarkdownDocument

    limits.limit_process_memory()
    verdicts, shown = check(document.cells, files_allowed=not no_files)
    markdown = isinstance(document, MarkdownDocument)
    updated = None
    if update:
        changed = {verdict.cell.number: shown[i] for i, verdict in enumerate(verdicts) if _rewritten(verdict)}
        if changed:
            try:
                write_safely(file, document.updated(changed))
            except OSError as exc:
                sys.stderr.write(f"tensorsh doctest: can't write '{file}': {exc}\n")
                return EXIT_USAGE
        updated = len(changed)
    if fmt == "json":
        report_json(file, verdicts, markdown, updated)
    else:
        color = not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()
        report_plain(file, verdicts, markdown, color)
        if updated:
            click.echo(f"updated {updated} cell{'s' if updated != 1 else ''} in {file}")
    if update:
        return EXIT_OK
    return EXIT_DIFFER if any(verdict.status == DIFFER for verdict in verdicts) else EXIT_OK
