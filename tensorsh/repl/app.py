"""The interactive REPL: one prompt_toolkit PromptSession over a language Session.

`run_repl` is the entry point the CLI calls (`tensorsh` on a terminal, `tensorsh -i
FILE`). This module wires the small modules together and holds nothing else:
highlighting (`lexer`), completion (`completer`), when Enter runs (`multiline`),
history (`history`), showing values (`display`), running input (`runner`) and the
`:` commands (`commands`). prompt_toolkit is imported here, so only the interactive
path pays for it; the lexer and the modules that import the engine (`completer`,
`commands`, `display`, `runner`) are imported behind the prompt, by `loading.Loader`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.cursor_shapes import ModalCursorShapeConfig
from prompt_toolkit.document import Document
from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import Condition, emacs_insert_mode, has_focus, is_searching, vi_insert_mode
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.lexers import PygmentsLexer
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.search import accept_search
from prompt_toolkit.styles import Style

from tensorsh import __version__
from tensorsh.repl import history as history_file
from tensorsh.repl.loading import Loader
from tensorsh.repl.multiline import (INDENT, continuation_hint, dedent_clause, is_command, is_complete,
                                     join_operator_lines, next_indent)

PROMPT = "tsh> "
CONTINUATION = "...  "
BANNER = f"tensorsh {__version__} · PyTorch on NumPy · :help for help, Ctrl-D to leave"

STYLE = Style.from_dict({
    "prompt": "ansigreen bold",
    "continuation": "ansigreen",
    "bottom-toolbar": "noreverse",
    "bottom-toolbar.text": "fg:ansibrightblack",
    "completion-menu.meta.completion": "fg:ansibrightblack bg:ansiblack",
    "completion-menu.meta.completion.current": "fg:ansiwhite bg:ansibrightblack",
})


class PromptCompleter(Completer):
    """prompt_toolkit's view of `completer.complete`.

    Tab asks for everything; while typing, the menu opens only after a dot or two
    letters of a name, so it does not flicker over every keystroke. `session` is a
    Session or a `Loader` of one: while it loads, typing offers nothing and Tab waits.
    """

    def __init__(self, session: Any):
        self.loader = session if isinstance(session, Loader) else Loader.of(session)

    def get_completions(self, document: Document, complete_event: CompleteEvent):
        text = document.text_before_cursor
        if not complete_event.completion_requested and not (_worth_offering(text) and self.loader.ready):
            return
        try:
            from tensorsh.repl import completer

            found = completer.complete(text, self.loader.result())
        except Exception:  # noqa: BLE001 - a completion bug must never break typing
            return
        for item in found.items:
            yield Completion(item.text, -found.start, display=item.display or item.text,
                             display_meta=item.meta)


_TYPED_ENOUGH = re.compile(r"(?:\.\s*[A-Za-z_]\w*|\.|[A-Za-z_]\w{1,})$")  # `t.`, `t.s`, `so`
_NUMBER_TAIL = re.compile(r"(?<![\w.])\d[\w.]*$")  # `1.`, `1e5`: no menu inside numbers


def _worth_offering(text: str) -> bool:
    return _TYPED_ENOUGH.search(text) is not None and _NUMBER_TAIL.search(text) is None


class _PromptSession(PromptSession):
    """A PromptSession whose bottom toolbar exists only while it has something to say.

    prompt_toolkit shows the toolbar whenever the attribute is not None; reading it
    through a property lets the toolbar vanish instead of leaving an empty bar.
    """

    toolbar_text = None

    @property
    def bottom_toolbar(self):
        return self.toolbar_text() if self.toolbar_text is not None else None

    @bottom_toolbar.setter
    def bottom_toolbar(self, value) -> None:
        if value is not None:
            self.toolbar_text = value if callable(value) else (lambda: value)


def _toolbar(prompt: PromptSession, loader: Loader):
    """The signature of the call around the cursor; in a multi-line input, why it goes on; else nothing.
    No signature until the engine is loaded: the toolbar never waits for it."""
    cache: dict[tuple[str, str], Any] = {}

    def message(before: str, whole: str) -> str | None:
        signature = None
        if loader.ready:
            from tensorsh.repl import completer

            signature = completer.signature_at(before, loader.result())
        if signature is None and "\n" in whole:
            return continuation_hint(whole)
        return signature

    def text():
        document = prompt.default_buffer.document
        key = (document.text_before_cursor, document.text, loader.ready)
        if key not in cache:
            cache.clear()
            try:
                cache[key] = message(*key[:2])
            except Exception:  # noqa: BLE001 - a toolbar must never break typing
                cache[key] = None
        signature = cache[key]
        if not signature:
            return None
        try:
            width = prompt.app.output.get_size().columns
        except Exception:  # noqa: BLE001 - no terminal size: show it whole
            width = None
        text = " " + signature
        if width and len(text) > width - 1:
            text = text[: width - 2] + "…"
        return [("class:bottom-toolbar.text", text)]

    return text


def key_bindings() -> KeyBindings:
    """Enter runs complete input and continues incomplete input (in a history search too, as
    in bash); Alt-Enter always continues; Tab indents a blank line and completes elsewhere."""
    kb = KeyBindings()
    focused = has_focus(DEFAULT_BUFFER)
    insert_mode = vi_insert_mode | emacs_insert_mode

    @kb.add("enter", filter=is_searching)
    def _accept_found(event) -> None:
        # prompt_toolkit's Enter only ends the search (Ctrl-R, Enter, Enter); bash's also runs the line.
        accept_search()
        _enter(event)  # the search buffer has given the focus back: event.current_buffer is the input

    @kb.add("enter", filter=focused)
    def _enter(event) -> None:
        buffer = event.current_buffer
        if buffer.complete_state is not None and buffer.complete_state.current_completion is not None:
            buffer.complete_state = None  # Enter picks the highlighted completion, it does not run yet
            return
        document = buffer.document
        at_end = not document.text_after_cursor.strip()
        if (at_end or "\n" not in document.text) and is_complete(document.text):
            buffer.validate_and_handle()
            return
        if at_end and (clause := dedent_clause(document.text)) != document.text:
            buffer.text = clause
            buffer.cursor_position = len(clause)
        buffer.insert_text("\n" + next_indent(buffer.document.text_before_cursor))

    @kb.add("escape", "enter", filter=focused)
    def _newline(event) -> None:
        buffer = event.current_buffer
        buffer.insert_text("\n" + next_indent(buffer.document.text_before_cursor))

    @Condition
    def at_blank_line_start() -> bool:
        from prompt_toolkit.application import get_app

        document = get_app().current_buffer.document
        return not document.current_line_before_cursor.strip() and bool(document.text.strip())

    @kb.add("tab", filter=focused & at_blank_line_start)
    def _indent(event) -> None:
        event.current_buffer.insert_text(INDENT)

    @kb.add("tab", filter=focused & insert_mode & ~at_blank_line_start)
    def _complete(event) -> None:
        # prompt_toolkit drops a Tab that arrives while a while-typing completion is still
        # running; asking the completer directly makes a lone candidate insert every time.
        buffer = event.current_buffer
        if buffer.complete_state is not None:
            buffer.complete_next()
            return
        found = list(buffer.completer.get_completions(buffer.document, CompleteEvent(completion_requested=True)))
        if len(found) == 1:
            buffer.apply_completion(found[0])
        elif found:
            # Insert what every candidate shares now (as readline does), then show the menu.
            typed = -found[0].start_position
            common = os.path.commonprefix([c.text for c in found])
            if len(common) > typed and all(c.start_position == found[0].start_position for c in found):
                buffer.insert_text(common[typed:])
            buffer.start_completion(select_first=False)

    return kb


def _highlight_once_loaded(prompt: PromptSession, loader: Loader) -> None:
    """Colour the input once the engine is loaded: Pygments and the lexer's regular expressions
    are loaded on the loading thread, not before the prompt. Input typed before shows uncoloured
    until then; the redraw also brings the toolbar's signature."""
    def highlight() -> None:
        from tensorsh.repl.lexer import TensorshLexer

        prompt.lexer = PygmentsLexer(TensorshLexer)  # a new lexer: prompt_toolkit lexes the lines again
        prompt.app.invalidate()

    loader.when_ready(highlight)


