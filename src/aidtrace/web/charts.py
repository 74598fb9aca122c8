"""Small server-rendered SVG charts (no script library, nothing inline to trip the CSP)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

from markupsafe import Markup

from ..facts.commitments import COMMITMENT_CATEGORIES

SVG_NS = "http://www.w3.org/2000/svg"


def timeline_chart(timeline: list[dict[str, Any]], width: int = 720, height: int = 220) -> Markup:
    """Stacked bars of commitments per month, one colour per category (classes ``cat-<name>``),
    with a legend. ``timeline`` rows are ``{"month", "category", "count"}``."""
    if not timeline:
        return Markup("")
    per_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in timeline:
        per_month[row["month"]][row["category"]] += int(row["count"])
    months = sorted(per_month)
    tallest = max(sum(v.values()) for v in per_month.values())
    left, bottom, top, legend = 30, 40, 10, 18
    plot_height = height - bottom - top - legend
    step = (width - left - 10) / max(1, len(months))
    bar = max(4.0, min(40.0, step * 0.7))
    svg = ET.Element("svg", {"xmlns": SVG_NS, "viewBox": f"0 0 {width} {height}", "class": "chart", "role": "img",
                             "aria-label": "Commitments per month by category"})
    ET.SubElement(svg, "line", {"x1": str(left), "y1": str(top + legend + plot_height), "x2": str(width - 5),
                                "y2": str(top + legend + plot_height), "class": "axis"})
    scale = ET.SubElement(svg, "text", {"x": str(left - 4), "y": str(top + legend + 8), "class": "tick",
                                        "text-anchor": "end"})
    scale.text = str(tallest)
    for index, month in enumerate(months):
        x = left + index * step + (step - bar) / 2
        y = top + legend + plot_height
        for category in COMMITMENT_CATEGORIES + tuple(sorted(set(per_month[month]) - set(COMMITMENT_CATEGORIES))):
            number = per_month[month].get(category, 0)
            if not number:
                continue
            h = plot_height * number / tallest
            y -= h
            rect = ET.SubElement(svg, "rect", {"x": f"{x:.1f}", "y": f"{y:.1f}", "width": f"{bar:.1f}",
                                               "height": f"{h:.1f}", "class": f"cat-{category}"})
            ET.SubElement(rect, "title").text = f"{month}: {number} {category}"
        if len(months) <= 16 or index % max(1, len(months) // 12) == 0:
            label = ET.SubElement(svg, "text", {"x": f"{x + bar / 2:.1f}", "y": str(height - bottom + 16),
                                                "class": "tick", "text-anchor": "middle"})
            label.text = month
    for index, category in enumerate(COMMITMENT_CATEGORIES):
        x = left + index * 110
        ET.SubElement(svg, "rect", {"x": str(x), "y": str(top), "width": "10", "height": "10",
                                    "class": f"cat-{category}"})
        ET.SubElement(svg, "text", {"x": str(x + 14), "y": str(top + 9), "class": "tick"}).text = category
    ET.register_namespace("", SVG_NS)
    return Markup(ET.tostring(svg, encoding="unicode"))
