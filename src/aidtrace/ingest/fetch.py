"""Fetching articles and feeds over HTTP(S) with httpx: timeouts, a size cap, content-type
checks, a few retries, strict decoding. Every failure is a :class:`FetchError` whose str() is
one line naming the URL, so the ingest reports it and goes on.
"""
from __future__ import annotations

import codecs
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx

from .. import __version__
from ..model import Document

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
     "application/feed+json"}
)
MAX_BYTES = 5 * 1024 * 1024  # no news article needs more; a bigger answer is refused, not read
RETRIES = 3  # extra attempts after the first, for transient failures only
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
BACKOFF_S = 0.3
USER_AGENT = f"aidtrace/{__version__} (+https://github.com/aidtrace)"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding=["']([A-Za-z0-9_\-.]+)""", re.IGNORECASE)


class FetchError(Exception):
    """A URL that could not be fetched or read; str() is one line naming it."""


@dataclass
class Fetched:
    """A successful HTTP answer: the final URL, its media type, the raw body and when it came."""

    url: str
    media_type: str
    body: bytes
    charset: str | None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def is_feed(self) -> bool:
        """Whether the answer is a feed (by media type, or XML that opens like RSS/Atom/RDF)."""
        if self.media_type in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
            return True
        if self.media_type in FEED_TYPES:
            head = self.body[:2048].lstrip().lower()
            return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))
        return False

    def text(self) -> str:
        """The body decoded strictly: header charset, else a meta/XML declaration, else UTF-8."""
        declared = self.charset or _sniff_charset(self.body)
        encoding = declared or "utf-8"
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise FetchError(f"{self.url}: unknown character set {encoding!r}") from error
        try:
            return self.body.decode(encoding)
        except UnicodeDecodeError as error:
            raise FetchError(
                f"{self.url}: undecodable bytes as {encoding} at byte {error.start} ({error.reason})"
            ) from error


def _sniff_charset(body: bytes) -> str | None:
    head = body[:4096]
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


class Fetcher:
    """An HTTP client for articles and feeds; use as a context manager or call :meth:`close`."""

    def __init__(
        self,
        timeout_s: float = 15.0,
        max_bytes: int = MAX_BYTES,
        retries: int = RETRIES,
        backoff_s: float = BACKOFF_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff_s = backoff_s
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
            follow_redirects=True,
            max_redirects=5,
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                     "application/atom+xml,application/xml;q=0.9,*/*;q=0.1"},
            transport=transport,
        )

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def get(self, url: str, accept: frozenset[str] = HTML_TYPES | FEED_TYPES) -> Fetched:
        """GET ``url``, retrying connection failures, timeouts, 429 and 5xx; FetchError otherwise."""
        attempt = 0
        while True:
            try:
                return self._get_once(url, accept)
            except _Transient as error:
                if attempt >= self.retries:
                    raise FetchError(f"{url}: {error} (after {attempt + 1} attempts)") from error
                time.sleep(self.backoff_s * (2**attempt))
                attempt += 1

    def _get_once(self, url: str, accept: frozenset[str]) -> Fetched:
        try:
            with self.client.stream("GET", url) as response:
                if response.status_code in RETRY_STATUS:
                    raise _Transient(f"HTTP {response.status_code} {response.reason_phrase}")
                if response.status_code >= 400:
                    raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
                media_type, charset = _content_type(response.headers.get("content-type", ""))
                if media_type not in accept:
                    shown = media_type or "no content-type"
                    raise FetchError(f"{url}: not an HTML page or feed ({shown})")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(f"{url}: too large ({int(declared):,} bytes; limit {self.max_bytes:,})")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(f"{url}: too large (more than {self.max_bytes:,} bytes)")
                    chunks.append(chunk)
                return Fetched(str(response.url), media_type, b"".join(chunks), charset)
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as error:
            raise _Transient(f"{type(error).__name__}: {str(error) or 'no answer'}") from error
        except httpx.TooManyRedirects as error:
            raise FetchError(f"{url}: too many redirects") from error
        except httpx.InvalidURL as error:
            raise FetchError(f"{url}: invalid URL ({error})") from error
        except httpx.UnsupportedProtocol as error:
            raise FetchError(f"{url}: unsupported protocol") from error
        except httpx.HTTPError as error:
            raise FetchError(f"{url}: {type(error).__name__}: {error}") from error

    def document(self, url: str, published: str | None = None, title: str | None = None) -> tuple[Document, datetime]:
        """Fetch an article page and turn it into a Document (main text and metadata via trafilatura)."""
        fetched = self.get(url, accept=HTML_TYPES)
        return page_document(fetched, published=published, title=title), fetched.fetched_at


class _Transient(Exception):
    """A failure worth another attempt."""


def _content_type(header: str) -> tuple[str, str | None]:
    parts = [part.strip() for part in header.split(";")]
    media_type = parts[0].lower()
    charset = None
    for part in parts[1:]:
        if part.lower().startswith("charset="):
            charset = part.split("=", 1)[1].strip().strip("\"'") or None
    return media_type, charset


def page_document(fetched: Fetched, published: str | None = None, title: str | None = None) -> Document:
    """The Document of a fetched HTML page; FetchError when it has no main text."""
    from ..documents import InputError, document_from_html

    html = fetched.text()
    try:
        document = document_from_html(html, doc_id=fetched.url, url=fetched.url)
    except InputError as error:
        raise FetchError(str(error)) from error
    if not document.text or not document.text.strip():
        raise FetchError(f"{fetched.url}: no article text found in the page")
    if not document.published and published:
        document.published = published
    if not document.title and title:
        document.title = title
    if not document.source:
        document.source = httpx.URL(fetched.url).host
    return document

