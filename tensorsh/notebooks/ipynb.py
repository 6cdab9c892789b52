"""Jupyter notebook files (nbformat 4): read code cells and outputs, write outputs back.

Each output keeps its kind: `stream` (stdout, compared; stderr, which holds warnings that
name a kernel's temporary file, is not), `execute_result` (the displayed value's
text/plain), `error` (ename and evalue), `display_data` (images, HTML: nothing tensorsh
makes, noted). Writing replaces a cell's outputs with what tensorsh showed, in the
structure Jupyter writes, and leaves every other byte of meaning alone; the file is
written as Jupyter writes it (one-space indent, sorted keys, UTF-8).
"""

from __future__ import annotations

import json
import re

from tensorsh.notebooks.cells import Cell, Error, Shown

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _text(value) -> str:
    """A multiline string of nbformat: one string, or a list of lines."""
    return "".join(value) if isinstance(value, list) else (value or "")


def _lines(text: str) -> list[str]:
    """A multiline string as Jupyter writes it: lines, each with its line break."""
    return text.splitlines(keepends=True)


class NotebookDocument:
    """A `.ipynb` file's JSON, and its code cells."""

    def __init__(self, text: str):
        self.data = json.loads(text)
        if not isinstance(self.data, dict) or not isinstance(self.data.get("cells"), list):
            raise ValueError("not a Jupyter notebook: no list of cells")
        self.cells: list[Cell] = []
        self._raw: list[dict] = []
        for index, raw in enumerate(self.data["cells"]):
            if raw.get("cell_type") != "code":
                continue
            outputs = raw.get("outputs") or []
            executed = raw.get("execution_count") is not None or bool(outputs)
            self.cells.append(Cell(len(self.cells) + 1, index + 1, _text(raw.get("source")), _shown(outputs),
                                   executed))
            self._raw.append(raw)

    def updated(self, outputs: dict[int, Shown]) -> str:
        """The notebook, as Jupyter writes it, with the outputs of the cells numbered in `outputs` replaced."""
        for cell, raw in zip(self.cells, self._raw):
            if cell.number in outputs:
                if raw.get("execution_count") is None:
                    raw["execution_count"] = cell.number
                raw["outputs"] = _outputs(outputs[cell.number], cell, raw["execution_count"])
        return json.dumps(self.data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _shown(outputs: list[dict]) -> Shown:
    shown = Shown()
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            if output.get("name") == "stdout":
                shown.printed += _text(output.get("text"))
        elif kind == "execute_result":
            shown.result = _text(output.get("data", {}).get("text/plain"))
        elif kind == "error":
            shown.error = Error(output.get("ename", ""), _ANSI.sub("", output.get("evalue", "")))
        else:
            shown.others.extend(sorted(output.get("data", {})) or [kind])
    return shown


def _outputs(shown: Shown, cell: Cell, count: int) -> list[dict]:
    """A cell's outputs as Jupyter writes them."""
    outputs: list[dict] = []
    if shown.printed:
        outputs.append({"name": "stdout", "output_type": "stream", "text": _lines(shown.printed)})
    if shown.result is not None:
        outputs.append({"data": {"text/plain": _lines(shown.result)}, "execution_count": count,
                        "metadata": {}, "output_type": "execute_result"})
    if shown.error is not None:
        outputs.append({"ename": shown.error.kind, "evalue": shown.error.message, "output_type": "error",
                        "traceback": shown.error.traceback(count, cell.source)})
    return outputs
