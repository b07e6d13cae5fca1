"""Reading the players' answers from a terminal, and what an answer may hold.

On a terminal (standard input and output both one), answers are read through the ``readline``
module where Python has it: the arrow keys, Home/End, Backspace and Ctrl-U edit the line, and
the up arrow recalls earlier answers of the session. Elsewhere (a pipe, a file, a terminal
without readline) a line is read as it comes, and a key that sends an escape sequence arrives as
characters.

Whatever the source, an answer is text for the log: :func:`answer_problem` refuses one that holds
an escape sequence or another control character, a lone surrogate (bytes that are not UTF-8),
or more characters than the log takes. The session asks again; nothing of it reaches the log.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import TextIO

from policyengine.terminal import unsafe_character

Ask = Callable[[str, str], str]

REFUSED = {
    "ja": {
        "escape": (
            "入力に矢印キーなどの制御シーケンス（{char}）が含まれています。この端末では行編集ができません。"
            "もう一度入力してください。"
        ),
        "control": "入力に制御文字または見えない文字 {char} が含まれています。もう一度入力してください。",
        "not_utf8": "入力が UTF-8 の文字列ではありません（{char}）。もう一度入力してください。",
        "too_long": "入力が長すぎます（{n:,}文字、上限{limit:,}文字）。もう一度入力してください。",
    },
    "en": {
        "escape": (
            "the answer holds an escape sequence ({char}): keys such as the arrows do not edit the line "
            "here; type the answer again"
        ),
        "control": "the answer holds the control or invisible character {char}; type it again",
        "not_utf8": "the answer is not UTF-8 text ({char}); type it again",
        "too_long": "the answer is too long ({n:,} characters, at most {limit:,}); type it again",
    },
}


def answer_problem(text: str, lang: str, limit: int) -> str | None:
    """Why ``text`` cannot be recorded as typed (in ``lang``), or None when it can."""
    messages = REFUSED[lang]
    for ch in text:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            # bytes that are not UTF-8 reach Python as lone surrogates (surrogateescape)
            return messages["not_utf8"].format(char=f"U+{ord(ch):04X}")
    unsafe = unsafe_character(text)
    found = unsafe[1] if unsafe else ("U+000A (line feed)" if "\n" in text else None)
    if found is not None:  # a line feed: several lines pasted into one answer
        key = "escape" if "\x1b" in text or "\x9b" in text else "control"
        return messages[key].format(char=found)
    if len(text) > limit:
        return messages["too_long"].format(n=len(text), limit=limit)
    return None


def checked(ask: Ask, note: Callable[[str], None], lang: str, limit: int) -> Ask:
    """``ask``, asked again until the answer can be recorded (each refusal explained by ``note``)."""

    def ask_checked(question: str, default: str) -> str:
        while True:
            answer = ask(question, default)
            problem = answer_problem(answer, lang, limit)
            if problem is None:
                return answer
            note(problem)

    return ask_checked


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


def terminal_ask() -> Ask:
    """An ``ask`` reading from standard input: with readline on a terminal, else line by line.

    The prompt goes to standard error, except on a terminal with line editing, where readline
    must draw it (standard output is then the same terminal). Input that ends raises
    :class:`EOFError`; an empty answer gives the default.
    """
    editing = _line_editing(sys.stdin, sys.stdout)
    if editing:
        import readline

        # Tab would complete file names (readline's default): nothing here names a file.
        readline.set_completer(lambda text, state: None)
    # Bytes that are not UTF-8 become lone surrogates, which answer_problem refuses, instead of a
    # UnicodeDecodeError that would end the session (a UTF-8 locale reads stdin strictly).
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):  # a stream that cannot change: keep it
            reconfigure(errors="surrogateescape")

    def ask(question: str, default: str) -> str:
        prompt = f"{question}: "
        if editing:
            sys.stderr.flush()
            sys.stdout.flush()
            answer = input(prompt)
        else:
            sys.stderr.write(prompt)
            sys.stderr.flush()
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            answer = line[:-1] if line.endswith("\n") else line
            answer = answer[:-1] if answer.endswith("\r") else answer  # a file written on Windows
        return answer or default

    return ask
