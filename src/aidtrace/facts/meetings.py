"""Meetings: reported interactions between named people (FACTS.md, "meeting").

1. *Trigger* sentences speak of a meeting, talks, a visit or a call that happened: cue words
   (data/meeting_cues.txt) and the patterns of data/meeting_patterns.tsv ("discussed ... with",
   "spoke today with", "with her Latvian counterpart", one leader pressing another "at a summit").
   Planned, wished-for or possible meetings ("will meet", "hopes to meet", "a possible meeting",
   a meeting dated after publication) are skipped.
2. Everyone named in a trigger takes part, but for people in an adverbial clause of its verb ("as
   Biden prepared to call Putin"), in another clause than any report of the sentence ("a day after
   X met Y", "the meeting came after X and Y signed"), in a description of another ("an ally of X"),
   in an award's name ("the Order of Prince Yaroslav"), the report's source ("According to X") and a
   lone surname spelled like another participant's; so does a pronoun subject ("he had discussed it with ...") and,
   in a first-person report ("I spoke with ..."), the author of the document's source
   (data/meeting_authors.tsv, from ``doc._.source`` or the url's host).
3. A trigger whose people all take part in a meeting already belongs to it; one naming a single
   person joins the meeting before when it refers back to it ("During the talks, ..."); any other
   trigger with two people starts a meeting of its own, unless it names all the people of one before
   (the meeting told again with more of its people). A lone person joins a meeting referred back to
   ("During the meeting, ...") only as the subject of a verb, not as what was discussed. "I spoke
   with X, Y and Z", "In a conversation with X, we ..." (or "Zelenskyy also spoke with X, Y and Z")
   is one call each.
   The people listed as attending ("The event was attended by ...") and, for a meeting that is an
   event of its own (a council, a video conference: the event word at the report that starts it,
   in the document's lead), the people who speak at it take part too.
4. Mode, place, region, country and date come from the trigger sentences; the place is read first
   from the first report and those naming two participants, then from where a participant is
   greeted or arrives, then from the other reports. A press release that gives no other date dates
   the meeting on its publication day; a first report naming only a month dates it by the month.
5. Topics (data/meeting_topics.tsv) come from what is said at that meeting: the meeting a document
   reports in its first sentences owns the rest of it but for other meetings' sentences; any other
   meeting owns its triggers and the sentences that go on about its own counterpart ("I thanked him
   for ...", "On economic issues.").
6. ``actors`` lists the actor each participant speaks for (``Person.actor``), once each.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from functools import lru_cache
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar


from .. import checks
from ..mentions import Person, doc_text
from ..model import Evidence, Fact
from ..speech import QuotedSpan, quoted_spans
from ..text import surname_key
from ..wordlists import rows, table, words
from .common import evidence_of, person_mentions_in
from .kind import Column, FactKind, Listing, first_filled, union

if TYPE_CHECKING:  # spaCy only for the annotations: importing a kind must not load spaCy
    from spacy.tokens import Doc, Span, Token

MEETING_MODES = ("in_person", "phone", "video")
# The topic codes of FACTS.md: what a meeting was about.
MEETING_TOPICS = (
    "defence", "sanctions", "finance", "trade", "reconstruction", "energy", "nuclear_safety", "humanitarian",
    "eu_integration", "nato", "security_guarantees", "cybersecurity", "food_security", "accountability", "peace",
    "prisoners",
)


@dataclass
class Meeting(Fact):
    """A reported interaction between named people (FACTS.md, "meeting")."""

    kind: ClassVar[str] = "meetings"
    participants: list[str]
    mode: str  # one of MEETING_MODES
    place: str | None = None
    region: str | None = None  # ISO 3166-2:UA
    country: str | None = None  # ISO 3166-1 alpha-3
    date: str | None = None  # YYYY-MM-DD or YYYY-MM
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5
    # Beyond FACTS.md (the scorer ignores it): the distinct actor codes the participants speak
    # for, in participant order ("UKR", "EST"); a participant whose actor is unknown adds none.
    actors: list[str] = field(default_factory=list)
    # What the document says was discussed at this meeting: codes of MEETING_TOPICS.
    topics: list[str] = field(default_factory=list)

PLACE_PREPOSITIONS = ("in", "to", "at", "visited")
# How many sentences after a report of a call in an address may go on about that call.
FOLLOW_UP_SENTENCES = 3
# A meeting reported within the first sentences of a release is the release's subject.
LEAD_SENTENCES = 2


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    """The named regular expressions of data/meeting_patterns.tsv."""
    return {name: re.compile(pattern, re.I) for name, pattern in table("meeting_patterns.tsv").items()}


def _pattern(name: str) -> re.Pattern[str]:
    return _patterns()[name]


@lru_cache(maxsize=1)
def _topic_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(topic code, pattern of its cue words) from data/meeting_topics.tsv, in MEETING_TOPICS order."""
    cues: dict[str, list[str]] = {code: [] for code in MEETING_TOPICS}
    for code, cue in rows("meeting_topics.tsv"):
        if code not in cues:
            raise ValueError(f"data/meeting_topics.tsv: unknown topic code {code!r}")
        pattern = r"(?:\W+\w+){0,4}?\W+".join(re.escape(part.strip()) for part in cue.strip().rstrip("*").split("..."))
        cues[code].append(pattern + (r"\w*" if cue.strip().endswith("*") else r"s?"))
    return tuple((code, re.compile(r"\b(" + "|".join(found) + r")\b", re.I)) for code, found in cues.items() if found)


