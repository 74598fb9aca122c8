"""Who is who in a document: people named in full, their roles, and every mention that refers to them.

The ``aidtrace_people`` spaCy component runs after the gazetteer, dates and money components and sets

    doc._.people           list[Person]          one per person named in full ("Kaja Kallas")
    doc._.person_mentions  list[PersonMention]   sorted; full names, surnames, titles, pronouns

Resolution is rule-based and cheap (no coreference model): a surname goes to the person with that
surname, a title ("the Prime Minister", "the Head of State") to the most recently mentioned person
holding that role, a pronoun to the most recent compatible person mentioned outside quotation marks.
``person_at(doc, start, end)`` gives the person a character span refers to.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import bisect
import re
from difflib import SequenceMatcher
from dataclasses import dataclass, field
from functools import lru_cache


from .gazetteer import actor_code, leader, leaders_of
from .mentions import Person, PersonMention, doc_text
from .model import ORGANISATIONS
from .speech import quoted_spans, speech_verbs
from .text import fold, surname_key
from .wordlists import lines, words

if TYPE_CHECKING:  # spaCy only for the annotations; pipeline.py registers the component
    from spacy.tokens import Doc, Span, Token


_POSSESSIVE = {"'s", "’s", "'", "’"}
# Lower-case words allowed inside a name ("Ursula von der Leyen").
_NAME_PARTICLES = {"von", "der", "van", "de", "del", "da", "di", "la", "le", "bin", "al", "den", "dos", "du"}
_MODIFIERS_OK = {"former", "new", "current", "then", "incumbent", "outgoing", "acting", "ex", "-", "newly", "elected",
                 "first", "late"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_PRONOUN_WINDOW = 800  # characters: an antecedent further back than this is not trusted



@dataclass
class _Vocab:
    titles: list[str]  # lower-case, longest first
    title_words: set[str]
    aliases: dict[str, str]
    female: set[str]
    pronouns: dict[str, str]
    title_re: re.Pattern
    name_stop: set[str]
    honorifics: set[str]  # "mr.", "sen", "lord": before a surname they make it a name on its own
    role_glue: frozenset[str]  # lower-case words inside a role phrase ("of", "former", "acting")


@lru_cache(maxsize=1)
def vocab() -> _Vocab:
    """The word lists of ``aidtrace/data`` (loaded once)."""
    titles = sorted({t.strip().lower() for t in lines("titles.txt")}, key=lambda t: (-len(t), t))
    aliases = {}
    for line in lines("title_aliases.tsv"):
        alias, _, role = line.partition("\t")
        aliases[alias.strip().lower()] = role.strip().lower()
    title_words = set()
    for title in titles:
        title_words.update(w for w in re.split(r"[\s-]+", title) if w not in {"of", "the", "'s", "in"})
    title_words -= {"president's"}
    female = {fold(n.strip()) for n in lines("female_first_names.txt")}
    pronouns = {}
    for line in lines("person_words.txt"):
        word, _, gender = line.partition("\t")
        pronouns[word.strip()] = gender.strip() or "any"
    alternation = "|".join(re.escape(t).replace("'", "['’]").replace(r"\ ", r"\s+") for t in titles)
    title_re = re.compile(
        r"\b(?P<the>[Tt]he)\s+(?P<mods>(?:[\w.’'-]+\s+){0,2}?)(?P<ex>(?i:ex-|former\s+))?(?P<title>(?i:"
        + alternation
        + r"))\b(?!-)"
    )
    name_stop = {w.strip().lower() for w in lines("name_stopwords.txt")}
    honorifics = {w.strip().lower() for w in lines("honorifics.txt")}
    # "Gen" as well as "Gen.": the tokenizer keeps the period on some abbreviations and not on others.
    honorifics |= {w.rstrip(".") for w in honorifics}
    return _Vocab(titles, title_words, aliases, female, pronouns, title_re, name_stop, honorifics,
                  words("role_glue.txt"))


def _listed_in_role(work: "_Work", person: Person) -> tuple[str, str] | None:
    """(actor, role) of the leaders-list entry for this person in the role the text gives, among
    the actors the document names: "Prime Minister Kaja Kallas" in a text about Estonia is
    Estonia's prime minister, though the list also names her for the EU (and ``leader`` gives
    the later entry)."""
    if person.role is None:
        return None
    role = normalise_role(person.role)
    name = fold(person.name)
    for code in dict.fromkeys(mention.code for mention in work.actors):
        for listed, listed_role in leaders_of(code):
            if fold(listed) == name and normalise_role(listed_role) == role:
                return code, listed_role
    return None


def normalise_role(role: str) -> str:
    """A role phrase as compared against titles: lower-case, single spaces, "ex-" as "former", aliases applied."""
    text = re.sub(r"\s+", " ", role.replace("’", "'").strip().lower())
    text = re.sub(r"^(the )", "", text)
    text = re.sub(r"\bex-\s*", "former ", text)
    former = text.startswith("former ")
    if former:
        text = text[len("former "):]
    text = vocab().aliases.get(text, text)
    return ("former " + text) if former else text


@dataclass
class _Work:
    """Per-document state while mentions are collected."""

    doc: Doc
    actors: list
    quoted: list[tuple[int, int]]
    quoted_starts: list[int]
    people: list[Person] = field(default_factory=list)
    gender: dict[int, str] = field(default_factory=dict)  # id(person) -> "f" / "m"
    mentions: list[PersonMention] = field(default_factory=list)
    aliases: list[tuple[str, Person]] = field(default_factory=list)  # other spellings of a surname

    headlines: list[tuple[int, int]] = field(default_factory=list)

    def in_headline(self, pos: int) -> bool:
        return any(start <= pos < end for start, end in self.headlines)

    def in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self.quoted_starts, pos) - 1
        return i >= 0 and self.quoted[i][0] <= pos < self.quoted[i][1]

    def actor_in(self, start: int, end: int) -> str | None:
        for mention in self.actors:
            if mention.start >= start and mention.end <= end:
                return mention.code
        for ent in self.doc.ents:
            if ent.start_char >= start and ent.end_char <= end and ent.label_ in ("GPE", "NORP", "ORG"):
                code = actor_code(ent.text)
                if code:
                    return code
        return None

    def actor_token(self, token: Token) -> bool:
        pos = token.idx
        return any(m.start <= pos < m.end for m in self.actors) or (
            token.ent_type_ in ("GPE", "NORP") and token.text[:1].isupper()
        )


def _is_name_token(token: Token) -> bool:
    text = token.text
    if text.lower() in _NAME_PARTICLES:
        return True
    return bool(text[:1].isupper() and re.fullmatch(r"[\w.'’-]+", text) and not text.isdigit())


@lru_cache(maxsize=1)
def _not_name_starts() -> frozenset[str]:
    """Words that lead a name entity without being part of the name."""
    v = vocab()
    return frozenset(v.honorifics | v.role_glue | speech_verbs() | v.name_stop | v.title_words | _NAME_PARTICLES
                     | words("name_lead_verbs.txt"))


def _joins_a_double_name(token: Token) -> bool:
    """The hyphen of a double-barrelled name ("Thomas-Greenfield"): written with no space on either
    side, between two capitalised words."""
    doc = token.doc
    return token.text == "-" and not token.whitespace_ and 0 < token.i < len(doc) - 1 \
        and not doc[token.i - 1].whitespace_ and doc[token.i - 1].text[:1].isupper() \
        and doc[token.i + 1].text[:1].isupper()


def _clean_name(work: _Work, tokens: list[Token]) -> list[Token]:
    """Drop leading titles/honorifics/actor words and trailing possessives from an entity's tokens."""
    words = vocab().title_words
    # Leading words that are never part of the name: honorifics, role glue ("the", "former"),
    # speech verbs and organisation words the tagger pulled into the entity.
    leading = _not_name_starts()
    while tokens and (tokens[0].lower_ in leading or work.actor_token(tokens[0])):
        tokens = tokens[1:]
    while tokens and (tokens[-1].text in _POSSESSIVE or not tokens[-1].text[:1].isalnum()):
        tokens = tokens[:-1]
    # Titles may also sit inside an entity ("Ukraine President Volodymyr Zelenskyy"): keep what follows them.
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i].lower_ in words and i < len(tokens) - 1:
            tokens = tokens[i + 1:]
            break
    while tokens and tokens[0].lower_ in vocab().name_stop:
        tokens = tokens[1:]  # "... Defense Council Oleksiy Danilov"
    if not all(_is_name_token(t) or _joins_a_double_name(t) for t in tokens):
        return []
    doc = work.doc
    # "Ursula von" + "der Leyen": a name cut after a particle goes on over the particles to the next
    # capitalised word.
    while tokens and tokens[-1].lower_ in _NAME_PARTICLES and tokens[-1].i + 1 < len(doc) \
            and (doc[tokens[-1].i + 1].text[:1].isupper() or doc[tokens[-1].i + 1].lower_ in _NAME_PARTICLES):
        tokens = tokens + [doc[tokens[-1].i + 1]]
    if tokens and (tokens[-1].lower_ in vocab().name_stop or tokens[-1].lower_ in _NAME_PARTICLES):
        return []
    if tokens:
        # "Kryvyi Rih" is a city, not a person, whatever the tagger says.
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        for place in list(doc._.places or ()) + work.actors:
            if place.start < end and start < place.end:
                return []
    return tokens


