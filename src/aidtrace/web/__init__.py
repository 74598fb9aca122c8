"""The web face of the registry: ``aidtrace serve`` (FastAPI pages and a JSON API)."""
