"""Small server-rendered SVG charts (no script library, nothing inline to trip the CSP)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

from markupsafe import Markup

from ..facts.commitments import COMMITMENT_CATEGORIES
from .pages import money

SVG_NS = "http://www.w3.org/2000/svg"
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Room one month label needs on the axis ("Sep" above "2023" at the tick font) plus a gap:
# labels are spread so that no two come closer than this.
LABEL_ROOM = 36.0
# How many months apart labels may be: every month, then every 2nd, quarter, 4th, half-year,
# year, and whole numbers of years for long ranges.
LABEL_STRIDES = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)


def label_stride(step: float) -> int:
    """How many months apart the axis labels stand: the fewest that keep labels from colliding
    when each month takes ``step`` pixels."""
    return next((k for k in LABEL_STRIDES if k * step >= LABEL_ROOM), LABEL_STRIDES[-1])


def _labelled(month: str, stride: int) -> bool:
    """Whether a month gets a label: the first month of a stride-aligned period of the calendar
    (every quarter starts in Jan/Apr/Jul/Oct, every year in January), so labels read evenly."""
    year, number = int(month[:4]), int(month[5:7])
    if stride < 12:
        return (number - 1) % stride == 0
    return number == 1 and year % (stride // 12) == 0


def timeline_chart(timeline: list[dict[str, Any]], months: list[str], measure: str = "count",
                   width: int = 720, height: int = 240) -> Markup:
    """Stacked bars per month, one colour per category (classes ``cat-<name>``), with a legend.

    ``months`` is the time axis: every month from the first to the last, so a month without
    commitments keeps its place (a tick with no bar). ``measure`` is ``count`` (commitments)
    or ``eur`` (their summed EUR, running totals and unpriced ones left out). ``timeline`` rows
    are ``{"month", "category", "count", "eur"}``.
    """
    if not months:
        return Markup("")
    per_month: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[str, int] = defaultdict(int)
    for row in timeline:
        value = row["count"] if measure == "count" else (row.get("eur") or 0.0)
        per_month[row["month"]][row["category"]] += float(value)
        counts[row["month"]] += int(row["count"])
    tallest = max((sum(per_month[m].values()) for m in months), default=0.0) or 1.0
    left, right, bottom, top, legend = 56, 10, 44, 10, 18
    base = height - bottom
    plot_height = base - top - legend
    step = (width - left - right) / len(months)
    bar = max(2.0, min(40.0, step * 0.7))
    what = "Commitments" if measure == "count" else "EUR committed"
    svg = ET.Element("svg", {"xmlns": SVG_NS, "viewBox": f"0 0 {width} {height}", "class": f"chart chart-{measure}",
                             "role": "img", "aria-label": f"{what} per month by category, {months[0]} to {months[-1]}"})
    ET.SubElement(svg, "line", {"x1": str(left), "y1": str(base), "x2": str(width - right), "y2": str(base),
                                "class": "axis"})
    scale = ET.SubElement(svg, "text", {"x": str(left - 4), "y": str(top + legend + 8), "class": "tick y-max",
                                        "text-anchor": "end"})
    scale.text = f"{tallest:,.0f}" if measure == "count" else money(tallest)
    ET.SubElement(svg, "text", {"x": str(left - 4), "y": str(base), "class": "tick", "text-anchor": "end"}).text = "0"
    stride = label_stride(step)
    categories = COMMITMENT_CATEGORIES + tuple(sorted({c for m in per_month.values() for c in m}
                                                      - set(COMMITMENT_CATEGORIES)))
    for index, month in enumerate(months):
        centre = left + index * step + step / 2
        slot = ET.SubElement(svg, "g", {"class": "month", "data-month": month, "data-count": str(counts[month])})
        ET.SubElement(slot, "title").text = f"{month}: {counts[month]} commitment(s)" + (
            f", {money(sum(per_month[month].values()))} summed" if measure == "eur" else "")
        ET.SubElement(slot, "line", {"x1": f"{centre:.1f}", "y1": str(base), "x2": f"{centre:.1f}", "y2": str(base + 4),
                                     "class": "month-tick"})
        y = float(base)
        for category in categories:
            number = per_month[month].get(category, 0.0)
            if not number:
                continue
            h = plot_height * number / tallest
            y -= h
            rect = ET.SubElement(slot, "rect", {"x": f"{centre - bar / 2:.1f}", "y": f"{y:.1f}", "width": f"{bar:.1f}",
                                                "height": f"{h:.1f}", "class": f"cat-{category}"})
            shown = f"{number:,.0f}" if measure == "count" else money(number)
            ET.SubElement(rect, "title").text = f"{month}: {shown} {category}"
        if _labelled(month, stride):
            label = ET.SubElement(svg, "text", {"x": f"{centre:.1f}", "y": str(base + 16), "class": "tick month-label",
                                                "text-anchor": "middle", "data-month": month})
            number = int(month[5:7])
            label.text = MONTH_NAMES[number - 1] if stride < 12 else month[:4]
            # The year goes under January and under the first label, whatever its month.
            if stride < 12 and (number == 1 or index < stride):
                ET.SubElement(svg, "text", {"x": f"{centre:.1f}", "y": str(base + 30), "class": "tick year-label",
                                            "text-anchor": "middle"}).text = month[:4]
    for index, category in enumerate(COMMITMENT_CATEGORIES):
        x = left + index * 110
        ET.SubElement(svg, "rect", {"x": str(x), "y": str(top), "width": "10", "height": "10",
                                    "class": f"cat-{category}"})
        ET.SubElement(svg, "text", {"x": str(x + 14), "y": str(top + 9), "class": "tick"}).text = category
    ET.register_namespace("", SVG_NS)
    return Markup(ET.tostring(svg, encoding="unicode"))