def _role_span_before(doc: Doc, first: int, taken: set[int] = frozenset()) -> tuple[int, int] | None:
    """Token range [i, first) of a title phrase right before a name ("Estonian Prime Minister")."""
    words = vocab().title_words
    j = first - 1
    if j >= 0 and doc[j].text == ")":  # "ex-President of Poland (1995-2005) Alexander Kwasniewski"
        k = j
        while k >= 0 and first - k < 12 and doc[k].text != "(":
            k -= 1
        if k >= 0 and doc[k].text == "(":
            j = k - 1
    end = j + 1
    start = end
    while j >= 0 and j not in taken:
        token = doc[j]
        if token.text[:1].isupper() or token.lower_ in vocab().role_glue or token.lower_ in words:
            start = j
            if token.is_sent_start:
                break
            j -= 1
            continue
        break
    # The phrase must begin at a title word, an actor word or "former"; trailing glue words are not a role.
    while start < end and not (doc[start].lower_ in words or doc[start].lower_ in {"former", "ex"}
                               or doc[start].ent_type_ in ("GPE", "NORP", "ORG") or doc[start].text[:1].isupper()):
        start += 1
    if start >= end or not any(doc[k].lower_ in words for k in range(start, end)):
        return None
    return start, end


def _role_span_after(doc: Doc, last: int, taken: set[int] = frozenset()) -> tuple[int, int] | None:
    """Token range of an apposition after a name: "Xavier Bettel, Prime Minister of Luxembourg," """
    words = vocab().title_words
    i = last + 1
    if i >= len(doc) or doc[i].text != ",":
        return None
    i += 1
    if i < len(doc) and doc[i].lower_ in ("the", "a"):
        i += 1
    start = i
    while i < len(doc) and i - start < 12 and i not in taken:
        token = doc[i]
        if token.text[:1].isupper() or token.lower_ in vocab().role_glue or token.lower_ in words:
            i += 1
            continue
        break
    end = i
    while end > start and doc[end - 1].lower_ in vocab().role_glue:
        end -= 1
    if end <= start or not any(doc[k].lower_ in words for k in range(start, end)):
        return None
    if end < len(doc) and not doc[end].is_punct:
        return None
    return start, end


