"""aidtrace: evidence-linked facts about international support for Ukraine."""
__version__ = "0.1.0"