@lru_cache(maxsize=1)
def _authors() -> dict[str, tuple[str, str]]:
    """source → (full name, actor code) of who speaks in the first person in its documents."""
    return {source.strip().lower(): (name.strip(), actor.strip()) for source, name, actor in rows("meeting_authors.tsv")}


@dataclass
class _Draft:
    people: list[Person] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    event: bool = False
    first_person: bool = False  # reported by the author in the first person ("I spoke with")

    def add(self, people: list[Person]) -> None:
        for person in people:
            if all(person is not known for known in self.people):
                self.people.append(person)

    def holds(self, people: list[Person]) -> bool:
        return all(any(person is known for known in self.people) for person in people)

    def shares(self, people: list[Person]) -> bool:
        return any(person is known for person in people for known in self.people)


def _sentence_text(sent: Span) -> str:
    """The sentence's text, sliced from the Doc's text built once (``Span.text`` joins tokens anew)."""
    return doc_text(sent.doc)[sent.start_char:sent.end_char]


# Patterns of data/meeting_patterns.tsv that report a meeting, besides the cue words.
CUE_PATTERNS = ("discussed_with", "talked_with", "counterpart")


def _cue_matches(sent: Span) -> list[re.Match[str]]:
    """Every place in the sentence that reports a meeting, in text order. A word that also has
    other senses ("received an award") counts only when a person is what it takes."""
    text = _sentence_text(sent)
    matches = list(_cue_pattern().finditer(text))
    matches += [m for name in CUE_PATTERNS for m in _pattern(name).finditer(text)]
    matches += [m for m in _pattern("gathering").finditer(text) if _people_act_on_each_other(sent, m)]
    person_object = words("meeting_person_object_cues.txt")
    kept = [m for m in matches if m.group(0).lower() not in person_object or _takes_a_person(sent, m)]
    return sorted(kept, key=lambda m: m.start())


def _takes_a_person(sent: Span, match: re.Match[str]) -> bool:
    """The verb at the match has a person mention in its object ("received Prime Minister X")."""
    doc = sent.doc
    start = sent.start_char + match.start()
    verb = next((t for t in sent if t.idx == start), None)
    if verb is None:
        return False
    for child in verb.children:
        if child.dep_ in ("dobj", "obj"):
            lo, hi = child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text)
            if any(m.how != "pronoun" for m in person_mentions_in(doc, lo, hi)):
                return True
    return False


def _people_act_on_each_other(sent: Span, match: re.Match[str]) -> bool:
    """At a gathering ("at a summit in Paris"), the verb it is attached to has a person for subject
    and a person for object: "Macron pressed Xi Jinping at a summit" is an interaction between them."""
    last = sent.start_char + match.end() - 1  # the gathering's own noun ends the match
    token = next((t for t in sent if t.idx <= last < t.idx + len(t.text)), None)
    if token is None:
        return False
    noun = next((t for t in [token, *token.ancestors] if t.dep_ == "pobj"), None)
    if noun is None or noun.head.dep_ != "prep":
        return False
    verb = noun.head.head
    doc = sent.doc

    def has_person(child: Token) -> bool:
        lo, hi = child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text)
        return any(m.how != "pronoun" for m in person_mentions_in(doc, lo, hi))

    subject = any(c.dep_ in ("nsubj", "nsubjpass") and has_person(c) for c in verb.children)
    target = any(c.dep_ in ("dobj", "obj") and has_person(c) for c in verb.children)
    return subject and target


def _cue(sent: Span) -> re.Match[str] | None:
    matches = _cue_matches(sent)
    return matches[0] if matches else None


def _planned(doc: Doc, sent: Span) -> bool:
    """A meeting only planned ("will meet", "the upcoming talks", "a meeting would be held", a
    meeting on a day after publication): the future word must stand close to the cue, not anywhere
    in a long sentence."""
    published = doc._.published
    if published and any(sent.start_char <= d.start < sent.end_char and len(d.value) == 10 and d.value > published
                         for d in doc._.dates or ()):
        return True
    future = _pattern("future")
    for match in _cue_matches(sent):
        window = _sentence_text(sent)[max(0, match.start() - 40): match.start() + len(match.group(0).split()[0]) + 25]
        if not (future.search(window) or _clause_is_future(sent, match)):
            return False
    return True


def _clause_is_future(sent: Span, match: re.Match[str]) -> bool:
    """The verb of the clause that holds the cue is a future word, however far from the cue: "X's
    telephone conversation with Y is scheduled", "talks between X and Y are expected"."""
    token = next((t for t in sent if t.idx == sent.start_char + match.start()), None)
    if token is None:
        return False
    head = _clause(token)
    return head.i != token.i and bool(_pattern("future").fullmatch(head.text))


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern[str]:
    cues = sorted(words("meeting_cues.txt"), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(c) for c in cues) + r")\b", re.I)


def _named_people(doc: Doc, sent: Span, aside: list[tuple[int, int]] = ()) -> list[Person]:
    """People named in the sentence, but for those named only inside the ``aside`` character ranges."""
    people: list[Person] = []
    text = doc_text(doc)
    for mention in person_mentions_in(doc, sent.start_char, sent.end_char):
        if any(lo <= mention.start < hi for lo, hi in aside):
            continue
        if mention.how == "title" and _pattern("institution_of").search(text[max(0, mention.start - 40): mention.start]):
            continue  # "the Office of the President" is a body, not the President
        if _pattern("award_of").search(text[max(0, mention.start - 40): mention.start]):
            continue  # "the Order of Prince Yaroslav the Wise" is an award, not a person
        if mention.how != "pronoun" and all(mention.person is not p for p in people):
            people.append(mention.person)
    return people


