"""PLACEHOLDER until its owner writes it."""


def extract_commitments(doc):
    return []