def _role_text(work: _Work, span: Span) -> str | None:
    """The role in a title phrase, without its actor words: "Estonian Prime Minister" → "Prime Minister"."""
    words = vocab().title_words
    tokens = list(span)
    while tokens and (work.actor_token(tokens[0]) or tokens[0].lower_ in ("the", "'s", "’s")
                      or (tokens[0].lower_ not in words and tokens[0].lower_ not in ("former", "ex", "-"))):
        tokens = tokens[1:]
    # Cut a trailing "of [the] <country>": the country is the actor. An organisation stays in the role
    # ("President of the European Commission" is another office than "President").
    for i, token in enumerate(tokens):
        if token.lower_ == "of" and i + 1 < len(tokens):
            rest = [t for t in tokens[i + 1:] if t.lower_ != "the"]
            if not rest or not all(work.actor_token(t) or t.text[:1].isupper() and t.lower_ not in words for t in rest):
                continue
            code = work.actor_in(rest[0].idx, rest[-1].idx + len(rest[-1].text))
            if code and code not in ORGANISATIONS:
                tokens = tokens[:i]
                break
    while tokens and (tokens[-1].lower_ in vocab().role_glue or (work.actor_token(tokens[-1]) and not any(
            t.lower_ == "of" for t in tokens))):
        tokens = tokens[:-1]
    if not tokens or not any(t.lower_ in words for t in tokens):
        return None
    # An actor word inside the title ("former US National Security Advisor") names the actor, not the role.
    kept = [t for k, t in enumerate(tokens)
            if not (work.actor_token(t) and k > 0 and tokens[k - 1].lower_ not in ("of", "the", "for", "and"))]
    text = "".join(t.text + t.whitespace_ for t in kept).strip()
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"^(?i:ex)\s*-\s*", "former ", text)
    return text


