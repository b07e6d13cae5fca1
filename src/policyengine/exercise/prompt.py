"""What an answer typed at a console may hold (the terminal itself is read by the CLI's
``policyengine.cli.lineinput``; a web console sends its answers as they were typed).

Whatever the source, an answer is text for the log: :func:`answer_problem` refuses one that holds
an escape sequence or another control character, a lone surrogate (bytes that are not UTF-8),
or more characters than the log takes. The console asks again; nothing of it reaches the log.
"""

from __future__ import annotations

from policyengine.errors.terminal import unsafe_character
from policyengine.text import t


def answer_problem(text: str, lang: str, limit: int) -> str | None:
    """Why ``text`` cannot be recorded as typed (in ``lang``), or None when it can."""
    for ch in text:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            # bytes that are not UTF-8 reach Python as lone surrogates (surrogateescape)
            return t("console.answer_not_utf8", lang, char=f"U+{ord(ch):04X}")
    unsafe = unsafe_character(text)
    found = unsafe[1] if unsafe else ("U+000A (line feed)" if "\n" in text else None)
    if found is not None:  # a line feed: several lines pasted into one answer
        key = "escape" if "\x1b" in text or "\x9b" in text else "control"
        return t(f"console.answer_{key}", lang, char=found)
    if len(text) > limit:
        return t("console.answer_too_long", lang, n=len(text), limit=limit)
    return None