# Dependency labels of a clause that may have a subject of its own.
CLAUSE_DEPS = ("advcl", "ccomp", "conj", "parataxis", "relcl", "acl", "csubj", "xcomp")
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj", "expl")


def _clause(token: Token) -> Token:
    """The head of the innermost clause with a subject of its own that holds the token; a relative
    clause whose subject is the relative pronoun ("X, who met Y, said") counts as part of the clause of
    the noun it describes, one with a subject of its own ("the summit, which Y attended") does not."""
    for head in [token, *token.ancestors]:
        if head.dep_ == "ROOT" or head.head is head:
            return head
        if head.dep_ in CLAUSE_DEPS and head.pos_ in ("VERB", "AUX") and any(
                c.dep_ in SUBJECT_DEPS and not (head.dep_ in ("relcl", "acl") and c.tag_ in ("WDT", "WP", "WP$"))
                for c in head.children):
            return head
    return token.sent.root


def _apart(sent: Span) -> list[tuple[int, int]]:
    """Character ranges of the mentions named in another clause than any meeting report of the sentence:
    "The meeting comes a week after X and Y signed a statement", "X flew to Kyiv a day after Y met Z
    in Moscow" (X is apart). A clause that holds the report keeps its people when the report names
    fewer than two and is not quoted ("X welcomed Y and noted that this was the Prime Minister's first
    visit"), but not when it is ("she tweeted alongside pictures of X's arrival" after "the visit").
    The one the report is told by ("According to X, ...") and one named in a description of another
    ("X, an ally of Y, met Z") are apart wherever they stand."""
    matches = _cue_matches(sent)
    # "At the meeting, X recalled that Y held talks with Z": the meeting referred back to is not
    # the one reported, when the sentence reports another.
    back = [(m.start(), m.end()) for m in _pattern("same_meeting").finditer(_sentence_text(sent))]
    reported = [m for m in matches if not any(lo <= m.start() < hi for lo, hi in back)] or matches
    cue_tokens = [t for m in reported for t in sent if sent.start_char + m.start() <= t.idx < sent.start_char + m.end()]
    cues = {_clause(t).i for t in cue_tokens}
    if not cues:
        return []
    quoted = any(q.start <= t.idx < q.end for t in cue_tokens for q in _quotes(sent.doc))
    placed = []
    for mention in person_mentions_in(sent.doc, sent.start_char, sent.end_char):
        token = next((t for t in sent if t.idx <= mention.start < t.idx + len(t.text)), None)
        if token is not None:
            placed.append((mention, token, _clause(token)))
    text = doc_text(sent.doc)
    # "According to X, ...": the one who tells of the meeting, not one who takes part in it
    told = {id(m) for m, _, _ in placed if _pattern("source_of").search(text[max(sent.start_char, m.start - 60):m.start])}
    sources = [(m.start, m.end) for m, _, _ in placed if id(m) in told]
    placed = [entry for entry in placed if id(entry[0]) not in told]
    reported_people = {id(m.person) for m, _, clause in placed if clause.i in cues and m.how != "pronoun"}
    keep_outer = len(reported_people) < 2 and not quoted
    apart = []
    for mention, token, clause in placed:
        outer = any(sent.doc[i] in clause.subtree for i in cues)
        if _in_description(token) or (clause.i not in cues and not (outer and keep_outer)):
            apart.append((mention.start, mention.end))
    return apart + sources


def _in_description(token: Token) -> bool:
    """The token is named in a description set beside another name ("X – a close ally of Y – met Z",
    "X, an adviser to Y, met Z"): Y is who X is, not one who takes part."""
    for child, head in zip([token, *token.ancestors], token.ancestors):
        if child.dep_ == "pobj" and head.lower_ in ("of", "to") and head.head.dep_ == "appos" and head.head.pos_ == "NOUN":
            return True
    return False


def _side_clauses(sent: Span, cue: re.Match[str]) -> list[tuple[int, int]]:
    """Character ranges of the adverbial clauses of the cue's verb: the people there do something
    else ("Lavrov and Blinken spoke by phone as Biden prepared to call Putin")."""
    start = sent.start_char + cue.start()
    verb = next((t for t in sent if t.idx == start), None)
    if verb is None or verb.pos_ not in ("VERB", "AUX"):
        return []
    return [(c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text)) for c in verb.children if c.dep_ == "advcl"]


def _subject_people(doc: Doc, sent: Span, cue: re.Match[str], aside: list[tuple[int, int]] = ()) -> list[Person]:
    """The person a pronoun subject of the cue's verb stands for ("he had discussed it with ..."), but for
    one in the ``aside`` character ranges."""
    start = sent.start_char + cue.start()
    found: list[Person] = []
    for mention in person_mentions_in(doc, sent.start_char, sent.end_char):
        if mention.how != "pronoun" or any(lo <= mention.start < hi for lo, hi in aside):
            continue
        token = next((t for t in sent if t.idx == mention.start), None)
        if token is not None and token.dep_ in ("nsubj", "nsubjpass"):
            head = token.head
            if head.left_edge.idx <= start < head.right_edge.idx + len(head.right_edge.text) and head.idx >= token.idx:
                if start - head.idx < 40:
                    found.append(mention.person)
    return found


