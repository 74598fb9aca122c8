"""RSS/Atom feeds through feedparser: the entries whose articles an ingest fetches."""
from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser

from .fetch import FetchError, Fetched


@dataclass(frozen=True)
class FeedEntry:
    """One feed entry: the article's link, and the title and date the feed gives for it."""

    link: str
    title: str | None
    published: str | None  # ISO YYYY-MM-DD


def _iso_day(parsed: time.struct_time | None) -> str | None:
    if not parsed:
        return None
    return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"


def parse_feed(fetched: Fetched) -> list[FeedEntry]:
    """The entries of a fetched feed with a link, in feed order; FetchError for a broken feed.

    feedparser is lenient: a feed with a minor flaw but entries is read; one that is not
    well-formed and yields no entry is reported as broken.
    """
    parsed = feedparser.parse(fetched.body, response_headers={"content-location": fetched.url})
    entries = []
    seen: set[str] = set()
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        link = urljoin(fetched.url, link)
        if link in seen:
            continue
        seen.add(link)
        published = _iso_day(entry.get("published_parsed") or entry.get("updated_parsed"))
        entries.append(FeedEntry(link=link, title=entry.get("title"), published=published))
    if not entries and parsed.get("bozo"):
        reason = parsed.get("bozo_exception")
        detail = str(reason).splitlines()[0] if reason else "not well-formed"
        raise FetchError(f"{fetched.url}: broken feed ({detail})")
    if not entries and not parsed.get("version"):
        raise FetchError(f"{fetched.url}: not an RSS or Atom feed")
    return entries