def _person_for_name(work: _Work, tokens: list[Token]) -> tuple[Person, bool]:
    """The Person a full name refers to, creating it on first sight; returns (person, created)."""
    doc = work.doc
    name = doc_text(doc)[tokens[0].idx: tokens[-1].idx + len(tokens[-1].text)]
    key = surname_key(name)
    first = fold(tokens[0].text)
    for person in work.people:
        other_key = surname_key(person.surname)
        if other_key != key and len(tokens) > 1 and fold(person.name.split()[0]) == first \
                and len(key) > 4 and SequenceMatcher(None, other_key, key).ratio() >= 0.85:
            work.aliases.append((key, person))
            return person, False  # one person spelt two ways in one text: "Podoliak" / "Podolyak"
        if other_key == key:
            if fold(person.name).endswith(" " + fold(name)):
                return person, False  # "Thomas-Greenfield" after "Linda Thomas-Greenfield": the surname alone
            other_first = fold(person.name.split()[0])
            if other_first == first or other_first.startswith(first.rstrip(".")) or first.startswith(other_first.rstrip(".")):
                return person, False
    person = Person(name=name, surname=tokens[-1].text, first_start=tokens[0].idx)
    work.people.append(person)
    if first in vocab().female:
        work.gender[id(person)] = "f"
    return person, True


def _assign_role(work: _Work, person: Person, first: int, last: int, taken: set[int]) -> None:
    """Fill role and actor of a person from the title phrase around one of its full-name mentions."""
    doc = work.doc
    if person.role is not None and person.actor is not None:
        return
    for finder, index in ((_role_span_before, first), (_role_span_after, last)):
        span_range = finder(doc, index, taken)
        if span_range is None:
            continue
        span = doc[span_range[0]: span_range[1]]
        role = _role_text(work, span)
        if role is None:
            continue
        if person.role is None:
            person.role = role
        if person.actor is None:
            person.actor = work.actor_in(span.start_char, span.end_char)
        break
    if person.actor is None or person.role is None:
        found = _listed_in_role(work, person) or leader(person.name)
        if found:
            actor, role = found
            person.actor = person.actor or actor
            person.role = person.role or role


def _titled_runs(work: _Work, taken: set[int]) -> list[list[Token]]:
    """Names NER missed, written right after a title: "President of Ukraine Andrii Sybiha"."""
    doc = work.doc
    words = vocab().title_words
    runs, run = [], []
    for token in list(doc) + [None]:
        if token is not None and token.i not in taken and token.is_alpha and token.text[:1].isupper() \
                and token.pos_ == "PROPN":
            run.append(token)
            continue
        if len(run) >= 2:
            k = 0
            while k < len(run) and (run[k].lower_ in words or work.actor_token(run[k])
                                    or run[k].lower_ in vocab().name_stop):
                k += 1
            tail = run[k:]
            before = run[k - 1] if k else (doc[run[0].i - 1] if run[0].i else None)
            if 2 <= len(tail) <= 3 and before is not None and (before.lower_ in words or work.actor_token(before)
                                                                or before.lower_ in vocab().name_stop) \
                    and not any(t.lower_ in words or t.lower_ in vocab().name_stop or work.actor_token(t)
                                or t.ent_type_ in ("DATE", "GPE", "NORP", "LOC") for t in tail):
                runs.append(tail)
        run = []
    return runs


