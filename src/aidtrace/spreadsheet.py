"""Cells for CSV files that people open in spreadsheet programs, from text that may be hostile.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) as a formula: ``=HYPERLINK(...)`` in a scraped page would become a live link
in an analyst's workbook. Every CSV aidtrace writes — ``aidtrace export`` and the web's
downloads — goes through :func:`csv_cell`, which makes such text inert by a leading apostrophe.
"""
from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: empty for None, lists joined by "; ", text never a live formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return csv_cell("; ".join("" if v is None else str(v) for v in value))
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)
