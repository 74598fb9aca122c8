"""The map of Ukraine's 27 regions, read at run time from the installed ``pygal-maps-ua``
package (LGPL-3.0-or-later; see static/README.md) and turned into a clickable inline SVG.

The package's SVG is Inkscape output: one ``<g class="ua_<key> region map-element">`` per
region (Kherson in two groups). We keep only those groups, drop editor metadata and any
``style`` attributes (the page's Content-Security-Policy forbids inline styles), wrap each
group in a link to the region's page and give it a shade class the stylesheet colours.
"""
from __future__ import annotations

import copy
import math
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from importlib import resources

from markupsafe import Markup

from .names import regions

SVG_NS = "http://www.w3.org/2000/svg"
SHADES = 6  # shade-0 (nothing) .. shade-5 (most support); the stylesheet defines them
# SVG path tokens: a command letter or a number; "-.15.6" is -0.15 then 0.6, as the grammar says.
_TOKEN = re.compile(r"[A-Za-z]|-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "z": 0}


# The size of a patron label in map units, from the stylesheet's bold 18px font: a generous
# width per character (codes are capitals) and the line height, plus a gap kept between labels.
LABEL_CHAR_WIDTH = 12.5
LABEL_HEIGHT = 22.0
LABEL_GAP = 3.0
# Where a label may go when its region's centre is taken: rings of growing radius around the
# centre, eight directions each (up, down and the sides before the diagonals).
_RING_STEP = 20.0
_RINGS = 25
_DIRECTIONS = ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1))

Box = tuple[float, float, float, float]  # left, top, right, bottom


class MapUnavailable(RuntimeError):
    """pygal-maps-ua is not installed (or lacks regions), so there is no map to show."""