def _collect_names(work: _Work) -> None:
    """Full-name and surname mentions."""
    doc = work.doc
    words = vocab().title_words
    taken: set[int] = set()
    found: list[list[Token]] = []
    # First names of well-tagged people: a mis-tagged "Mykhailo Podolyak" (FAC) shares one with "Mykhailo Podoliak".
    first_names = {fold(ent[0].text) for ent in doc.ents if ent.label_ == "PERSON" and len(ent) >= 2}
    for ent in doc.ents:
        if ent.label_ not in ("PERSON", "ORG", "GPE", "NORP", "FAC", "WORK_OF_ART"):
            continue
        tokens = _clean_name(work, list(ent))
        if len(tokens) < 2:
            continue
        if ent.label_ != "PERSON":
            # Only a name that follows a title or actor inside a mis-labelled entity ("Ukraine Volodymyr Zelenskyy").
            prefix = [t for t in ent if t.i < tokens[0].i]
            known = (len(tokens) in (2, 3) and tokens[0].i == ent.start
                     and (fold(tokens[0].text) in first_names or fold(tokens[0].text) in vocab().female)) \
                or leader(doc_text(doc)[tokens[0].idx: tokens[-1].idx + len(tokens[-1].text)]) is not None
            # ... or one that a title apposition follows ("Oleksiy Danilov, the head of the Council,").
            titled_after = len(tokens) in (2, 3) and all(t.pos_ == "PROPN" for t in tokens) \
                and _role_span_after(doc, tokens[-1].i) is not None
            if not known and not titled_after and not any(t.lower_ in words or work.actor_token(t) for t in prefix):
                continue
        found.append(tokens)
        taken.update(t.i for t in tokens)
    for tokens in _titled_runs(work, taken):
        found.append(tokens)
        taken.update(t.i for t in tokens)
    # A surname written only with an honorific or title ("Mr. Obama", "Senator Warren") is the fullest
    # form the text gives: it stands for a person too, unless a full name with that surname exists.
    keys = {surname_key(ts[-1].text) for ts in found}
    honorific_gender: dict[int, str] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        tokens = [t for t in ent if t.text not in _POSSESSIVE and t.text[:1].isalnum()]
        if not tokens or tokens[-1].i in taken:
            continue
        last = tokens[-1]
        previous = doc[last.i - 1] if last.i > 0 else None
        if previous is not None and previous.text == "." and last.i > 1 and not doc[last.i - 2].whitespace_:
            previous = doc[last.i - 2]  # "Col." split by the tokenizer into "Col" and "."
        if previous is None or not (previous.lower_ in vocab().honorifics or previous.lower_ in words):
            continue
        if not _is_name_token(last) or last.lower_ in vocab().name_stop or last.lower_ in _NAME_PARTICLES \
                or surname_key(last.text) in keys:
            continue
        keys.add(surname_key(last.text))
        found.append([last])
        taken.add(last.i)
        if previous.lower_.rstrip(".") in ("mrs", "ms"):
            honorific_gender[last.i] = "f"
        elif previous.lower_.rstrip(".") == "mr":
            honorific_gender[last.i] = "m"
    found.sort(key=lambda ts: ts[0].i)
    for tokens in found:
        person, _ = _person_for_name(work, tokens)
        if tokens[-1].i in honorific_gender:
            work.gender[id(person)] = honorific_gender[tokens[-1].i]
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        work.mentions.append(PersonMention(start, end, doc_text(doc)[start:end], person, "name"))
    for tokens in found:
        person = next(m.person for m in work.mentions if m.start == tokens[0].idx)
        _assign_role(work, person, tokens[0].i, tokens[-1].i, taken)
    if not work.people:
        return
    by_key: dict[str, list[Person]] = {}
    for person in work.people:
        by_key.setdefault(surname_key(person.surname), []).append(person)
    for key, person in work.aliases:
        by_key.setdefault(key, []).append(person)
    for token in doc:
        if token.i in taken or not token.text[:1].isupper() or not token.is_alpha or len(token.text) < 3:
            continue
        key = surname_key(token.text)
        candidates = by_key.get(key)
        if not candidates and token.ent_type_ == "PERSON" and len(key) > 4:
            # A surname misspelt once ("Traninko" for "Tanninko") in a lone PERSON entity.
            candidates = [p for k, ps in by_key.items() for p in ps if SequenceMatcher(None, k, key).ratio() >= 0.8]
        if not candidates:
            continue
        person = (_most_recent(work, candidates, token.idx) or candidates[0]) if len(candidates) > 1 else candidates[0]
        work.mentions.append(PersonMention(token.idx, token.idx + len(token.text), token.text, person, "surname"))
    work.mentions.sort(key=lambda m: (m.start, m.end))


