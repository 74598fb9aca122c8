"""Text keys shared by extraction, scoring and storage, so that they compare names alike."""
from __future__ import annotations

import re
import unicodedata


def fold(text: str | None) -> str:
    """Lower case without diacritics: "Kälin" and "KALIN" fold alike, "é" becomes "e"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def surname_key(name: str | None) -> str:
    """A person's surname as FACTS.md compares it: the last word, folded, with a doubled final
    letter dropped (Zelenskyy = Zelensky)."""
    words = re.findall(r"[a-z]+", fold(name))
    if not words:
        return ""
    last = words[-1]
    if len(last) > 3 and last[-1] == last[-2]:
        last = last[:-1]
    return last