@lru_cache(maxsize=1)
def _honorific_pattern() -> re.Pattern[str]:
    """An honorific (data/honorifics.txt) and the capitalised surname after it: "Mr. Modi"."""
    honorifics = "|".join(re.escape(h.rstrip(".")) for h in sorted(words("honorifics.txt"), key=len, reverse=True))
    return re.compile(r"\b(?:" + honorifics + r")\.?\s+([A-Z][\w'-]+)")


def _honorific_people(doc: Doc, sent: Span, known: dict[str, Person]) -> list[Person]:
    """People the document names only by honorific and surname ("Mr. Modi"): FACTS.md takes the
    fullest form written. ``known`` holds them by surname key, so a second mention is the same person."""
    found: list[Person] = []
    for match in _honorific_pattern().finditer(_sentence_text(sent)):
        surname = match.group(1)
        key = surname_key(surname)
        if not key or any(surname_key(p.surname) == key for p in doc._.people or ()):
            continue
        person = known.setdefault(key, Person(name=surname, surname=surname))
        if all(person is not p for p in found):
            found.append(person)
    return found


def _missed_names(doc: Doc, sent: Span, known: dict[str, Person]) -> list[Person]:
    """Full names in a meeting report that the people annotator left out: a PERSON the tagger cut at a
    name particle ("Ursula von" + "der Leyen"), or the name that ends a role title with its country
    ("Adviser to the Prime Minister of the Portuguese Republic Fernando Morgado"), tagged as a place.
    ``known`` holds them by surname key, so a second mention is the same person."""
    particles = words("meeting_name_particles.txt")
    stop = words("name_stopwords.txt")
    title_words = {word for title in words("titles.txt") for word in title.split("\t")[0].split()}
    taken = [(m.start, m.end) for m in person_mentions_in(doc, sent.start_char, sent.end_char)]
    actors = [(a.start, a.end) for a in doc._.actors or () if sent.start_char <= a.start < sent.end_char]
    places = [(p.start, p.end) for p in doc._.places or () if sent.start_char <= p.start < sent.end_char]
    found: list[Person] = []
    for ent in sent.ents:
        if ent.label_ not in ("PERSON", "GPE", "ORG", "NORP"):
            continue
        end = ent.end
        while end + 1 < sent.end and (doc[end].lower_ in particles or doc[end - 1].lower_ in particles) and (
                doc[end].lower_ in particles or doc[end].text.istitle()):
            end += 1
        tokens = list(doc[ent.start:end])
        if ent.label_ == "PERSON":
            if not any(t.lower_ in particles for t in tokens):
                continue  # the annotator saw this one and chose not to take it
        else:
            # only what follows the country in the title: "... of the Portuguese Republic | Fernando Morgado"
            last_actor = max((i for i, t in enumerate(tokens) if any(a <= t.idx < b for a, b in actors)), default=None)
            if last_actor is None:
                continue
            tokens = tokens[last_actor + 1:]
        while tokens and not tokens[-1].text.istitle():
            tokens.pop()
        following = doc[tokens[-1].i + 1] if tokens and tokens[-1].i + 1 < sent.end else None
        if following is not None and following.text.istitle():
            continue  # the words go on into a title ("National Security | Advisor Jacob Sullivan")
        if (len(tokens) < 2 or not tokens[0].text.istitle() or tokens[-1].lower_ in stop
                or any(t.lower_ in title_words for t in tokens)
                or any(not (t.text.istitle() or t.lower_ in particles) for t in tokens)
                or any(a <= t.idx < b for t in tokens for a, b in taken + actors + places)):
            continue
        name = doc_text(doc)[tokens[0].idx: tokens[-1].idx + len(tokens[-1].text)]
        key = surname_key(tokens[-1].text)
        person = next((p for p in doc._.people or () if surname_key(p.surname) == key), None)
        person = person or known.setdefault(key, Person(name=name, surname=tokens[-1].text))
        if all(person is not p for p in found):
            found.append(person)
    return found


def _author(doc: Doc, cache: dict[str, Person]) -> Person | None:
    """The person who writes in the first person in the document's source (data/meeting_authors.tsv):
    the document's own Person when it names them, else one made from the table."""
    source = (getattr(doc._, "source", None) or "").lower()
    url = getattr(doc._, "url", None) or ""
    host = re.sub(r"^www\.", "", urlsplit(url).hostname or "") if url else ""
    entry = _authors().get(source) or _authors().get(host)
    if entry is None:
        return None
    name, actor = entry
    key = surname_key(name)
    for person in doc._.people or ():
        if surname_key(person.surname) == key:
            return person
    return cache.setdefault(key, Person(name=name, surname=name.split()[-1], actor=actor))


def _calls_each(doc: Doc, sent: Span, cue: re.Match[str], people: list[Person]) -> list[tuple[Person, Person]]:
    """(caller, counterpart) for each of the people listed after "with" when one person is the
    subject of a "spoke with"/"talked with" cue ("Zelenskyy also spoke with X, Y and Z"); nothing
    for two callers ("Lavrov and Blinken spoke"), a joint call, fewer than two listed, or another cue."""
    text = _sentence_text(sent)
    if not _pattern("talked_with").match(text, cue.start()) or _pattern("joint").search(text):
        return []
    verb = next((t for t in sent if t.idx == sent.start_char + cue.start()), None)
    if verb is None:
        return []

    def people_in(token: Token) -> list[Person]:
        lo, hi = token.left_edge.idx, token.right_edge.idx + len(token.right_edge.text)
        found = {id(m.person): m.person for m in person_mentions_in(doc, lo, hi) if any(m.person is p for p in people)}
        return list(found.values())

    callers = [p for c in verb.children if c.dep_ == "nsubj" for p in people_in(c)]
    listed = [p for c in verb.children if c.dep_ == "prep" and c.lower_ == "with" for p in people_in(c)]
    if len(callers) != 1 or len(listed) < 2:
        return []
    return [(callers[0], p) for p in listed if p is not callers[0]]


