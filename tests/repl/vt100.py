"""A small terminal screen for tests: enough of VT100 to read what prompt_toolkit draws.

prompt_toolkit redraws only the cells that changed and moves the cursor with escape
codes, so the byte stream alone does not say what the screen shows (a toolbar's
spaces become cursor moves). This applies the stream to a grid of cells: printable
characters (wide ones take two cells), CR, LF, BS, cursor moves, erases and scrolling,
and cursor position requests (answered through `replies`). Colours and modes are read
and ignored.
"""

from __future__ import annotations

import re
import unicodedata

_CSI = re.compile(r"\x1b\[([?>=]?)([0-9;]*)([ -/]*)([@-~])")
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_UNFINISHED = re.compile(r"\x1b(?:\[[?>=]?[0-9;]*[ -/]*|\][^\x07\x1b]*)?")  # a CSI or OSC without its end


def _width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


class Screen:
    def __init__(self, rows: int = 30, columns: int = 100):
        self.rows, self.columns = rows, columns
        self.cells = [[" "] * columns for _ in range(rows)]
        self.x = self.y = 0
        self.replies: list[str] = []  # answers the terminal owes the program (cursor position reports)
        self._pending = ""  # an escape sequence cut off at the end of the last read

    @property
    def lines(self) -> list[str]:
        """The screen, one string per row, trailing blanks removed."""
        return ["".join(row).rstrip() for row in self.cells]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def feed(self, data: str) -> None:
        data, self._pending = self._pending + data, ""
        i, n = 0, len(data)
        while i < n:
            ch = data[i]
            if ch == "\x1b":
                match = _CSI.match(data, i)
                if match:
                    self._csi(match.group(1), match.group(2), match.group(4))
                    i = match.end()
                    continue
                if _UNFINISHED.fullmatch(data, i):  # the rest of it comes with the next read
                    self._pending = data[i:]
                    return
                match = _OSC.match(data, i)
                i = match.end() if match else i + 2  # ESC and one more: keypad modes, charsets
                continue
            if ch == "\r":
                self.x = 0
            elif ch == "\n":
                self._line_feed()
            elif ch == "\b":
                self.x = max(0, self.x - 1)
            elif ch >= " ":
                self._put(ch)
            i += 1

    def _put(self, ch: str) -> None:
        width = _width(ch)
        if width == 0:
            return
        if self.x + width > self.columns:
            self.x = 0
            self._line_feed()
        self.cells[self.y][self.x] = ch
        if width == 2 and self.x + 1 < self.columns:
            self.cells[self.y][self.x + 1] = ""
        self.x += width

    def _line_feed(self) -> None:
        if self.y + 1 >= self.rows:
            self.cells.pop(0)
            self.cells.append([" "] * self.columns)
        else:
            self.y += 1

    def _csi(self, private: str, params: str, final: str) -> None:
        if private:
            return  # modes: cursor visibility, bracketed paste, ...
        numbers = [int(p) if p else 0 for p in params.split(";")] if params else []
        first = numbers[0] if numbers else 0
        count = max(1, first)
        if final == "A":
            self.y = max(0, self.y - count)
        elif final == "B":
            self.y = min(self.rows - 1, self.y + count)
        elif final == "C":
            self.x = min(self.columns - 1, self.x + count)
        elif final == "D":
            self.x = max(0, self.x - count)
        elif final in "Hf":
            row = numbers[0] if numbers else 1
            column = numbers[1] if len(numbers) > 1 else 1
            self.y = min(self.rows - 1, max(0, row - 1))
            self.x = min(self.columns - 1, max(0, column - 1))
        elif final == "G":
            self.x = min(self.columns - 1, max(0, count - 1))
        elif final == "d":
            self.y = min(self.rows - 1, max(0, count - 1))
        elif final == "K":
            row = self.cells[self.y]
            start, stop = {0: (self.x, self.columns), 1: (0, self.x + 1), 2: (0, self.columns)}.get(first, (0, 0))
            row[start:stop] = [" "] * (stop - start)
        elif final == "n" and first == 6:  # "where is the cursor?": prompt_toolkit sizes its layout by it
            self.replies.append(f"\x1b[{self.y + 1};{self.x + 1}R")
        elif final == "J":
            if first == 0:
                self.cells[self.y][self.x:] = [" "] * (self.columns - self.x)
                for r in range(self.y + 1, self.rows):
                    self.cells[r] = [" "] * self.columns
            elif first == 1:
                for r in range(self.y):
                    self.cells[r] = [" "] * self.columns
                self.cells[self.y][: self.x + 1] = [" "] * (self.x + 1)
            else:
                self.cells = [[" "] * self.columns for _ in range(self.rows)]
        # m (colours), r (scroll region), h/l (modes) and the rest change no cell we read
