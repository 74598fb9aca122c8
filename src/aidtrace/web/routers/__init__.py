"""One router per resource; each serves its HTML pages and its ``/api`` endpoints."""
