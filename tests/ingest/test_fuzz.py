"""Fuzzing `Desk.ingest` with over a thousand generated malformed inputs.

A seeded `random.Random` writes files of every kind Backstory reads into tmp_path:
truncated, deeply nested and byte-corrupted HTML, huge single lines, empty and
whitespace-only files, random bytes under every suffix, legacy and broken encodings,
JSON Lines with bogus dates, invalid lines, non-objects, wrongly typed fields and very
long lines, broken RSS/Atom feeds and sitemaps (truncated XML, small entity bombs,
missing, malformed and unreachable links, links to broken pages served on 127.0.0.1),
invalid WARC archives (truncated, random bytes behind a `WARC/1.0` header, warcio-written
records with corrupted bodies or lengths), news-please JSON with missing or odd fields,
and texts with no content words at all. Valid articles (plain text, Markdown, HTML, JSONL
lines, news-please JSON, a WARC capture) are mixed in.

The inputs go through a few `Desk.ingest` calls on one real SQLite store. After every
call: no exception escapes; the report accounts for every input (records of JSONL, WARC,
feeds and sitemaps are named `path#N`); every failure says why and names an input; every
valid input is stored; and the database is consistent (whole articles with sentences,
mentions on existing sentences, the FTS index matching the sentences, SQLite integrity
and foreign keys). When a call raises, its inputs are split in halves and re-ingested into
fresh stores (within a budget of calls) until the inputs that raise on their own are named;
the halves that do not raise get the same checks, so one crash does not hide other bugs.

The inputs are the same on every run, except for the port numbers of the two servers on
127.0.0.1 in the URLs that feeds and sitemaps carry.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import logging
import random
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from backstory.config import Settings
from backstory.models import IngestReport
from backstory.pipeline import Desk
from tests.conftest import Databases, sql_count, sql_rows

SEED = 20250307
BATCHES = 9  # mixed batches of malformed and valid inputs
BATCH_SIZE = 110
MIN_INPUTS = 1000
BISECT_CALLS = 14  # extra ingest calls per batch for naming the inputs that raise
UNREACHABLE = "http://127.0.0.1:1"  # nothing listens on port 1

TOWNS = ("Lowmarsh", "Skarholm", "Brindle Cove", "Ostvik", "Harrowgate", "Pellmoor", "Quenby",
         "Tarn Ridge", "Vellacourt", "Wexhaven", "Yarrowfield", "Dunmere", "Carrick Bay")
BODIES = ("town council", "harbour authority", "ferry operator", "school board",
          "water utility", "fire brigade", "hospital trust", "rail company", "library service",
          "port police", "fishing cooperative", "tram depot")
VERBS = ("approved", "postponed", "rejected", "announced", "reviewed", "funded", "suspended",
         "expanded", "questioned", "delayed")
PLANS = ("a plan to rebuild the sea wall", "new motors for the tide gates", "a night bus route",
         "repairs to the north pier", "a study of winter flooding", "longer opening hours",
         "a second ferry crossing", "a ban on anchoring near the reef", "a new lifeboat station",
         "the dredging of the inner basin", "a cycle lane along the quay")
PEOPLE = ("Maren Holt", "Piet Okonjo", "Ines Varga", "Tomas Reyes", "Anja Lindqvist",
          "Kofi Mensah", "Lucia Ferraro", "Oskar Brandt", "Nadia Haddad", "Emil Sorensen",
          "Ruth Abernethy", "Jonas Weller")
ROLES = ("who chairs the finance committee", "a spokesperson for the operator",
         "the harbour master", "the mayor", "a local engineer", "the union representative")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "March", "April", "June", "September", "October", "November")
ROADS = ("harbour", "station", "mill", "chapel", "orchard", "ferry", "market")
# Texts with no content word: only English stop words, single characters and punctuation.
NO_CONTENT = ("a", "I", ".", "!!!", "?", "- - -", "…", "It is.", "It is what it is.",
              "Was it? It was.", "We were there.", "Why not?", "And so on.", "x y z",
              "1 2 3", "It is, it was, it will be.", "He was. She was. They were.",
              "Who? Whom? Which?", "Not now, not then.", "🙂 🙂", "\u200b.\u200b")
BOGUS_DATES: tuple[object, ...] = (
    "yesterday-ish", "2024-13-45", 12345, None, "", " ", "0000-00-00", "2024-02-30",
    "Mon, 32 Foo 2024 25:61:61 +0000", "9999999999", "2024-01-01T25:61:00",
    "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2024-02-19T10:00:00+25:00",
    "Tue, 04 Mar 99999 07:30:00 GMT", "\u0661\u0669\u0669\u0660-01-01", ["2024-01-01"],
    {"date": "2024-01-01"}, True, 1e308, "-1", "None",
)
MALFORMED_URLS = ("http://[::1", "http://127.0.0.1:abc/", "http://\u2603.invalid/",
                  "http://..//", f"{UNREACHABLE}/{'a' * 70_000}", "http://127.0.0.1:1/\udcff")
ODD_URLS = ("", "   ", "relative/page.html", "javascript:alert(1)", "mailto:desk@example.org",
            "ftp://127.0.0.1:1/x", "file:///etc/hostname", "http://", "http:///path",
            "//127.0.0.1:1/x", "http://127.0.0.1:1/ space.html")
ALL_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".json",
                ".jsonl", ".ndjson", ".xml", ".rss", ".atom", ".warc", ".warc.gz")
SITE_PAGES = ("harbour-flood.html", "council-vote.html", "front-page.html", "feed.xml",
              "atom.xml", "removed-story.html")


@dataclass(frozen=True, slots=True)
class Case:
    """One generated input file; `stored` lists the report names that must be stored."""

    path: Path
    kind: str
    stored: tuple[str, ...] = ()


class Corpus:
    """Writes the generated inputs (and the pages they link to) for one seeded run."""

    def __init__(self, rng: random.Random, folder: Path, served: Path, served_base: str,
                 site: str) -> None:
        self.rng = rng
        self.folder = folder
        self.served = served
        self.served_base = served_base
        self.site = site
        self.serial = itertools.count(1)
        self.pages: list[str] = []  # URLs of served pages (mostly broken)
        self.sitemaps: list[str] = []  # URLs of served child sitemaps
        folder.mkdir(parents=True, exist_ok=True)
        served.mkdir(parents=True, exist_ok=True)
        self._serve_pages()

    # -- building blocks --------------------------------------------------------------------

    def article(self) -> tuple[str, list[str]]:
        """A fresh short news article: its headline and paragraphs (unique by serial)."""
        r = self.rng
        number = next(self.serial)
        town, body, verb, plan = (r.choice(TOWNS), r.choice(BODIES), r.choice(VERBS),
                                  r.choice(PLANS))
        first, second = r.sample(PEOPLE, 2)
        title = f"{town} {body} {verb} {plan.split(' ', 1)[1]}"
        paragraphs = [
            f"The {body} of {town} {verb} {plan} on {r.choice(DAYS)}, {first}, "
            f"{r.choice(ROLES)}, told reporters at the harbour office.",
            f"The work would cost about {r.randint(2, 90)}.{r.randint(0, 9)} million crowns "
            f"and affect {r.randint(40, 9000)} households along the {r.choice(ROADS)} road, "
            f"according to figures in report number {number}.",
            f"{second} said residents had waited {r.randint(2, 30)} years for a decision and "
            f"asked for a public meeting in {r.choice(MONTHS)}.",
        ]
        return title, paragraphs[:r.randint(2, 3)]

    def article_html(self, *, charset: str = "utf-8") -> str:
        title, paragraphs = self.article()
        r = self.rng
        linked = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                             "headline": title, "datePublished": "2025-03-0"
                             f"{r.randint(1, 9)}", "author": {"name": r.choice(PEOPLE)},
                             "publisher": {"name": "Fuzz Gazette"}})
        body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
        return (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="{charset}">\n'
                f"<title>{title} | Fuzz Gazette</title>\n"
                '<meta property="og:site_name" content="Fuzz Gazette">\n'
                f'<script type="application/ld+json">{linked}</script>\n</head>\n<body>\n'
                '<nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>\n'
                f"<article>\n<h1>{title}</h1>\n{body}\n</article>\n"
                "<footer>All rights reserved.</footer>\n</body>\n</html>\n")

    def write(self, suffix: str, data: bytes | str, kind: str,
              stored: Sequence[str] = ()) -> Case:
        path = self.folder / f"{next(self.serial):05d}-{kind}{suffix}"
        path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str)
                         else data)
        return Case(path, kind, tuple(stored))

    def path_for(self, suffix: str, kind: str) -> Path:
        return self.folder / f"{next(self.serial):05d}-{kind}{suffix}"

    def noise(self, size: int) -> bytes:
        return self.rng.randbytes(size)

    def corrupt(self, data: bytes, *, edits: int) -> bytes:
        """The data with random bytes inserted, replaced or deleted at random places."""
        out = bytearray(data)
        for _ in range(edits):
            at = self.rng.randrange(len(out) + 1)
            action = self.rng.random()
            if action < 0.4 or not out:
                out[at:at] = self.noise(self.rng.randint(1, 16))
            elif action < 0.8:
                out[at:at + 1] = self.noise(1)
            else:
                del out[at:at + self.rng.randint(1, 32)]
        return bytes(out)

    def cut(self, data: bytes) -> bytes:
        return data[:self.rng.randrange(len(data))] if data else data

    def link(self) -> str:
        """A link as feeds and sitemaps carry them: good, broken, odd or malformed."""
        r = self.rng
        roll = r.random()
        if roll < 0.25:
            return f"{UNREACHABLE}/story-{next(self.serial)}.html"
        if roll < 0.45:
            return f"{self.site}/{r.choice(SITE_PAGES)}"
        if roll < 0.84:
            return r.choice(self.pages)
        if roll < 0.98:
            return r.choice(ODD_URLS)
        return r.choice(MALFORMED_URLS)

    # -- pages served on 127.0.0.1 for feeds and sitemaps to link to ------------------------

    def _serve_pages(self) -> None:
        r = self.rng
        makers: list[Callable[[], bytes]] = [
            lambda: self.article_html().encode(),
            lambda: self.cut(self.article_html().encode()),
            lambda: self.corrupt(self.article_html().encode(), edits=r.randint(1, 40)),
            lambda: self.nested_html(r.randint(200, 1500)).encode(),
            lambda: self.noise(r.randint(0, 3000)),
            lambda: b"",
            lambda: self.article_html(charset=r.choice(("latin-1", "shift_jis", "bogus-cs",
                                                        "utf-16"))).encode("latin-1", "replace"),
        ]
        for number in range(70):
            name = f"p{number}{r.choice(('.html', '.html', '.htm', '.txt', ''))}"
            (self.served / name).write_bytes(r.choice(makers)())
            self.pages.append(f"{self.served_base}/{name}")
        for number in range(8):
            name = f"sm{number}.xml"
            if number < 6:
                body = self.sitemap_xml(r.randint(1, 5), index=False)
            elif number == 6:
                body = self.sitemap_xml(2, index=True, children=self.sitemaps[:2])
            else:  # an index of an index of sitemaps: one level deeper than allowed
                body = self.sitemap_xml(1, index=True, children=self.sitemaps[6:7])
            (self.served / name).write_bytes(body)
            self.sitemaps.append(f"{self.served_base}/{name}")

    # -- malformed inputs -------------------------------------------------------------------

    def nested_html(self, depth: int) -> str:
        tag = self.rng.choice(("div", "span", "b", "section", "table><tr><td", "ul><li"))
        close = "" if self.rng.random() < 0.5 else f"</{tag.split('><')[0]}>" * depth
        _, paragraphs = self.article()
        return (f"<html><body>{f'<{tag}>' * depth}<p>{' '.join(paragraphs)}</p>{close}"
                "</body></html>")

    def truncated_html(self) -> Case:
        return self.write(self.rng.choice((".html", ".htm", ".xhtml")),
                          self.cut(self.article_html().encode()), "truncated-html")

    def deep_html(self) -> Case:
        return self.write(".html", self.nested_html(self.rng.randint(1000, 4000)), "nested-html")

    def corrupted_html(self) -> Case:
        data = self.corrupt(self.article_html().encode(), edits=self.rng.randint(1, 60))
        return self.write(self.rng.choice((".html", ".htm")), data, "bytes-in-html")

    def blank(self) -> Case:
        data = self.rng.choice(("", " ", "\n\n\t  \n", "\ufeff", "\u00a0\u2003\u3000",
                                "\r\n" * 50, "\x0b\x0c", "\ufeff   \n"))
        return self.write(self.rng.choice(ALL_SUFFIXES), data, "blank")

    def random_bytes(self) -> Case:
        r = self.rng
        size = r.choice((1, 2, 16, 300, 5000, 40_000))
        flavour = r.random()
        if flavour < 0.4:
            data = self.noise(size)
        elif flavour < 0.7:  # high bytes only: no NUL to give it away as binary
            data = bytes(r.randint(0x80, 0xFF) for _ in range(size))
        else:
            data = bytes(r.randint(0x20, 0x7E) for _ in range(size))
        return self.write(r.choice(ALL_SUFFIXES), data, "random-bytes")

    def non_utf8(self) -> Case:
        r = self.rng
        title, paragraphs = self.article()
        text = f"{title}\n\n" + "\n\n".join(paragraphs)
        text = text.replace("a", r.choice(("á", "å", "ä", "a"))).replace("o", "ø")
        encoding = r.choice(("latin-1", "cp1252", "shift_jis", "koi8-r", "utf-16-le",
                             "utf-16", "utf-32", "mac-roman", "cp437"))
        data = text.encode(encoding, "replace")
        if r.random() < 0.4:  # UTF-8 with stray invalid sequences
            data = self.corrupt(text.encode(), edits=r.randint(1, 10)).replace(b"\x00", b"")
        suffix = r.choice((".txt", ".md", ".html"))
        if suffix == ".html":
            declared = r.choice(("utf-8", "latin-1", "bogus", "utf-16", "x-mac-cyrillic"))
            data = (f'<html><head><meta charset="{declared}"></head><body><p>'.encode()
                    + data + b"</p></body></html>")
        return self.write(suffix, data, "non-utf8")

    def jsonl(self) -> Case:
        r = self.rng
        suffix = r.choice((".jsonl", ".jsonl", ".ndjson"))
        path = self.path_for(suffix, "jsonl")
        lines: list[str] = []
        stored: list[str] = []
        for _ in range(r.randint(1, 10)):
            roll = r.random()
            title, paragraphs = self.article()
            text = "\n".join(paragraphs)
            record: dict[str, object] = {"text": text, "title": title}
            if roll < 0.3:  # a valid line
                record.update(outlet="Fuzz Wire", published_at="2025-03-07",
                              url=f"https://example.org/{next(self.serial)}")
                lines.append(json.dumps(record))
                stored.append(f"{path}#{len(lines)}")
                continue
            if roll < 0.5:
                record["published_at"] = r.choice(BOGUS_DATES)
                line = json.dumps(record)
            elif roll < 0.65:  # a field of the wrong type
                field = r.choice(("text", "html", "title", "outlet", "url", "language",
                                  "author", "published_at"))
                record[field] = r.choice((5, 1.5, True, ["a", "b"], {"x": 1}, [], {}))
                line = json.dumps(record)
            elif roll < 0.75:  # not an object, or an object without a body
                line = r.choice(("[1, 2]", "5", '"text"', "null", "true", "[]", "{}", "NaN",
                                 "-Infinity", '{"title": "no body"}', '{"text": ""}',
                                 '{"text": "   "}', '{"html": "<p>"}'))
            elif roll < 0.88:  # not JSON
                whole = json.dumps(record)
                line = r.choice((whole[:r.randrange(1, len(whole))], whole + ",",
                                 whole.replace('"', "'"), whole[1:], "{" + whole,
                                 whole.replace(":", "=", 1), "\x00" + whole))
            elif roll < 0.92:  # JSON that decoders and encoders choke on
                line = r.choice(("[" * r.randint(2000, 60_000),
                                 '{"text": ' * r.randint(2000, 20_000),
                                 json.dumps({"text": "\ud800 " + text}),
                                 json.dumps({"text": "\x00\x01\x02 " + text})))
            elif roll < 0.95:  # a long line that is not JSON
                line = "x" * r.randint(100_000, 900_000)
            else:
                line = r.choice(("", "   ", "\t"))
            lines.append(line.replace("\n", " ").replace("\r", " "))
        ending = r.choice(("\n", "\n", "", "\n\n"))
        path.write_text("\n".join(lines) + ending, encoding="utf-8", errors="surrogatepass")
        return Case(path, "jsonl", tuple(stored))

    def news_please(self) -> Case:
        r = self.rng
        title, paragraphs = self.article()
        good = {"maintext": " ".join(paragraphs), "title": title,
                "date_publish": "2025-03-07 08:00:00", "authors": ["Ines Varga"],
                "source_domain": "fuzz.example", "url": "https://fuzz.example/a",
                "language": "en"}
        roll = r.random()
        if roll < 0.2:
            return self.write(".json", json.dumps(good), "news-please", stored=["<path>"])
        if roll < 0.6:
            record: dict[str, object] = dict(good)
            for _ in range(r.randint(1, 4)):
                key = r.choice((*good, "text", "title_page", "title_rss"))
                if r.random() < 0.3:
                    record.pop(key, None)
                else:
                    record[key] = r.choice((None, "", "None", 5, [], ["a", None, 3], {"a": 1},
                                            "[]", "['a', 'b']", "[", *BOGUS_DATES[:6]))
            data: object = record
        elif roll < 0.8:
            data = [r.choice((good, {}, None, 5, "text", [good]))
                    for _ in range(r.randint(0, 4))]
        else:
            data = r.choice(({}, [], None, 5, "just a string", {"maintext": None}))
        text = json.dumps(data)
        if r.random() < 0.2:
            text = r.choice((text[:r.randrange(1, max(2, len(text)))], "[" * 100_000,
                             text + " trailing", "{'maintext': 'single quotes'}"))
        return self.write(".json", text, "news-please")

    def feed_xml(self) -> bytes:
        r = self.rng
        style = r.choice(("rss", "atom", "rdf"))
        items = []
        for _ in range(r.randint(0, 6)):
            link = self.link() if r.random() < 0.9 else None
            title = self.article()[0] if r.random() < 0.8 else ""
            date = r.choice(("Tue, 04 Mar 2025 07:30:00 GMT", "2024-13-45", "yesterday-ish",
                             "", "2025-03-07T08:00:00Z", "Mon, 32 Foo 2024"))
            link = None if link is None else _xml_escape(link)
            if style == "atom":
                href = "" if link is None else f'<link href="{link}"/>'
                items.append(f"<entry><title>{title}</title>{href}"
                             f"<updated>{date}</updated></entry>")
            else:
                tag = "" if link is None else f"<link>{link}</link>"
                items.append(f"<item><title>{title}</title>{tag}<pubDate>{date}</pubDate>"
                             "</item>")
        bomb = r.random() < 0.15
        doctype = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
                   '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                   '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                   if bomb else "")
        name = "&lol3;" if bomb else "Fuzz Gazette"
        body = "".join(items)
        if style == "atom":
            doc = (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{name}</title>'
                   f"{body}</feed>")
        elif style == "rdf":
            doc = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                   'xmlns="http://purl.org/rss/1.0/"><channel><title>'
                   f"{name}</title></channel>{body}</rdf:RDF>")
        else:
            doc = f'<rss version="2.0"><channel><title>{name}</title>{body}</channel></rss>'
        return f'<?xml version="1.0" encoding="utf-8"?>{doctype}{doc}'.encode(
            "utf-8", "surrogatepass")

    def sitemap_xml(self, count: int, *, index: bool,
                    children: Sequence[str] | None = None) -> bytes:
        r = self.rng
        entries = []
        for _ in range(count):
            if index:
                pool = list(children) if children else [
                    *self.sitemaps, f"{UNREACHABLE}/sitemap.xml", f"{self.site}/feed.xml",
                    self.link()]
                loc = r.choice(pool)
                entries.append(f"<sitemap><loc>{_xml_escape(loc)}</loc></sitemap>")
                continue
            loc = _xml_escape(self.link()) if r.random() < 0.9 else ""
            news = ""
            if r.random() < 0.4:
                news = ("<news:news><news:publication><news:name>Fuzz News</news:name>"
                        "</news:publication><news:publication_date>"
                        f"{r.choice(('2025-03-07', '2024-13-45', 'soon', ''))}"
                        f"</news:publication_date><news:title>{self.article()[0]}"
                        "</news:title></news:news>")
            entries.append(f"<url><loc>{loc}</loc>{news}</url>" if loc or r.random() < 0.5
                           else f"<url>{news}</url>")
        root = "sitemapindex" if index else "urlset"
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                f"{''.join(entries)}</{root}>").encode("utf-8", "surrogatepass")

    def feed(self) -> Case:
        data = self.feed_xml()
        if self.rng.random() < 0.3:
            data = self.cut(data)
        elif self.rng.random() < 0.2:
            data = self.corrupt(data, edits=self.rng.randint(1, 10))
        return self.write(self.rng.choice((".xml", ".rss", ".atom")), data, "feed")

    def sitemap(self) -> Case:
        r = self.rng
        index = r.random() < 0.3
        data = self.sitemap_xml(r.randint(0, 6), index=index)
        if r.random() < 0.15:
            data = data.replace(b"?>", b'?><!DOCTYPE l [<!ENTITY l "lol">'
                                b'<!ENTITY l2 "&l;&l;&l;&l;&l;&l;&l;&l;">]>', 1)
            data = data.replace(b"<loc>", b"<loc>&l2;", 1)
        if r.random() < 0.3:
            data = self.cut(data)
        elif r.random() < 0.2:
            data = self.corrupt(data, edits=r.randint(1, 10))
        if r.random() < 0.2:
            compressed = gzip.compress(data)
            if r.random() < 0.4:
                compressed = self.cut(compressed)
            return self.write(".xml.gz", compressed, "sitemap")
        return self.write(".xml", data, "sitemap")

    def warc_record(self, body: bytes, *, compress: bool, status: str = "200 OK",
                    content_type: str = "text/html; charset=utf-8") -> bytes:
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=compress)
        headers = StatusAndHeaders(status, [("Content-Type", content_type)],
                                   protocol="HTTP/1.1")
        record = writer.create_warc_record(f"https://fuzz.example/{next(self.serial)}",
                                           "response", payload=io.BytesIO(body),
                                           http_headers=headers)
        writer.write_record(record)
        return buffer.getvalue()

    def warc(self) -> Case:
        r = self.rng
        compress = r.random() < 0.6
        suffix = ".warc.gz" if compress else ".warc"
        good = self.warc_record(self.article_html().encode(), compress=compress)
        roll = r.random()
        if roll < 0.12:
            return self.write(suffix, good, "warc", stored=["<path>#1"])
        if roll < 0.3:
            data = self.cut(good)
        elif roll < 0.45:
            data = b"WARC/1.0\r\n" + self.noise(r.randint(0, 3000))
        elif roll < 0.65:  # a valid record whose body is corrupted
            start = len(good) // 3
            data = good[:start] + self.corrupt(good[start:], edits=r.randint(1, 12))
        elif roll < 0.75:
            data = good.replace(b"Content-Length: ", r.choice(
                (b"Content-Length: 9", b"Content-Length: -", b"Content-Length: x")), 1)
        elif roll < 0.85:
            data = good + self.noise(r.randint(1, 200))
        else:
            bad = self.warc_record(self.noise(r.randint(0, 500)), compress=compress,
                                   content_type=r.choice(("text/html", "text/html; charset=x",
                                                          "application/xhtml+xml")))
            data = good + bad + self.cut(good)
        return self.write(suffix, data, "warc")

    def no_content(self) -> Case:
        text = self.rng.choice(NO_CONTENT)
        if self.rng.random() < 0.3:
            return self.write(".jsonl", json.dumps({"text": text}) + "\n", "no-content")
        return self.write(self.rng.choice((".txt", ".md")), text + "\n", "no-content")

    # -- valid inputs -----------------------------------------------------------------------

    def valid_text(self) -> Case:
        title, paragraphs = self.article()
        if self.rng.random() < 0.5:
            return self.write(".md", f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n",
                              "valid-md", stored=["<path>"])
        return self.write(".txt", f"{title}\n" + "\n".join(paragraphs) + "\n", "valid-txt",
                          stored=["<path>"])

    def valid_html(self) -> Case:
        return self.write(".html", self.article_html(), "valid-html", stored=["<path>"])

    # -- huge inputs ------------------------------------------------------------------------

    def huge(self, kind: str) -> Case:
        """A file with one huge line: over spaCy's million characters, or over the page cap."""
        r = self.rng
        if kind == "txt":  # words, as a runaway paste of a real text would be
            words = " ".join(r.choice(TOWNS + BODIES + VERBS) for _ in range(110_000))
            return self.write(".txt", words + "\n", "huge-line")
        blob = "".join(r.choice("abcdefghij") for _ in range(1000)) * 1300  # 1.3 MB
        if kind == "md":
            return self.write(".md", f"# Huge\n\n{blob}", "huge-line")
        if kind == "html":
            return self.write(".html", f"<html><body><p>{blob}</p></body></html>",
                              "huge-line")
        if kind == "html-over-limit":
            return self.write(".html", "<html><body><p>" + blob * 4, "huge-line")
        if kind == "jsonl":
            return self.write(".jsonl", json.dumps({"text": blob}) + "\n", "huge-line")
        if kind == "json":
            return self.write(".json", json.dumps({"maintext": blob}), "huge-line")
        return self.write(".xml", "<rss><channel><title>" + blob * 2, "huge-line")

    # -- batches ----------------------------------------------------------------------------

    def batches(self) -> list[list[Case]]:
        """A first batch of texts with no content words, mixed batches, then huge inputs."""
        first = [self.no_content() for _ in range(20)] + [self.blank() for _ in range(10)]
        makers: list[tuple[Callable[[], Case], int]] = [
            (self.valid_text, 10), (self.valid_html, 3), (self.truncated_html, 10),
            (self.deep_html, 2), (self.corrupted_html, 8), (self.blank, 4),
            (self.random_bytes, 16), (self.non_utf8, 7), (self.jsonl, 12),
            (self.news_please, 8), (self.feed, 9), (self.sitemap, 7), (self.warc, 12),
            (self.no_content, 2),
        ]
        assert sum(weight for _, weight in makers) == BATCH_SIZE
        mixed = []
        for _ in range(BATCHES):
            batch = [make() for make, weight in makers for _ in range(weight)]
            self.rng.shuffle(batch)
            mixed.append(batch)
        # Huge inputs are ingested one per call: each costs seconds to read and shingle.
        huge = [[self.huge(kind)] for kind in ("txt", "md", "html", "html-over-limit",
                                               "jsonl", "json", "xml")]
        batches = [first, *mixed, *huge]
        return [[_resolve(case) for case in batch] for batch in batches]