def _first_person(sent: Span, cue: re.Match[str]) -> bool:
    """The author reports the meeting: "I" or "we" is the subject of the cue's verb ("I spoke with",
    "I held talks with"), outside quotations (there "I" is whoever is quoted). "I am grateful for
    her visit" reports no meeting of the author's."""
    start = sent.start_char + cue.start()
    if any(q.start <= start < q.end for q in _quotes(sent.doc)):
        return False
    cue_token = next((t for t in sent if t.idx <= start < t.idx + len(t.text)), None)
    if cue_token is None:
        return False
    pronoun = _pattern("first_person")
    for token in sent:
        if token.dep_ in ("nsubj", "nsubjpass") and pronoun.match(token.text):
            if cue_token.i == token.head.i or (cue_token.head.i == token.head.i and cue_token.dep_ in ("dobj", "obj")):
                return True
            if cue_token.dep_ == "conj" and cue_token.head.i == token.head.i:
                return True  # "We also worked and spoke with X": the subject of the first verb
            if (cue_token.dep_ == "pobj" and cue_token.head.dep_ == "prep" and cue_token.head.head.i == token.head.i
                    and cue_token.head.i < token.i):
                return True  # "In a conversation with X, we coordinated ...": the cue opens the clause
    return False


def _quotes(doc: Doc) -> list[QuotedSpan]:
    """The document's quotations, found once per Doc."""
    found = doc.user_data.get("aidtrace_meeting_quotes")
    if found is None:
        found = doc.user_data["aidtrace_meeting_quotes"] = quoted_spans(doc_text(doc))
    return found


# How far (in characters) an event word may stand from the report it makes an event of its own.
EVENT_REACH = 20


def _is_event(sent: Span) -> bool:
    """The sentence reports a meeting that is an event of its own ("took part in a meeting of the
    Council", "held a video conference"): the event word stands at one of its reports, not in another
    phrase ("In a conversation with X, we coordinated positions on the eve of the session of the Council")."""
    text = _sentence_text(sent)
    cues = _cue_matches(sent)
    return any(cue.start() - EVENT_REACH <= event.start() <= cue.end() + EVENT_REACH
               for event in _pattern("event").finditer(text) for cue in cues)


def _acts(doc: Doc, sent: Span, person: Person) -> bool:
    """The person is named as the subject or agent of a verb of the sentence ("During the talks, X
    thanked ..."), not only in what was discussed ("the parties discussed X's trip to the summit")."""
    for mention in person_mentions_in(doc, sent.start_char, sent.end_char):
        if mention.person is not person:
            continue
        for token in (t for t in sent if mention.start <= t.idx < mention.end):
            if token.dep_ in SUBJECT_DEPS or (token.dep_ == "pobj" and token.head.dep_ == "agent"):
                return True
    return False


def _refers_to(doc: Doc, sent: Span, draft: _Draft) -> bool:
    """The sentence names or refers to ("him", "the Prime Minister") a participant of the draft."""
    return any(any(m.person is p for p in draft.people) for m in person_mentions_in(doc, sent.start_char, sent.end_char))


def _speakers(doc: Doc, sentences: list[Span]) -> list[Person]:
    """People who say something in the given sentences ("Kälin said that ...")."""
    speech = words("speech_verbs.txt")
    people: list[Person] = []
    for sent in sentences:
        for mention in person_mentions_in(doc, sent.start_char, sent.end_char):
            if mention.how == "pronoun":
                continue
            tokens = [t for t in sent if t.idx >= mention.end][:4]
            before = _sentence_text(sent)[: mention.start - sent.start_char].lower()
            if any(t.lower_ in speech for t in tokens) or before.rstrip().endswith("according to"):
                if all(mention.person is not p for p in people):
                    people.append(mention.person)
    return people


def _place_sentences(doc: Doc, draft: _Draft, sentences: list[Span]) -> list[Span]:
    """The sentences to read the meeting's place from, surest first: its first report and those
    naming two of its people; then any sentence of the document where one of them arrives, is
    greeted or visits ("Greeting X in Kyiv, he ...", "during the visit of X to Kyiv"); then its
    other reports, where one person may go somewhere alone ("she had visited Borodyanka")."""
    def named(sent: Span) -> int:
        return len({id(m.person) for m in person_mentions_in(doc, sent.start_char, sent.end_char)
                    if any(m.person is p for p in draft.people)})
    first = [s for i, s in enumerate(draft.sentences) if i == 0 or named(s) >= 2]
    hosted = [s for s in sentences if named(s) >= 1 and _pattern("hosted").search(_sentence_text(s))
              and not _pattern("future").search(_sentence_text(s)) and all(s.start != f.start for f in first)]
    rest = [s for s in draft.sentences if all(s.start != t.start for t in first + hosted)]
    return first + hosted + rest


