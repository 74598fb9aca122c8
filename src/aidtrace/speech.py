"""Speech on the page: quotation marks and the verbs that attribute what is inside them.

Shared by the quote kind (which turns quoted spans into facts) and by person resolution (which
must not read a name inside a quotation as a participant); it sits below both so neither
imports the other.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent / "data"

DOUBLE_OPEN = "“„«"
# "″" (a double prime) closes quotes in some wire copy; after a digit it is inches or seconds.
_DOUBLE_CLOSE = "”»″"
DOUBLES = '"“”„«»″'
_SINGLES = "'‘’"
_OPENER_BEFORE = set(" \t\n\r([{—–-/:") | set(DOUBLES) | set("‘")
_CLOSER_AFTER = set(" \t\n\r.,;:!?)]}—–-…") | set(DOUBLES) | set("’'")


class QuotedSpan(NamedTuple):
    """The text inside one pair of quotation marks (outermost pairs only)."""

    start: int  # first character inside the marks
    end: int  # one past the last character inside
    open_pos: int  # offset of the opening mark
    close_pos: int  # offset of the closing mark, or -1 when the quote runs on into the next paragraph


@lru_cache(maxsize=1)
def speech_verbs() -> frozenset[str]:
    """Lower-case word forms that attribute speech (``data/speech_verbs.txt``)."""
    words = set()
    for line in (DATA / "speech_verbs.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.add(line)
    return frozenset(words)


def quoted_spans(text: str) -> list[QuotedSpan]:
    """The outermost quoted stretches of a text, straight or curly, double or single marks.

    Apostrophes ("Kallas'", "Ukraine's") are told apart from single quotation marks by their
    neighbours; inner quotes stay inside the outer one; an opening mark at a paragraph start with
    no closing mark in that paragraph gives a span to the paragraph's end (multi-paragraph quotes).
    """
    spans: list[QuotedSpan] = []
    stack: list[tuple[str, int]] = []  # ("d" | "s", offset of the opening mark)
    para_start = 0
    n = len(text)

    def flush(end: int) -> None:
        # Unclosed at the end of a paragraph: keep only a double quote opened at the paragraph's start.
        for kind, pos in stack:
            if kind == "d" and not text[para_start:pos].strip():
                stop = end
                while stop > pos + 1 and text[stop - 1].isspace():
                    stop -= 1
                if stop > pos + 1:
                    spans.append(QuotedSpan(pos + 1, stop, pos, -1))
                break
        stack.clear()

    for i, ch in enumerate(text):
        if ch == "\n":
            if stack:
                # A hard-wrapped line inside a quote goes on in lower case; anything else starts a paragraph.
                if text[i + 1: i + 2].islower() and text[i - 1: i].strip():
                    continue
                flush(i)
            para_start = i + 1
            continue
        if ch not in DOUBLES and ch not in _SINGLES:
            continue
        prev = text[i - 1] if i > 0 else "\n"
        nxt = text[i + 1] if i + 1 < n else "\n"
        if ch == "″" and (prev.isdigit() or not any(kind == "d" for kind, _ in stack)):
            continue  # a measure ("12″"), or a prime that closes nothing
        left = prev in _OPENER_BEFORE and not nxt.isspace()
        right = not prev.isspace() and (nxt in _CLOSER_AFTER or i + 1 == n)
        if ch in DOUBLES:
            has_open = any(kind == "d" for kind, _ in stack)
            if left and not right:
                role = "open"
            elif right and not left:
                role = "close"
            elif ch in DOUBLE_OPEN:
                role = "open"
            elif ch in _DOUBLE_CLOSE:
                role = "close"
            else:
                role = "close" if has_open else "open"
            if role == "close" and not has_open:
                continue  # a stray closing mark
            if role == "open":
                stack.append(("d", i))
                continue
            while stack and stack[-1][0] != "d":
                stack.pop()
            _, pos = stack.pop()
            if not stack:
                spans.append(QuotedSpan(pos + 1, i, pos, i))
            continue
        # Single marks: an apostrophe between letters ("Ukraine's") or after a word with no
        # quote open ("Kallas'") is not a quotation mark.
        if prev.isalnum() and nxt.isalnum():
            continue
        if left and not right and ch in "'‘" and nxt.isalnum():
            stack.append(("s", i))
            continue
        if right and stack and stack[-1][0] == "s":
            _, pos = stack.pop()
            if not stack:
                spans.append(QuotedSpan(pos + 1, i, pos, i))
    if stack:
        flush(n)
    spans.sort()
    return spans
