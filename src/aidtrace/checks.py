"""Checks of the values a reviewer writes into a fact: one set for the command line and the web.

Each check takes a raw value (a string from a form or the command line, or a JSON value from
the API) and returns it typed and normalised, or raises :class:`InvalidValue` saying what is
wrong; the caller names the field. Actor and region codes come from the gazetteer, amounts
and counts are bounded, dates are real calendar dates.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from .gazetteer import all_regions, is_actor

# A check of one field's value: raw value in, typed value out, InvalidValue on nonsense.
Check = Callable[[Any], Any]

# The largest amount a correction may give: ten trillion (no aid package comes close; 1e308 is a typo).
MAX_AMOUNT = 1e13
MAX_QUANTITY = 10_000_000
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
EMPTY = ("", "null", "none")


class InvalidValue(ValueError):
    """A value a field cannot take; str() says why (without the field's name)."""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in EMPTY)


def text(limit: int, required: bool = False) -> Check:
    """Free text of at most ``limit`` characters, trimmed; empty is None unless required."""
    def check(value: Any) -> Any:
        if _blank(value):
            if required:
                raise InvalidValue("must not be empty")
            return None
        value = str(value).strip()
        if len(value) > limit:
            raise InvalidValue(f"is longer than {limit} characters")
        return value
    return check


def choice(options: tuple[str, ...], required: bool = True) -> Check:
    """One value of a closed vocabulary (FACTS.md)."""
    def check(value: Any) -> Any:
        if _blank(value):
            if required:
                raise InvalidValue(f"must be one of {', '.join(options)}")
            return None
        value = str(value).strip()
        if value not in options:
            raise InvalidValue(f"must be one of {', '.join(options)}, not {value!r}")
        return value
    return check


def actor(required: bool = True) -> Check:
    """An actor code the gazetteer knows: ISO 3166-1 alpha-3 or an organisation (EU, NATO ...)."""
    def check(value: Any) -> Any:
        if _blank(value):
            if required:
                raise InvalidValue("must be an actor code such as EST or EU")
            return None
        code = str(value).strip().upper()
        if not is_actor(code):
            raise InvalidValue(f"must be a known ISO 3166-1 alpha-3 code or organisation (EU, NATO, ...), not {code!r}")
        return code
    return check


def region(required: bool = False) -> Check:
    """An ISO 3166-2:UA region code (UA-18)."""
    codes = {code for code, _ in all_regions()}

    def check(value: Any) -> Any:
        if _blank(value):
            if required:
                raise InvalidValue("must be an ISO 3166-2:UA region code such as UA-18")
            return None
        code = str(value).strip().upper()
        if code not in codes:
            raise InvalidValue(f"must be an ISO 3166-2:UA region code such as UA-18, not {code!r}")
        return code
    return check


def date(value: Any) -> Any:
    """A real date YYYY-MM-DD, or a month YYYY-MM, or a year YYYY."""
    if _blank(value):
        return None
    value = str(value).strip()
    match = _DATE.match(value)
    try:
        if not match:
            raise ValueError
        year, month, day = (int(part) if part else None for part in match.groups())
        dt.date(year, month or 1, day or 1)
        if day is not None and month is None:
            raise ValueError
    except ValueError:
        raise InvalidValue(f"must be a date YYYY-MM-DD (or YYYY-MM, YYYY), not {value!r}") from None
    return value


def number(kind: type, limit: float) -> Check:
    """A number of ``kind`` (int or float) from 0 to ``limit``."""
    def check(value: Any) -> Any:
        if _blank(value):
            return None
        if isinstance(value, bool):
            raise InvalidValue("must be a number")
        try:
            if kind is int and isinstance(value, float) and not value.is_integer():
                raise ValueError
            result = kind(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError, OverflowError):
            raise InvalidValue("must be a whole number" if kind is int else "must be a number") from None
        if isinstance(result, float) and not math.isfinite(result):
            raise InvalidValue("must be a finite number")
        if result < 0:
            raise InvalidValue("must not be negative")
        if result > limit:
            raise InvalidValue(f"must be at most {limit:,.0f}")
        return result
    return check


amount = number(float, MAX_AMOUNT)
quantity = number(int, MAX_QUANTITY)


def flag(value: Any) -> Any:
    """A yes/no value: true/false, yes/no, 1/0 (a JSON boolean as it is)."""
    if isinstance(value, bool):
        return value
    word = str(value if value is not None else "").strip().lower()
    if word in ("true", "yes", "1", "on"):
        return True
    if word in ("false", "no", "0", "off", "", "null", "none"):
        return False
    raise InvalidValue(f"must be true or false, not {value!r}")


def currency(value: Any) -> Any:
    """An ISO 4217 code (EUR)."""
    if _blank(value):
        return None
    code = str(value).strip().upper()
    if not _CURRENCY.match(code):
        raise InvalidValue(f"must be an ISO 4217 code such as EUR, not {code!r}")
    return code


def people(minimum: int) -> Check:
    """A list of person names: a JSON list, or text separated by ';' or ','."""
    def check(value: Any) -> Any:
        if isinstance(value, str):
            value = re.split(r"[;,]", value)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidValue("must be a list of names (separated by ';')")
        names = [v.strip() for v in value if v.strip()]
        if len(names) < minimum:
            raise InvalidValue(f"needs at least {minimum} names")
        if any(len(name) > 256 for name in names):
            raise InvalidValue("has a name longer than 256 characters")
        return names
    return check


def codes(options: tuple[str, ...]) -> Check:
    """A list of codes of a closed vocabulary: a JSON list, or text separated by ';' or ','."""
    def check(value: Any) -> Any:
        if _blank(value):
            return []
        if isinstance(value, str):
            value = [part.strip() for part in re.split(r"[;,]", value) if part.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidValue("must be a list of codes (separated by ';')")
        unknown = [v for v in value if v not in options]
        if unknown:
            raise InvalidValue(f"has unknown codes {', '.join(unknown)} (known: {', '.join(options)})")
        return list(dict.fromkeys(value))
    return check
