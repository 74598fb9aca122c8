"""Ingestion: files, corpora, web pages and feeds into the aidtrace registry."""
