"""Reading a facilitator's lines from the terminal: line editing, history and completion.

On a terminal (standard input and output both one), lines are read through the ``readline``
module where Python has it: the arrow keys, Home/End, Backspace and Ctrl-U edit the line, the up
arrow recalls earlier lines of the session, and Tab completes what each question offers (the
console's commands, recommendation ids and numbers, cell ids). Elsewhere (a pipe, a file, a
terminal without readline) a line is read as it comes: the prompt goes to standard error, and a
key that sends an escape sequence arrives as characters, which
:func:`policyengine.exercise.prompt.answer_problem` refuses.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from typing import TextIO


def _line_editing(stdin: TextIO, stdout: TextIO) -> bool:
    """Load readline when both ends are a terminal (``input`` then edits lines with it)."""
    try:
        if not (stdin.isatty() and stdout.isatty()):
            return False
    except (AttributeError, ValueError):
        return False
    try:
        import readline  # noqa: F401  (importing it is what turns line editing on for input())
    except ImportError:
        return False
    return True


class LineInput:
    """Asks a question and returns the line typed (:class:`EOFError` when input ends).

    ``completions`` are the words Tab offers for this question; a word is what lies between
    spaces, so ``propose-framework/AUS+JPN+KOR`` completes as one.
    """

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.editing = _line_editing(self.stdin, self.stdout)
        self._words: Sequence[str] = ()
        if self.editing:
            import readline

            readline.set_completer_delims(" \t")
            readline.set_completer(self._complete)
            # libedit (macOS) and GNU readline spell the binding differently
            if "libedit" in (readline.__doc__ or ""):
                readline.parse_and_bind("bind ^I rl_complete")
            else:
                readline.parse_and_bind("tab: complete")
        # Bytes that are not UTF-8 become lone surrogates, which answer_problem refuses, instead of
        # a UnicodeDecodeError that would end the session (a UTF-8 locale reads stdin strictly).
        reconfigure = getattr(self.stdin, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a stream that cannot change: keep it
                reconfigure(errors="surrogateescape")

    def _complete(self, text: str, state: int) -> str | None:
        folded = text.casefold()
        matches = [w for w in self._words if w.casefold().startswith(folded)]
        return matches[state] if state < len(matches) else None

    def ask(self, prompt: str, completions: Sequence[str] = (), *, history: bool = True) -> str:
        """The line typed after ``prompt`` (without its line ending)."""
        self._words = sorted(set(completions))
        if self.editing:
            import readline

            sys.stderr.flush()
            self.stdout.flush()
            answer = input(prompt)
            if not history and answer and readline.get_current_history_length():
                # a yes/no or a cell is not worth recalling with the up arrow
                readline.remove_history_item(readline.get_current_history_length() - 1)
            return answer
        sys.stderr.write(prompt)
        sys.stderr.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError
        answer = line[:-1] if line.endswith("\n") else line
        return answer[:-1] if answer.endswith("\r") else answer  # a file written on Windows
