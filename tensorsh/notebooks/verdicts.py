"""A cell's outputs when tensorsh runs it, against the document's: the cell's verdict.

    match    it shows what the document shows
    differ   it does not (with a diff); the only verdict that fails
    random   it does not, because its output hangs on random numbers drawn without a seed
             (the caller finds that out by running the cells again: see `doctest`)
    error    it raises the error the document shows (kind and message)
    platform it differs because of the machine the document was recorded on: NumPy's
             default integer there was int32 (Windows, NumPy before 2), where tensorsh's is
             int64; or the document shows a GPU (cuda, mps), or the cell asks whether there is
             one, where tensorsh computes on the CPU
    skipped  not compared: IPython's own syntax, or a cell the document never ran

A notebook compares each kind of output with its own; a Markdown export mixes printed text
and displayed value, so there tensorsh's outputs are written as nbconvert would write them
and read back, and the two texts are compared with blank lines collapsed (`markdown`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from tensorsh.notebooks import markdown
from tensorsh.notebooks.cells import Cell, Shown
from tensorsh.notebooks.running import Ran

MATCH, DIFFER, RANDOM, ERROR, PLATFORM, SKIPPED = "match", "differ", "random", "error", "platform", "skipped"
STATUSES = (MATCH, DIFFER, RANDOM, ERROR, PLATFORM, SKIPPED)

# What NumPy's int32 default adds to a repr: `dtype=torch.int32` on a tensor made from an array,
# `dtype=int32` on an array that came back; on int64 arrays there it is `dtype=int64` instead.
_PLATFORM_DTYPE = re.compile(r",\s*dtype=(?:torch\.int32|int32|int64)(?=\))")
# What a GPU leaves in a document's output: a tensor's device, or an error naming one.
_GPU = re.compile(r"\b(cuda|mps)(?::\d+)?\b")
# A cell whose output is the answer to "is there a GPU?": on the document's machine there was.
_GPU_QUESTION = re.compile(r"\b(?:cuda|mps)\.(?:is_available|device_count|is_built|get_device_name)\b")


@dataclass
class Verdict:
    cell: Cell
    status: str
    reason: str = ""
    expected: str = ""  # the document's text and tensorsh's, as compared (for the diff)
    actual: str = ""
    stderr: str = ""  # what the cell wrote to stderr (warnings): in the JSON report, never compared

    def diff(self) -> str:
        """A unified diff from the document's text to tensorsh's."""
        lines = difflib.unified_diff(self.expected.splitlines(), self.actual.splitlines(),
                                     "document", "tensorsh", lineterm="", n=2)
        return "\n".join(lines)


def texts(cell: Cell, shown: Shown) -> tuple[str, str]:
    """The document's output text and tensorsh's, in the form they are compared in."""
    if cell.shown.mixed:
        mine = markdown.shown_by(markdown.render(shown, cell))
        return markdown.normalized(cell.shown.printed), markdown.normalized(mine.printed)
    return _joined(cell.shown), _joined(shown)


def _same(cell: Cell, shown: Shown) -> bool:
    """Whether tensorsh's printed text and displayed value are the document's (errors aside)."""
    if cell.shown.mixed:
        expected, actual = texts(cell, shown)
        return expected == actual
    return (cell.shown.printed, cell.shown.result) == (shown.printed, shown.result)


def _joined(shown: Shown) -> str:
    """A notebook's outputs as one text, for a diff: printed text, then the displayed value."""
    parts = [shown.printed.rstrip("\n")] if shown.printed else []
    if shown.result is not None:
        parts.append(f"Out: {shown.result}")
    return "\n".join(parts)


def judge(cell: Cell, ran: Ran) -> Verdict:
    """The verdict on one cell (never `random`: that takes a second run)."""
    verdict = _judge(cell, ran)
    verdict.stderr = ran.stderr
    if cell.shown.others and verdict.status != SKIPPED:
        note = f"not compared: {', '.join(cell.shown.others)}"
        verdict.reason = f"{verdict.reason}; {note}" if verdict.reason else note
    return verdict


def _judge(cell: Cell, ran: Ran) -> Verdict:
    if ran.skipped is not None:
        return Verdict(cell, SKIPPED, ran.skipped)
    if not cell.executed:
        return Verdict(cell, SKIPPED, "the document never ran it")
    shown = ran.shown
    if not _same(cell, shown) and ran.legacy_result is not None:
        # The document may come from an IPython before 7.12, which laid out containers of
        # multi-line reprs differently: its layout is as good a match.
        legacy = replace(shown, result=ran.legacy_result)
        if _same(cell, legacy):
            shown = legacy
    same_output = _same(cell, shown)
    expected, actual = texts(cell, shown)
    want, got = cell.shown.error, shown.error
    expected = "\n".join(part for part in (expected, want and str(want)) if part)
    actual = "\n".join(part for part in (actual, got and str(got)) if part)
    if same_output and want == got:
        if got is not None:
            return Verdict(cell, ERROR, str(got), expected, actual)
        return Verdict(cell, MATCH, "", expected, actual)
    if want is None and got is None and _PLATFORM_DTYPE.sub("", expected) == actual and "int32" not in actual:
        return Verdict(cell, PLATFORM, "the document shows NumPy's int32 default integer (Windows, NumPy "
                                       "before 2); tensorsh's, as Linux's and macOS's, is int64",
                       expected, actual)
    gpu = _GPU.search(expected)
    if gpu is not None and got is None and not _GPU.search(actual):  # an error of tensorsh's is its own
        return Verdict(cell, PLATFORM, f"the document was recorded on a GPU ({gpu.group(1)}); tensorsh computes on "
                                       "the CPU", expected, actual)
    asked = _GPU_QUESTION.search(cell.source)
    if asked is not None and want is None and got is None:
        return Verdict(cell, PLATFORM, f"the cell asks about the machine's GPU ({asked.group(0)}); tensorsh has "
                                       "none", expected, actual)
    return Verdict(cell, DIFFER, _why(want, got), expected, actual)


def _why(want, got) -> str:
    if want is not None and got is None:
        return f"the document shows {want}; tensorsh raised no error"
    if got is not None and want is None:
        return f"tensorsh raised {got}"
    if got is not None and want != got:
        return f"the document shows {want}; tensorsh raised {got}"
    return ""