def _most_recent(work: _Work, candidates: list[Person], pos: int) -> Person | None:
    """The candidate mentioned last before ``pos`` outside quotations (or first after it when none is before)."""
    best, best_pos = None, -1
    ids = {id(p) for p in candidates}
    for mention in work.mentions:
        if mention.start >= pos:
            break
        if work.in_quote(mention.start) and not work.in_quote(pos):
            continue  # a name inside someone's quote does not make that person the topic
        if id(mention.person) in ids and mention.start > best_pos:
            best, best_pos = mention.person, mention.start
    if best is None:
        after = [p for p in candidates if p.first_start >= pos]
        if after:
            return min(after, key=lambda p: p.first_start)
    return best


def _pick_for_title(work: _Work, candidates: list[Person], pos: int) -> Person | None:
    """The most recent candidate, unless another one dominates the text so far (a press release's "the President"
    stays its President even right after a foreign president is named)."""
    recent = _most_recent(work, candidates, pos)
    counts = {id(p): 0 for p in candidates}
    for mention in work.mentions:
        if mention.start >= pos:
            break
        if id(mention.person) in counts and not work.in_quote(mention.start):
            counts[id(mention.person)] += 1
    salient = max(candidates, key=lambda p: counts[id(p)])
    if recent is None or salient is recent:
        return recent or salient
    if counts[id(salient)] >= 3 and counts[id(salient)] >= 2 * counts[id(recent)]:
        return salient
    return recent


def _title_candidates(work: _Work, title: str, actor: str | None) -> list[Person]:
    """People whose role matches a title, best match level first."""
    title = normalise_role(title)
    exact, partial = [], []
    for person in work.people:
        if not person.role:
            continue
        if actor and person.actor and person.actor != actor:
            continue
        if actor and not person.actor:
            continue
        role = normalise_role(person.role)
        if role == title:
            exact.append(person)
        elif title.split()[-1] in role.split() or title in role:
            if title.startswith("former") != role.startswith("former") and title != "leader":
                if not role.startswith("former"):
                    continue
            partial.append(person)
    if exact:
        return exact
    if title in ("leader", "head") and not partial:
        return [p for p in work.people if p.actor and (not actor or p.actor == actor)]
    return partial


def _collect_titles(work: _Work, name_mentions: list[PersonMention]) -> list[PersonMention]:
    """Title mentions ("the Prime Minister", "the Ukrainian President", "the head of the Office of the President")."""
    text = doc_text(work.doc)
    found: list[PersonMention] = []
    name_starts = sorted(m.start for m in name_mentions if m.how == "name")
    last_end = -1
    for match in vocab().title_re.finditer(text):
        start = match.start()
        if start < last_end:
            continue
        mods = match.group("mods").split()
        mods_start = match.start("mods")
        actor = None
        ok = True
        for word in mods:
            if word.lower() in _MODIFIERS_OK:
                continue
            if word[:1].isupper():
                continue
            ok = False
        if not ok:
            continue
        if mods:
            actor = work.actor_in(mods_start, match.start("title"))
        end = match.end()
        tail = text[end: end + 80]
        of = re.match(r"\s+of\s+(?:the\s+)?", tail)
        with_org = False
        if of:
            for mention in work.actors:
                if mention.start == end + of.end():
                    actor = actor or mention.code
                    with_org = mention.code in ORGANISATIONS
                    end = mention.end
                    break
        # "the President's Office" names an office, not the person.
        if re.match(r"['’]s\s+(?:[A-Z]|office|administration)", text[end: end + 20]):
            continue
        # A title written right before a full name belongs to that name.
        k = bisect.bisect_left(name_starts, end)
        if k < len(name_starts) and re.fullmatch(r"[\s,]*(?:\(.{0,20}\)\s*)?", text[end:name_starts[k]]):
            continue
        # "the former Russian president": "former" may come before the actor word too.
        ex = match.group("ex") or ("former " if any(w.lower() in ("former", "ex-") for w in mods) else "")
        title = ex + match.group("title")
        if with_org:
            title = ex + text[match.start("title"):end]
        candidates = _title_candidates(work, title, actor)
        if not candidates:
            continue
        person = _pick_for_title(work, candidates, start) if len(candidates) > 1 else candidates[0]
        if person is None:
            continue
        mention = PersonMention(start, end, text[start:end], person, "title")
        found.append(mention)
        # Titles resolve by recency, so later ones must see earlier ones.
        bisect.insort(work.mentions, mention, key=lambda m: (m.start, m.end))
        last_end = end
    return found