def _place(doc: Doc, sentences: list[Span], reports: list[Span]) -> tuple[str | None, str | None, str | None]:
    """(place as written, region, country) of where the meeting happened: a place named in the
    ``sentences``, else Ukraine when one of its own ``reports`` speaks of a visit to Ukraine."""
    for sent in sentences:
        for place in doc._.places or ():
            if sent.start_char <= place.start < sent.end_char:
                before = doc_text(doc)[max(sent.start_char, place.start - 12): place.start].lower().split()
                if before and before[-1] in PLACE_PREPOSITIONS + ("of",) and not (before[-1] == "of" and "city" not in before):
                    return place.text, place.region, "UKR"
                if before and before[-1] in PLACE_PREPOSITIONS:
                    return place.text, place.region, "UKR"
        for actor in doc._.actors or ():
            if sent.start_char <= actor.start < sent.end_char and actor.how in ("capital", "name") and actor.code != "UKR":
                before = doc_text(doc)[max(sent.start_char, actor.start - 4): actor.start].lower().split()  # "in Riga", "to Beijing"
                if before and before[-1] in ("in", "to"):
                    return actor.text, None, actor.code
    for sent in reports:
        if _pattern("visit_ukraine").search(_sentence_text(sent)):
            return None, None, "UKR"
    return None, None, None


def _date(doc: Doc, sentences: list[Span]) -> str | None:
    """The day of the meeting; a month when its reports name only the month ("in March",
    "earlier this month"); the publication day when they name neither; None when they say it
    happened at some unstated earlier time ("recently")."""
    published = doc._.published
    month = None
    for sent in sentences:
        text = _sentence_text(sent)
        if published and _pattern("this_month").search(text):
            month = month or (published[:7] if sent is sentences[0] else None)
            text = _pattern("this_month").sub(" ", text)  # "earlier this month" is not vague
        if _pattern("vague_time").search(text):
            return None
        for mention in doc._.dates or ():
            if sent.start_char <= mention.start < sent.end_char:
                if len(mention.value) == 10:
                    return mention.value
                if len(mention.value) == 7 and sent is sentences[0] and (
                        published is None or mention.value <= published[:7]) and not _pattern("span_start").search(
                        doc_text(doc)[max(sent.start_char, mention.start - 12):mention.start]):
                    month = month or mention.value  # only the first report's: later ones recall other times
    return month or published


def _mode(sentences: list[Span]) -> str:
    """The mode the meeting's first report states; later sentences may be about something else."""
    text = _sentence_text(sentences[0])
    if _pattern("video").search(text):
        return "video"
    in_person = [m for m in _pattern("in_person").finditer(text) if not _future_near(text, m)]
    phone = [m for m in _pattern("phone").finditer(text) if not _with_media(text, m)]
    if phone and not in_person:
        return "phone"
    return "in_person"


def _with_media(text: str, match: re.Match[str]) -> bool:
    """The talk is with the media ("during a conversation with media representatives following
    talks with X in Kyiv"): it says nothing of how the talks themselves were held."""
    return bool(_pattern("with_media").match(text, match.end()))


def _future_near(text: str, match: re.Match[str]) -> bool:
    """A future word stands close to the match ("whose visit to Kyiv is expected")."""
    return bool(_pattern("future").search(text[max(0, match.start() - 40): match.end() + 25]))


def participant_actors(people: list[Person]) -> list[str]:
    """The distinct actor codes the participants speak for, in participant order."""
    actors: list[str] = []
    for person in people:
        if person.actor and person.actor not in actors:
            actors.append(person.actor)
    return actors


def topics_of(sentences: list[Span]) -> list[str]:
    """The topic codes (MEETING_TOPICS order) whose cue words the given sentences use."""
    # One spelling for the cue list: American "defense" is read as "defence".
    text = re.sub(r"(?i)\bdefense\b", "defence", " ".join(_sentence_text(sent) for sent in sentences))
    return [code for code, pattern in _topic_patterns() if pattern.search(text)]


def _follow_ups(doc: Doc, sentences: list[Span], index: int, own: list[Person], taken: set[int],
                first_person: bool) -> list[int]:
    """Indices of the sentences after a report of a meeting that go on about it: they name or refer to
    one of ``own``, the participants no other meeting has ("I thanked him for ..."), or continue the
    list of what was discussed ("On economic issues."), up to the next meeting's report."""
    found: list[int] = []
    for next_index in range(index + 1, min(len(sentences), index + 1 + FOLLOW_UP_SENTENCES)):
        if next_index in taken:
            break
        sent = sentences[next_index]
        mentioned = any(any(m.person is p for p in own) for m in person_mentions_in(doc, sent.start_char, sent.end_char))
        # In an address, "I thanked her" goes on about the call just reported, whoever the
        # annotator took "her" for.
        mentioned = mentioned or (first_person and any(_pattern("third_person").match(t.text) for t in sent))
        if not (mentioned or _pattern("continuation").match(_sentence_text(sent).strip())):
            break
        found.append(next_index)
    return found