def _tenths(value: int) -> str:
    """A length in tenths of a unit, written tersely: 12 → "1.2", -5 → "-.5", 30 → "3"."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    if tenth == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{tenth}"


def _round_numbers(path: str, vertices: list[tuple[float, float]] | None = None) -> str:
    """The path redrawn with relative commands on a 0.1-unit grid (m, l, h, v, c, z only).

    Rounding each relative step on its own would let errors add up along a border and open
    gaps between neighbouring regions; rounding the absolute points and writing the
    differences keeps every vertex within 0.05 of where it was and the file a third smaller.
    The absolute end points are appended to ``vertices`` when given (for label placement).
    """
    tokens = _TOKEN.findall(path)
    out: list[str] = []
    previous = ""

    def emit(token: str) -> None:
        nonlocal previous
        # A separator is needed only where two numbers would fuse: "2" + ".6", "2" + "3".
        if previous and not previous[0].isalpha() and not token[0].isalpha() and not token.startswith("-"):
            if token[0].isdigit() or "." not in previous:
                out.append(" ")
        out.append(token)
        previous = token

    last_command = ""

    def emit_command(letter: str) -> None:
        nonlocal last_command
        # Repeated commands are implicit in SVG, and pairs after a moveto are linetos.
        if letter != "z" and (letter == last_command or (letter == "l" and last_command == "m")):
            return
        emit(letter)
        last_command = letter

    x = y = start_x = start_y = 0.0  # exact current point and subpath start
    qx = qy = 0  # the current point as written, in tenths

    def q(value: float) -> int:
        return int(round(value * 10))

    i = 0
    command = ""
    while i < len(tokens):
        if tokens[i][0].isalpha():
            command = tokens[i]
            i += 1
            if command.lower() == "z":
                emit_command("z")
                x, y, qx, qy = start_x, start_y, q(start_x), q(start_y)
                continue
        lower = command.lower()
        arity = _ARITY[lower]
        args = [float(t) for t in tokens[i:i + arity]]
        i += arity
        relative = command.islower()
        if lower in ("m", "l"):
            nx, ny = (x + args[0], y + args[1]) if relative else (args[0], args[1])
            emit_command(lower)
            emit(_tenths(q(nx) - qx)); emit(_tenths(q(ny) - qy))
            x, y, qx, qy = nx, ny, q(nx), q(ny)
            if vertices is not None:
                vertices.append((x, y))
            if lower == "m":
                start_x, start_y = nx, ny
                command = "l" if relative else "L"  # further pairs after a moveto are linetos
        elif lower == "h":
            nx = x + args[0] if relative else args[0]
            emit_command("h"); emit(_tenths(q(nx) - qx))
            x, qx = nx, q(nx)
        elif lower == "v":
            ny = y + args[0] if relative else args[0]
            emit_command("v"); emit(_tenths(q(ny) - qy))
            y, qy = ny, q(ny)
        else:  # cubic curve: three points, each relative to the current point
            points = [(x + args[k], y + args[k + 1]) if relative else (args[k], args[k + 1]) for k in (0, 2, 4)]
            emit_command("c")
            for px, py in points:
                emit(_tenths(q(px) - qx)); emit(_tenths(q(py) - qy))
            x, y = points[-1]
            qx, qy = q(x), q(y)
    return "".join(out)


@lru_cache(maxsize=1)
def _region_shapes() -> tuple[str, dict[str, list[ET.Element]], dict[str, tuple[float, float]]]:
    """The map's viewBox, per region code its SVG groups (cleaned), and a point inside it for labels."""
    try:
        source = resources.files("pygal_maps_ua").joinpath("UKR-ADM1_simplified.Svg").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise MapUnavailable("the region map needs the pygal-maps-ua package (pip install pygal-maps-ua)") from error
    root = ET.fromstring(source)
    by_key = {region.map_key: code for code, region in regions().items()}
    shapes: dict[str, list[ET.Element]] = {code: [] for code in regions()}
    centres: dict[str, tuple[float, float]] = {}
    for group in root.iter(f"{{{SVG_NS}}}g"):
        classes = (group.get("class") or "").split()
        key = next((c[3:] for c in classes if c.startswith("ua_")), None)
        if key is None or key not in by_key:
            continue
        clean = ET.Element("g")
        if group.get("transform"):
            clean.set("transform", group.get("transform"))
        vertices: list[tuple[float, float]] = []
        for path in group.iter(f"{{{SVG_NS}}}path"):
            clean.append(ET.Element("path", {"d": _round_numbers(path.get("d", ""), vertices)}))
        code = by_key[key]
        shapes[code].append(clean)
        if vertices and (code not in centres or len(vertices) > centres[code][2]):
            # The mean vertex of the region's biggest part: inside for the compact shapes of oblasts.
            centres[code] = (sum(v[0] for v in vertices) / len(vertices), sum(v[1] for v in vertices) / len(vertices),
                             len(vertices))
    missing = [code for code, groups in shapes.items() if not groups]
    if missing:
        raise MapUnavailable(f"the installed pygal-maps-ua map lacks regions {missing}")
    return root.get("viewBox") or "0 0 1200 800", shapes, {c: (x, y) for c, (x, y, _) in centres.items()}


def shade(value: float, maximum: float) -> int:
    """The shade class (0..SHADES-1) of a value on a scale from 0 to ``maximum``."""
    if value <= 0 or maximum <= 0:
        return 0
    return max(1, min(SHADES - 1, 1 + int((SHADES - 2) * value / maximum + 0.5)))


def label_box(x: float, y: float, text: str) -> Box:
    """The box a label centred at ``x`` with its baseline at ``y`` covers (text-anchor middle)."""
    half = len(text) * LABEL_CHAR_WIDTH / 2
    return (x - half, y - LABEL_HEIGHT * 0.8, x + half, y + LABEL_HEIGHT * 0.2)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] + LABEL_GAP and b[0] < a[2] + LABEL_GAP and a[1] < b[3] + LABEL_GAP and b[1] < a[3] + LABEL_GAP