def _subject_rank(doc: Doc, mention: PersonMention) -> int:
    """2 for the subject of a main clause, 1 for any other subject, 0 otherwise (antecedent preference)."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return 0
    root = span.root
    # A possessor is not the subject its phrase heads ("Peskov, Putin's press secretary, said ... when he").
    while root.dep_ in ("compound", "appos", "flat") and root.head is not root:
        root = root.head
    if root.dep_ not in _SUBJECT_DEPS:
        return 0
    verb = root.head
    if verb.dep_ in ("aux", "auxpass") and verb.head is not verb:
        verb = verb.head
    return 2 if verb.dep_ == "ROOT" else 1


def _previous_plain_sentence(work: _Work, token: Token) -> int:
    """Start of the last sentence before ``token``'s that is not inside a quotation (pronoun search window)."""
    doc = work.doc
    sent = token.sent
    i = sent.start
    while i > 0:
        previous = doc[i - 1].sent
        i = previous.start
        if not work.in_quote(min(previous.start_char + 1, previous.end_char - 1)):
            return previous.start_char
    return sent.start_char


def _collect_pronouns(work: _Work) -> None:
    """Pronouns outside quotation marks, resolved to the most recent compatible person (subjects preferred)."""
    doc = work.doc
    pronouns = vocab().pronouns
    added = []
    for token in doc:
        gender = pronouns.get(token.lower_)
        if gender is None or work.in_quote(token.idx):
            continue
        pos = token.idx
        candidates = [m for m in work.mentions
                      if m.end <= pos and pos - m.start <= _PRONOUN_WINDOW and not work.in_quote(m.start)]
        # A headline names whom the article is about, not who speaks in the paragraph below it: it is
        # the antecedent only when the text below names nobody.
        candidates = [m for m in candidates if not work.in_headline(m.start)] or candidates
        if not candidates:
            continue
        if gender == "f":
            female = [m for m in candidates if work.gender.get(id(m.person)) == "f"]
            candidates = female or [m for m in candidates if work.gender.get(id(m.person)) != "m"]
            if not candidates:
                continue
        elif gender == "m":
            candidates = [m for m in candidates if work.gender.get(id(m.person)) != "f"] or []
            if not candidates:
                continue
        limit = _previous_plain_sentence(work, token)
        recent = [m for m in candidates if m.start >= limit] or candidates[-1:]
        choice = max(recent, key=lambda m: (_subject_rank(doc, m), m.start))
        mention = PersonMention(token.idx, token.idx + len(token.text), token.text, choice.person, "pronoun")
        added.append(mention)
    work.mentions.extend(added)
    work.mentions.sort(key=lambda m: (m.start, m.end))


_HEADLINE_MAX_WORDS = 20
_SENTENCE_FINAL = tuple(".!?:;\"”’…)»")


def headlines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines that read as headlines or subheadings: short, and not ended like a
    sentence ("Zelenskyy thanks NATO for air defence", "RUSSIA WARNS ISRAEL")."""
    found = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        body = line.strip()
        if body and not body.endswith(_SENTENCE_FINAL) and len(body.split()) <= _HEADLINE_MAX_WORDS:
            found.append((start, end))
        start = end + 1
    return found


def annotate(doc: Doc) -> Doc:
    """Fill ``doc._.people`` and ``doc._.person_mentions``."""

    quoted = [(s, e) for s, e, *_ in quoted_spans(doc_text(doc))]
    work = _Work(doc=doc, actors=list(doc._.actors or []), quoted=quoted, quoted_starts=[s for s, _ in quoted],
                 headlines=headlines(doc_text(doc)))
    _collect_names(work)
    if work.people:
        names = list(work.mentions)
        _collect_titles(work, names)
        _collect_pronouns(work)
    doc._.people = work.people
    doc._.person_mentions = work.mentions
    return doc


def person_at(doc: Doc, start: int, end: int) -> Person | None:
    """The person a character span refers to: the mention overlapping it most (longest on a tie), or None."""
    best, best_key = None, (0, 0)
    for mention in doc._.person_mentions or ():
        if mention.start >= end:
            break
        overlap = min(end, mention.end) - max(start, mention.start)
        if overlap <= 0:
            continue
        key = (overlap, mention.end - mention.start)
        if key > best_key:
            best, best_key = mention.person, key
    return best