def _topic_sentences(doc: Doc, sentences: list[Span], drafts: list[_Draft]) -> list[list[Span]]:
    """For each draft, the sentences that say what was discussed at that meeting. The document's own
    subject (a meeting reported in its first sentences) owns the rest of the document but for what other
    meetings' reports take; any other meeting owns its reports and the sentences that go on about them."""
    index_of = {sent.start: i for i, sent in enumerate(sentences)}
    reports = [[index_of[s.start] for s in draft.sentences] for draft in drafts]
    taken = {i for found in reports for i in found}
    spans: list[set[int]] = []
    for draft, found in zip(drafts, reports):
        alone = [p for p in draft.people if not any(d is not draft and any(p is q for q in d.people) for d in drafts)]
        own = set(found)
        for index in found:
            own.update(_follow_ups(doc, sentences, index, alone, taken, draft.first_person))
        spans.append(own)
    result = []
    for number, (draft, own) in enumerate(zip(drafts, spans)):
        if number == 0 and min(reports[number]) < LEAD_SENTENCES:
            others = set().union(*(s for k, s in enumerate(spans) if k != number)) if len(spans) > 1 else set()
            own = {i for i in range(min(reports[number]), len(sentences)) if i not in others}
        result.append([sentences[i] for i in sorted(own)])
    return result


# How alike two spellings of a surname must be to be one name ("Zelanski", "Zełnski").
VARIANT_SIMILARITY = 0.8


def _without_variants(people: list[Person]) -> list[Person]:
    """The people but for one named by a lone surname that is another spelling of another's surname
    ("President Wolodymyr Zelanski ... said Zełnski"): a person is not in a meeting with himself.
    People with given names of their own ("Volodymyr Zelensky", "Olena Zelenska") stay apart."""
    def spelling(name: str) -> str:
        letters = unicodedata.normalize("NFKD", name.lower().replace("ł", "l"))
        return "".join(c for c in letters if c.isalpha())

    kept: list[Person] = []
    for person in people:
        key = spelling(person.surname)
        if len(person.name.split()) == 1 and key and any(
                SequenceMatcher(None, key, spelling(other.surname)).ratio() >= VARIANT_SIMILARITY
                for other in people if other is not person and len(other.name.split()) > 1):
            continue
        kept.append(person)
    return kept


def _name_words(person: Person) -> set[str]:
    return {key for key in (surname_key(word) for word in person.name.split()) if key}


def _fold_same_people(drafts: list[_Draft]) -> list[_Draft]:
    """One meeting for drafts whose people are all the same people, written more or less fully
    ("President XI" and "XI Jinping"): each person of the one shares a name word with a person of the
    other. A doubled meeting is worse than a missing one."""
    kept: list[_Draft] = []
    for draft in drafts:
        same = next((k for k in kept if len(k.people) == len(draft.people) and all(
            any(_name_words(p) & _name_words(q) for q in k.people) for p in draft.people)), None)
        if same is None:
            kept.append(draft)
        else:
            same.sentences.extend(s for s in draft.sentences if all(s.start != t.start for t in same.sentences))
    return kept


def extract_meetings(doc: Doc) -> list[Meeting]:
    """Meetings between named people found in an annotated Doc."""
    drafts: list[_Draft] = []
    sentences = list(doc.sents)
    made: dict[str, Person] = {}  # people this extractor names itself: the author, "Mr. Modi"
    author = _author(doc, made)
    current: _Draft | None = None  # the meeting a sentence that refers back ("During the talks") joins
    for index, sent in enumerate(sentences):
        cue = _cue(sent)
        if cue is None:
            if drafts and _pattern("attended").search(_sentence_text(sent)):
                drafts[-1].add(_named_people(doc, sent))
            continue
        if _planned(doc, sent):
            continue
        aside = _side_clauses(sent, cue) + _apart(sent)
        people = _subject_people(doc, sent, cue, aside) + _named_people(doc, sent, aside)
        people = [p for i, p in enumerate(people) if all(p is not q for q in people[:i])]
        for extra in _honorific_people(doc, sent, made) + _missed_names(doc, sent, made):
            if all(extra is not known for known in people):
                people.append(extra)
        first_person = author is not None and _first_person(sent, cue)
        if first_person and all(p is not author for p in people):
            people.insert(0, author)
        event = _is_event(sent)
        if first_person and _mode([sent]) == "phone" and len(people) > 2:
            # "I spoke with X, Y and Z": each is a call of its own.
            for counterpart in people[1:]:
                drafts.append(_Draft([author, counterpart], [sent], first_person=True))
            current = drafts[-1]
            continue
        calls = None if first_person or len(people) < 3 or _mode([sent]) != "phone" else _calls_each(doc, sent, cue, people)
        if calls:
            # "Zelenskyy also spoke with X, Y and Z": as in a first-person report, a call each.
            drafts.extend(_Draft(list(pair), [sent]) for pair in calls)
            current = drafts[-1]
            continue
        if first_person and len(people) < 2:
            current = None  # the author with no named counterpart ("we talked with students"): what
            continue        # follows about "the meeting" is about that one
        target = next((d for d in drafts if d.holds(people)), None)
        if target is None and not first_person and len(people) >= 2:
            # the meeting told of again with more of its people ("X said alongside Y ... after their
            # talks", then "X, Y, Z and W attend a news conference during their meeting")
            target = next((d for d in drafts if not d.first_person and len(d.people) >= 2 and _Draft(people).holds(d.people)), None)
        if target is None and len(people) < 2 and current is not None and (
                _refers_to(doc, sent, current) or (_pattern("same_meeting").search(_sentence_text(sent))
                                                   and all(_acts(doc, sent, p) for p in people))):
            target = current
        if target is None and not first_person:
            # more people who take part in a conference or council ("the Congress ... Kälin said")
            target = next((d for d in drafts if d.event and d.shares(people)), None)
        if target is None:
            if len(people) < 2 and not event:
                continue
            target = _Draft(first_person=first_person)
            drafts.append(target)
        fresh = not target.sentences
        target.add(people)
        target.sentences.append(sent)
        current = target
        # Only the report that starts a meeting makes it an event of its own: a later sentence's
        # summit or council ("since the summit last year, which X also attended") is another one.
        # and only in the document's lead: a council met further on in a news story ("noting that
        # Monday's meeting of the Security Council is ...") is not what the story is about.
        target.event = target.event or (event and fresh and index < LEAD_SENTENCES)
        if target.event:
            target.add(_speakers(doc, sentences[index + 1:]))
    for draft in drafts:
        draft.people = _without_variants(draft.people)
    drafts = _fold_same_people([d for d in drafts if len(d.people) >= 2])
    meetings = []
    for draft, said in zip(drafts, _topic_sentences(doc, sentences, drafts)):
        mode = _mode(draft.sentences)
        place, region, country = (None, None, None) if mode == "phone" else _place(
            doc, _place_sentences(doc, draft, sentences), draft.sentences)
        meetings.append(Meeting(
            participants=[p.name for p in draft.people],
            mode=mode,
            place=place,
            region=region,
            country=country,
            date=_date(doc, draft.sentences),
            evidence=[evidence_of(doc, s.start_char, s.end_char) for s in draft.sentences],
            confidence=0.6,
            actors=participant_actors(draft.people),
            topics=topics_of(said),
        ))
    return meetings


