"""PLACEHOLDER until its owner writes it."""
from spacy.language import Language


@Language.component("aidtrace_people")
def _annotate(doc):
    doc._.people = []
    doc._.person_mentions = []
    return doc
