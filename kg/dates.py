"""A document's date, title, url and source, from what the input gives.

Dates come, first found wins, from: the JSON `date` field; an HTML page's <meta> tags
(article:published_time, pubdate, date, DC.date ...) or its first <time datetime>; a full
date in the dateline's place (1998年1月3日); a day in the file name (2026-03-12-report.md,
19980103.txt); a dateline's month and day (本报北京3月3日电, 新华社1月2日电) with the year from
the file name, else its folders; a month in the file name (199801.txt).
Every date is written ISO: YYYY-MM-DD, or YYYY-MM / YYYY when that is all that is known.
"""
from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import PurePath

from .types import Document

_YEAR = r"(1[89]\d\d|20\d\d)"
# 1998-01-03, 1998/1/3, 1998.1.3, 1998年1月3日, 19980103, 1998-01-03T08:00:00+08:00
_FULL = re.compile(_YEAR + r"\s*(?:[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?)?|(\d\d)(\d\d)(?!\d))?")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日")
# A dateline: 本报讯, 本报北京3月3日电, 新华社北京1月2日电, 中新社…电; the date comes within a few characters.
_DATELINE = re.compile(r"(本报|新华社|中新社|中新网|人民网|新华网|记者)[^。\n]{0,16}?(\d{1,2})月(\d{1,2})日")
_PATH_YEAR = re.compile(r"(?<!\d)" + _YEAR + r"(?!\d)|(?<!\d)" + _YEAR + r"(?:0[1-9]|1[0-2])(?:\d\d)?(?!\d)")
_HEAD_CHARS = 300  # a dateline is at the start of an article
_FULL_DATE_CHARS = 120
_NAME_DATE = re.compile(r"(?<!\d)" + _YEAR + r"[-_.]?(0[1-9]|1[0-2])(?:[-_.]?(0[1-9]|[12]\d|3[01]))?(?!\d)")
META_DATE_NAMES = ("article:published_time", "og:published_time", "pubdate", "publishdate", "publish_date",
                   "publication_date", "date", "dc.date", "dc.date.issued", "dcterms.date", "datepublished",
                   "sailthru.date", "parsely-pub-date", "article:modified_time")
META_URL_NAMES = ("og:url",)
META_SOURCE_NAMES = ("og:site_name", "source", "author", "dc.publisher", "publisher")
META_TITLE_NAMES = ("og:title", "title", "dc.title")


def _valid(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31 and 1800 <= year <= 2100


def normalise_date(value: str) -> str:
    """'1998年1月3日' / '1998/1/3' / '19980103' / ISO datetimes -> '1998-01-03' (or
    '1998-01', '1998' when that is all the value holds); '' when it holds no date."""
    match = _FULL.search(value or "")
    if not match:
        return ""
    year = int(match.group(1))
    if match.group(4):  # 19980103
        month, day = int(match.group(4)), int(match.group(5))
        return f"{year:04d}-{month:02d}-{day:02d}" if _valid(year, month, day) else ""
    if match.group(2) is None:
        return f"{year:04d}"
    month = int(match.group(2))
    if not 1 <= month <= 12:
        return f"{year:04d}"
    if match.group(3) is None:
        return f"{year:04d}-{month:02d}"
    day = int(match.group(3))
    return f"{year:04d}-{month:02d}-{day:02d}" if _valid(year, month, day) else f"{year:04d}-{month:02d}"


def year_from_path(path: str) -> int | None:
    """The year a file's name gives (199801.txt, 1998-01-03.html), else its nearest folder's."""
    for part in reversed(PurePath(path).parts):
        match = _PATH_YEAR.search(part)
        if match:
            return int(match.group(1) or match.group(2))
    return None


def full_dateline_date(text: str) -> str:
    """A full date (1998年1月3日) where a dateline stands, at the start of `text`; or ''."""
    full = re.search(_YEAR + r"年(\d{1,2})月(\d{1,2})日", (text or "")[:_FULL_DATE_CHARS])
    if full and _valid(int(full.group(1)), int(full.group(2)), int(full.group(3))):
        return f"{int(full.group(1)):04d}-{int(full.group(2)):02d}-{int(full.group(3)):02d}"
    return ""


def dateline_date(text: str, path: str = "") -> str:
    """The date of a dateline near the start of `text` ('' when there is none); a full date
    (1998年1月3日) there counts too. A month and day take their year from the file or folder
    name (a December dateline in a January file is the year before); without a year the
    date is not used (a year elsewhere in the text is often another event's)."""
    full = full_dateline_date(text)
    if full:
        return full
    match = _DATELINE.search((text or "")[:_HEAD_CHARS])
    if not match:
        return ""
    month, day = int(match.group(2)), int(match.group(3))
    year = year_from_path(path)
    if year is None:
        return ""
    named = name_date(path)
    if len(named) >= 7 and month > int(named[5:7]) + 6:
        year -= 1  # 本报北京12月31日电 in 19980101.txt
    if not _valid(year, month, day):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def name_date(path: str) -> str:
    """The date a file's name gives (2026-03-12-report.md, 19980103.txt, 199801.txt), or ''."""
    match = _NAME_DATE.search(PurePath(path).name) if path else None
    if not match:
        return ""
    year, month, day = match.group(1), match.group(2), match.group(3)
    if day and _valid(int(year), int(month), int(day)):
        return f"{year}-{month}-{day}"
    return f"{year}-{month}"


class _Meta(HTMLParser):
    """<meta name|property=... content=...>, <link rel=canonical>, the first <time datetime>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.time = ""

    def handle_starttag(self, tag, attrs):
        values = {k.lower(): (v or "") for k, v in attrs if k}
        if tag == "meta":
            name = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if name and values.get("content") and name not in self.meta:
                self.meta[name] = values["content"].strip()
        elif tag == "link" and values.get("rel", "").lower() == "canonical" and not self.canonical:
            self.canonical = values.get("href", "").strip()
        elif tag == "time" and not self.time and values.get("datetime"):
            self.time = values["datetime"].strip()


def html_metadata(page: str) -> dict[str, str]:
    """{date, url, source, title} an HTML page declares (empty strings where it does not)."""
    parser = _Meta()
    try:
        parser.feed(page)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup never stops a build
        pass

    def first(names) -> str:
        return next((parser.meta[n] for n in names if parser.meta.get(n)), "")

    date = next((d for d in (normalise_date(parser.meta.get(n, "")) for n in META_DATE_NAMES) if d), "")
    return {
        "date": date or normalise_date(parser.time),
        "url": first(META_URL_NAMES) or parser.canonical,
        "source": first(META_SOURCE_NAMES),
        "title": first(META_TITLE_NAMES),
    }


def with_metadata(doc: Document, html_meta: dict[str, str] | None = None) -> Document:
    """`doc` with its date normalised (or found), and an HTML page's url, source and title
    where the document has none."""
    meta = html_meta or {}
    date = normalise_date(doc.date) if doc.date else ""
    if not date:
        named = name_date(doc.path)
        # a dated file name beats a dateline's month and day (which may be the day reported on)
        date = (meta.get("date", "") or full_dateline_date(doc.text) or (named if len(named) == 10 else "")
                or dateline_date(doc.text, doc.path) or named)
    changes = {"date": date}
    for name in ("url", "source", "title"):
        if not getattr(doc, name) and meta.get(name):
            changes[name] = meta[name]
    if all(getattr(doc, k) == v for k, v in changes.items()):
        return doc
    return dataclasses.replace(doc, **changes)