# --- the kind: storage, merging, review, listing and scoring of meetings --------------------

MIN_JACCARD = 0.5  # FACTS.md matches meetings whose participants' surnames overlap this much


def surnames(participants: list[str] | None) -> set[str]:
    return {key for key in (surname_key(name) for name in participants or []) if key}


def jaccard(a: set[str], b: set[str]) -> float:
    union_ = a | b
    return len(a & b) / len(union_) if union_ else 0.0


class MeetingKind(FactKind):
    """One meeting per set of participants and day: mentions on the same day whose participants'
    surnames overlap by Jaccard >= 0.5 are one meeting (FACTS.md's own matching rule)."""

    name = "meetings"
    label = "Meetings"
    fact_class = Meeting
    columns = (
        Column("participants", "json", required=True, doc="person names, union over mentions"),
        Column("mode", "str", 16),
        Column("place", "str", 256),
        Column("region", "str", 8, index=True),
        Column("country", "str", 3),
        Column("date", "str", 10, index=True),
        Column("actors", "json", doc="the actor codes the participants speak for, union over mentions (0003)"),
        Column("topics", "json", doc="topic codes discussed at the meeting, union over mentions (0004)"),
    )
    # (region, date): the web's meetings list filtered by region walks it in date order.
    indexes = (("region", "date"),)
    clustered = True
    editable = {
        "participants": checks.people(2), "mode": checks.choice(MEETING_MODES, required=False),
        "place": checks.text(256), "region": checks.region(), "country": checks.actor(required=False),
        "date": checks.date, "actors": checks.people(0), "topics": checks.codes(MEETING_TOPICS),
    }
    listing = Listing(
        date="date",
        columns=("id", "date", "participants", "mode", "place", "region", "country", "topics", "mention_count",
                 "confidence", "review_state"),
        sorts=("date", "mode", "place", "region", "country", "mention_count", "id"),
        text=("participants", "place"),
        partner="actors", partner_list=True, person="participants", person_list=True, region="region",
        choices={"mode": MEETING_MODES, "topic": MEETING_TOPICS},
    )
    scored_fields = ("mode", "country", "region", "date")
    scored_sets = ("topics",)

    def extract(self, doc: Doc) -> list[Meeting]:
        return extract_meetings(doc)

    def seen(self, fields: Mapping[str, Any], published: str | None) -> str | None:
        """A meeting is reported for its own day when it has one, else its document's."""
        date = fields.get("date")
        return str(date) if date and len(str(date)) == 10 else published

    def merge_key(self, fields: Mapping[str, Any], seen: str | None) -> str:
        return str(fields.get("date") or seen or "")

    def rank(self, fact: Any, fields: Mapping[str, Any], seen: str | None) -> tuple | None:
        score = jaccard(surnames(fields.get("participants")), surnames(fact.participants))
        return (score,) if score >= MIN_JACCARD else None

    def fold(self, fact: Any, fields: Mapping[str, Any], seen: str | None, fresh: bool) -> None:
        if fresh:
            super().fold(fact, fields, seen, fresh)
            fact.actors = union([], fields.get("actors"))
            fact.topics = union([], fields.get("topics"))
            return
        known = surnames(fact.participants)
        merged = list(fact.participants or [])
        for person in fields.get("participants") or []:
            key = surname_key(person)
            if key and key not in known:
                known.add(key)
                merged.append(person)
        fact.participants = merged
        for name in ("mode", "place", "region", "country", "date"):
            setattr(fact, name, first_filled(getattr(fact, name), fields.get(name)))
        fact.actors = union(fact.actors, fields.get("actors"))
        fact.topics = union(fact.topics, fields.get("topics"))

    def describe(self, fact: Mapping[str, Any]) -> str:
        people = fact.get("participants") or []
        return f"{' + '.join(people)} ({fact.get('mode') or 'meeting'})"

    def pair(self, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> float | None:
        """Jaccard overlap of the participants' surnames, when at least 0.5."""
        gold_names, pred_names = surnames(gold.get("participants")), surnames(pred.get("participants"))
        if not gold_names or not pred_names:
            return None
        score = jaccard(gold_names, pred_names)
        return score if score >= MIN_JACCARD else None


KIND = MeetingKind()
