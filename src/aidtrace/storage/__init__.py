"""The aidtrace registry: documents, merged facts, mentions and reviews in SQLite or PostgreSQL."""