def place_labels(anchors: dict[str, tuple[float, float, str]], width: float, height: float) -> dict[str, tuple[float, float]]:
    """Where each label goes so that no two overlap: at its anchor when that is free, else at
    the nearest free spot on rings around it (inside the ``width`` x ``height`` map).

    ``anchors`` maps a key to (x, y, text). Labels are placed in order of their anchors from
    top-left, so the result does not depend on the dict's order; one that had to move is
    drawn with a leader line back to its anchor (Kyiv city sits inside Kyiv Oblast, whose
    centres are a few units apart).
    """
    placed: dict[str, tuple[float, float]] = {}
    boxes: list[Box] = []
    for key in sorted(anchors, key=lambda k: (anchors[k][1], anchors[k][0], k)):
        x, y, text = anchors[key]
        candidates = [(x, y)] + [(x + dx * _RING_STEP * ring / math.hypot(dx, dy),
                                  y + dy * _RING_STEP * ring / math.hypot(dx, dy))
                                 for ring in range(1, _RINGS + 1) for dx, dy in _DIRECTIONS]
        inside = [c for c in candidates if _within(label_box(*c, text), width, height)] or candidates
        spot = next((c for c in inside if not any(_overlaps(label_box(*c, text), b) for b in boxes)), inside[-1])
        placed[key] = spot
        boxes.append(label_box(*spot, text))
    return placed


def _within(box: Box, width: float, height: float) -> bool:
    return box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height


def _leader_end(x: float, y: float, box: Box) -> tuple[float, float]:
    """The point of a label's box nearest to its anchor, where the leader line ends."""
    return min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])


def render_map(values: dict[str, float], labels: dict[str, str], href: str = "/regions/{code}",
               patrons: dict[str, list[str]] | None = None) -> Markup:
    """An inline ``<svg>`` of the regions, each a link shaded by ``values[code]`` with a
    tooltip ``labels[code]`` and, when given, its patrons' codes written on it, drawn above
    every region and placed by :func:`place_labels` so that no two labels overlap.
    All text is escaped by the serializer."""
    view_box, shapes, centres = _region_shapes()
    maximum = max(values.values(), default=0.0)
    svg = ET.Element(
        "svg",
        {"xmlns": SVG_NS, "viewBox": view_box, "class": "ua-map", "role": "img",
         "aria-label": "Map of Ukraine's regions shaded by support received"},
    )
    for code, groups in shapes.items():
        level = shade(values.get(code, 0.0), maximum)
        link = ET.SubElement(
            svg, "a",
            {"href": href.format(code=code), "class": f"region shade-{level}", "data-region": code, "id": f"map-{code}"},
        )
        title = ET.SubElement(link, "title")
        title.text = labels.get(code, code)
        for group in groups:
            link.append(copy.deepcopy(group))
    anchors = {}
    for code, names in (patrons or {}).items():
        if names and code in centres:
            anchors[code] = (*centres[code], " ".join(names[:3]) + (" …" if len(names) > 3 else ""))
    _, _, map_width, map_height = (float(part) for part in view_box.split())
    labels_group = ET.SubElement(svg, "g", {"class": "labels"})
    for code, (x, y) in place_labels(anchors, map_width, map_height).items():
        anchor_x, anchor_y, text = anchors[code]
        if (x, y) != (anchor_x, anchor_y):
            end_x, end_y = _leader_end(anchor_x, anchor_y, label_box(x, y, text))
            ET.SubElement(labels_group, "line", {"x1": f"{anchor_x:.0f}", "y1": f"{anchor_y:.0f}", "x2": f"{end_x:.0f}",
                                                 "y2": f"{end_y:.0f}", "class": "leader", "data-region": code})
            ET.SubElement(labels_group, "circle", {"cx": f"{anchor_x:.0f}", "cy": f"{anchor_y:.0f}", "r": "2.5",
                                                   "class": "anchor-dot"})
        label = ET.SubElement(labels_group, "text", {"x": f"{x:.0f}", "y": f"{y:.0f}", "class": "patron-label",
                                                     "text-anchor": "middle", "data-region": code})
        label.text = text
    ET.register_namespace("", SVG_NS)
    # ElementTree escapes text and attribute values; the result is safe to embed as-is.
    return Markup(ET.tostring(svg, encoding="unicode"))
