"""Text keys shared by extraction, scoring and storage, so that they compare names alike."""
from __future__ import annotations

import re
import unicodedata

# Words that carry no content when comparing items and names (FACTS.md: "stop words dropped").
STOP_WORDS = frozenset(
    "a an the of for to and or in on at by with from its their his her this that these those "
    "new more other some all about as into over under up".split()
)
_WORD = re.compile(r"\w+")


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


def word_tokens(text: str | None) -> list[str]:
    """The folded word tokens of a text, in order, repeats kept."""
    return _WORD.findall(fold(text))


def content_words(text: str | None, stop_words: frozenset[str] = STOP_WORDS) -> set[str]:
    """Folded words of a text without stop words and with a plural "s" stripped
    ("shells" → "shell"; "ss" words and words of up to three letters stay as they are)."""
    words: set[str] = set()
    for word in word_tokens(text):
        if word in stop_words:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return words


# English inflection endings and the bases they may replace: "agreed" → "agree", "relies" →
# "rely", "tried" → "try", "prepared" → "prepare"; what the ending leaves keeps two letters or more.
_INFLECTIONS = (("ies", ("y",)), ("ied", ("y",)), ("es", ("", "e")), ("s", ("",)), ("ed", ("", "e")),
                ("d", ("",)), ("ing", ("", "e")))


def word_forms(word: str) -> set[str]:
    """A word in lower case and the bases its endings may hide, so that a word list names a verb
    or noun once ("supported", "supports", "supporting" → "support"): the pipeline has no
    lemmatizer."""
    word = word.lower()
    forms = {word}
    for suffix, replacements in _INFLECTIONS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            forms.update(word[: -len(suffix)] + r for r in replacements)
    return forms