def _resolve(case: Case) -> Case:
    stored = tuple(name.replace("<path>", str(case.path)) for name in case.stored)
    return Case(case.path, case.kind, stored)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&quot;")


# -- running and checking ---------------------------------------------------------------------


@contextmanager
def _serve(folder: Path) -> Iterator[str]:
    """Serve a folder over HTTP on 127.0.0.1; yields the base URL."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def _settings(db: str) -> Settings:
    # No backoff: refused connections to 127.0.0.1:1 are retried at once.
    return Settings(db=str(db), allow_private=True, workers=1, fetch_backoff=0.0,
                    fetch_timeout=10.0)


def _base(name: str) -> str:
    return name.partition("#")[0]


def _describe(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/backstory/" in f.filename]
    picked = [*ours[-1:], *(frames[-1:] if not ours or ours[-1] is not frames[-1] else [])]
    where = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in picked]
    return f"{type(exc).__name__}: {str(exc)[:160]!r} (at {' <- '.join(reversed(where))})"


class Bisection:
    """Fresh stores for re-ingesting the halves of a batch that raised, within a budget."""

    def __init__(self, folder: Path, calls: int, databases: Databases) -> None:
        self.folder = folder
        folder.mkdir(parents=True)
        self.calls_left = calls
        self._numbers = itertools.count(1)
        self._databases = databases

    def fresh_db(self) -> str:
        self.calls_left -= 1
        return self._databases.new(self.folder, str(next(self._numbers)))


def _check_ingest(desk: Desk, db: str, cases: Sequence[Case], label: str,
                  bisection: Bisection, *, top: bool = True) -> list[str]:
    """Ingest the cases; return every broken promise. Bisects into fresh stores on a raise."""
    try:
        report = desk.ingest([str(case.path) for case in cases])
    except Exception as exc:
        problems = _db_problems(db, label)
        if len(cases) == 1:
            case = cases[0]
            alone = "" if top else ", alone in a fresh store"
            return [f"{label}: {case.path.name} ({case.kind}{alone}): Desk.ingest raised "
                    f"{_describe(exc)}", *problems]
        if top:
            problems.append(f"{label}: Desk.ingest of {len(cases)} inputs raised "
                            f"{_describe(exc)}")
        if bisection.calls_left < 2:
            names = ", ".join(case.path.name for case in cases[:6])
            more = f" and {len(cases) - 6} more" if len(cases) > 6 else ""
            return [*problems, f"{label}: one of these raises {type(exc).__name__} (not "
                               f"bisected further): {names}{more}"]
        half = len(cases) // 2
        for part, chunk in enumerate((cases[:half], cases[half:]), start=1):
            sub_db = bisection.fresh_db()
            with Desk(_settings(sub_db)) as sub:
                problems += _check_ingest(sub, sub_db, chunk, f"{label}.{part}", bisection,
                                          top=False)
        return problems
    return _report_problems(report, cases, db, label) + _db_problems(db, label)


def _report_problems(report: IngestReport, cases: Sequence[Case], db: str,
                     label: str) -> list[str]:
    problems = []
    inputs = {str(case.path) for case in cases}
    names = [f.source for f in report.failed] + [a.input for a in report.articles]
    accounted = {_base(name) for name in names}
    for case in cases:
        if str(case.path) not in accounted:
            problems.append(f"{label}: {case.path.name} ({case.kind}) is in neither "
                            "report.failed nor report.articles")
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{label}: {name} is reported more than once")
    for failure in report.failed:
        if _base(failure.source) not in inputs:
            problems.append(f"{label}: failure source {failure.source[:200]!r} names no "
                            f"input (error: {failure.error[:120]!r})")
        if not failure.error.strip():
            problems.append(f"{label}: failure of {failure.source} has an empty message")
    for entry in report.articles:
        if _base(entry.input) not in inputs:
            problems.append(f"{label}: article input {entry.input[:200]!r} names no input")
    by_input = {entry.input: entry for entry in report.articles}
    stored_ids = {row[0] for row in sql_rows(db, "SELECT id FROM articles")}
    for entry in report.articles:
        if entry.id not in stored_ids:
            problems.append(f"{label}: {entry.input[:200]} is reported as article {entry.id}, "
                            "which is not in the database")
    for case in cases:
        for name in case.stored:
            found = by_input.get(name)
            if found is None:
                errors = [f.error for f in report.failed if f.source in (name, _base(name))]
                problems.append(f"{label}: valid input {Path(name).name} was not stored "
                                f"(failure: {errors[:1]})")
            elif found.id not in stored_ids:
                problems.append(f"{label}: valid input {Path(name).name} is reported as "
                                f"{found.id} but no such article is in the database")
    return problems


_DB_CHECKS = {
    "articles without a sentence":
        "SELECT count(*) FROM articles a WHERE NOT EXISTS "
        "(SELECT 1 FROM sentences s WHERE s.article_id = a.id)",
    "sentences without an article":
        "SELECT count(*) FROM sentences s WHERE NOT EXISTS "
        "(SELECT 1 FROM articles a WHERE a.id = s.article_id)",
    "mentions on a missing sentence":
        "SELECT count(*) FROM mentions m WHERE NOT EXISTS "
        "(SELECT 1 FROM sentences s WHERE s.id = m.sentence_id)",
    "mentions on another article's sentence":
        "SELECT count(*) FROM mentions m JOIN sentences s ON s.id = m.sentence_id "
        "WHERE s.article_id != m.article_id",
    "copies of a missing article":
        "SELECT count(*) FROM article_copies c WHERE NOT EXISTS "
        "(SELECT 1 FROM articles a WHERE a.id = c.article_id)",
}


def _db_problems(db: str, label: str) -> list[str]:
    """What is inconsistent in the store (nothing, when all is well)."""
    if "://" not in db and not Path(db).exists():
        return []
    problems = []
    for what, query in _DB_CHECKS.items():
        if count := sql_count(db, query):
            problems.append(f"{count} {what}")
    if "://" not in db:
        problems += _sqlite_problems(db)
    return [f"{label}: database: {p}" for p in problems]


def _sqlite_problems(db: str) -> list[str]:
    """SQLite's own checks of its file, and of the FTS5 index against the sentences
    (PostgreSQL keeps its full text in the sentence rows, and checks its keys itself)."""
    import sqlite3

    problems = []
    conn = sqlite3.connect(db)
    try:
        [(integrity,)] = conn.execute("PRAGMA integrity_check").fetchall()
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
        if foreign:
            problems.append(f"foreign_key_check: {foreign[:5]}")
        [(sentences,)] = conn.execute("SELECT count(*) FROM sentences").fetchall()
        [(fts,)] = conn.execute("SELECT count(*) FROM sentences_fts").fetchall()
        # An external-content table counts its content rows; the index has a row per
        # document in its docsize table, and integrity-check (rank 1) compares the two.
        [(indexed,)] = conn.execute("SELECT count(*) FROM sentences_fts_docsize").fetchall()
        if fts != sentences or indexed != sentences:
            problems.append(f"sentences_fts has {fts} rows ({indexed} indexed) for "
                            f"{sentences} sentences")
        try:
            conn.execute("INSERT INTO sentences_fts(sentences_fts, rank) "
                         "VALUES('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            problems.append(f"sentences_fts integrity-check against sentences: {exc}")
        conn.rollback()
    finally:
        conn.close()
    return problems


_KINDS_OF_PROBLEM = {
    "inputs raised": "batches raising", "Desk.ingest raised": "inputs raising on their own",
    "is in neither": "inputs missing from the report", "names no input": "misnamed records",
    "more than once": "records reported twice", "was not stored": "valid inputs lost",
    "not in the database": "reported articles not stored", "database:": "database problems",
    "not bisected": "unbisected groups",
}


def _tally(problems: Sequence[str]) -> str:
    counts = dict.fromkeys(_KINDS_OF_PROBLEM.values(), 0)
    for problem in problems:
        for phrase, kind in _KINDS_OF_PROBLEM.items():
            if phrase in problem:
                counts[kind] += 1
                break
    return ", ".join(f"{count} {kind}" for kind, count in counts.items() if count)


def test_a_thousand_malformed_inputs_never_break_ingest(tmp_path: Path, site: str,
                                                        databases: Databases,
                                                        caplog: pytest.LogCaptureFixture
                                                        ) -> None:
    # A thousand logged failures would bury the assertion message; it says what went wrong.
    caplog.set_level(logging.CRITICAL)
    started = time.monotonic()
    served = tmp_path / "served"
    served.mkdir()
    scratch = tmp_path / "bisect"
    with _serve(served) as served_base:
        corpus = Corpus(random.Random(SEED), tmp_path / "inputs", served, served_base, site)
        batches = corpus.batches()
        total = sum(len(batch) for batch in batches)
        assert total >= MIN_INPUTS
        assert sum(len(case.stored) for batch in batches for case in batch) >= 100
        db = databases.new(tmp_path)
        problems: list[str] = []
        with Desk(_settings(db)) as desk:
            for number, batch in enumerate(batches):
                bisection = Bisection(scratch / str(number), calls=BISECT_CALLS,
                                      databases=databases)
                problems += _check_ingest(desk, db, batch, f"batch {number}", bisection)
    elapsed = time.monotonic() - started
    summary = (f"{len(problems)} problem(s) over {total} inputs in {elapsed:.0f}s "
               f"({_tally(problems)})")
    assert not problems, summary + ":\n" + "\n".join(problems[:300])
