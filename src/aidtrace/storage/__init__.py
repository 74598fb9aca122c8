"""The aidtrace registry: documents, merged facts, mentions and reviews in SQLite or PostgreSQL."""

# The review states of a merged fact and the actions that move it between them (named here,
# without SQLAlchemy, so that the command line can offer them without loading the schema).
REVIEW_STATES: tuple[str, ...] = ("machine", "accepted", "rejected", "corrected")
REVIEW_ACTIONS: tuple[str, ...] = ("accept", "reject", "correct", "reset")