def _continuation(width: int, line_number: int, wrap_count: int):
    return [("class:continuation", CONTINUATION.rjust(width))]


def make_prompt(session: Any, vi: bool = False, color: bool = True, history=None, input=None,
                output=None) -> PromptSession:
    """The configured PromptSession: highlighting, completion, history, keys, toolbar.
    `session`: a Session, or a `Loader` of one (what needs it waits, or does without)."""
    loader = session if isinstance(session, Loader) else Loader.of(session)
    prompt = _PromptSession(
        message=[("class:prompt", PROMPT)],
        multiline=True,
        prompt_continuation=_continuation,
        completer=PromptCompleter(loader),
        complete_while_typing=True,
        history=history,
        key_bindings=key_bindings(),
        vi_mode=vi,
        cursor=ModalCursorShapeConfig() if vi else None,
        style=STYLE,
        include_default_pygments_style=True,
        color_depth=None if color else ColorDepth.MONOCHROME,
        enable_suspend=True,
        input=input,
        output=output,
    )
    prompt.bottom_toolbar = _toolbar(prompt, loader)
    if color:
        _highlight_once_loaded(prompt, loader)
    else:
        loader.when_ready(prompt.app.invalidate)  # the toolbar's signature
    return prompt


def run_repl(session: Any = None, vi: bool = False, fmt: str = "rich", color: bool = True, *,
             debug: bool = False, history_path: str | None = None, input=None, output=None,
             banner: bool = True, load: Callable[[], Any] | None = None) -> int:
    """Run the interactive REPL until Ctrl-D or `:quit`; return the exit status (0).

    session: a `tensorsh.lang.session.Session` to continue (its variables stay in scope,
    as after `tensorsh -i FILE`); a new one when None. load: instead of `session`, a
    function that builds it, called on a thread once the prompt is drawn (it imports the
    engine; see `loading`). vi: Vi editing keys instead of Emacs'. fmt: how values print
    (rich, plain or json). color: colour in the prompt, values and errors. debug: print
    the Python traceback behind an error (--debug). history_path: the history file
    (default in $XDG_STATE_HOME). input/output: prompt_toolkit Input/Output, for tests.
    """
    loader = Loader(load or (lambda: session if session is not None else _new_session()))
    prompt = make_prompt(loader, vi=vi, color=color, history=history_file.make_history(history_path),
                         input=input, output=output)
    prompt.app.after_render += lambda app: loader.start()
    if banner:  # plain ANSI: rich is first imported when a value prints, not before the prompt
        sys.stdout.write(f"\x1b[2m{BANNER}\x1b[0m\n" if color else BANNER + "\n")
        sys.stdout.flush()
    ctx = None
    while ctx is None or ctx.running:
        try:
            text = prompt.prompt()
        except KeyboardInterrupt:
            continue  # Ctrl-C on the line: prompt_toolkit has already cleared it
        except EOFError:
            break
        try:
            if not text.strip():
                continue
            if ctx is None:  # the first statement waits for the engine
                ctx = _context(loader.result(), fmt, color, debug)
            _run_input(ctx, text)
        except KeyboardInterrupt:
            sys.stdout.flush()
            sys.stderr.write("KeyboardInterrupt\n")
            sys.stderr.flush()
    sys.stdout.flush()
    return 0


def _new_session():
    from tensorsh.lang.session import Session

    return Session(files_allowed=True)


def _context(session: Any, fmt: str, color: bool, debug: bool):
    from tensorsh.repl.display import Printer
    from tensorsh.repl.runner import Context

    return Context(session, Printer(fmt, color), color, debug=debug)


def _run_input(ctx, text: str) -> None:
    """One input: a `:` command, a habit from another REPL answered, or code run in the session."""
    from tensorsh.repl.commands import dispatch, habit
    from tensorsh.repl.runner import execute

    if is_command(text):
        dispatch(ctx, text)
    elif (answer := habit(text)) is not None:
        ctx.error(answer)
    else:
        execute(ctx, join_operator_lines(text))
