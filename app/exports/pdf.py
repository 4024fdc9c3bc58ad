"""The summary as a PDF for the archive and for screen readers: PDF/A-2a (the archival
format on the national digital preservation service's list, at its "accessible" level),
which is a tagged PDF with the document's language, title, headings, lists and table
marked up, fonts embedded. WeasyPrint lays out the print view's own template and style
sheet (no browser); it needs Pango and a font (Debian: libpango-1.0-0, fonts-dejavu-core).

WeasyPrint writes one variant per file: PDF/A-2a carries the same tags, /Lang, title and
DisplayDocTitle as its PDF/UA-1 output, but the file claims only PDF/A in its XMP."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from app.errors import TooLarge
from app.exports.base import Exporter, ExportOptions
from app.exports.summary import Summary

PDF_VARIANT = "pdf/a-2a"
# WeasyPrint lays out, draws and tags a note with its comment in some 6.5 ms of CPU (full
# collections put off, see exports.read_and_export), and holds the whole layout in
# memory (bench/export_bench.py, 2 cores at load 1.0: 500 notes 3.5 s, 1,000 notes
# 6.9 s, 1,500 notes 9.6 s, 5,000 notes 32 s and 0.9 GB). 1,500 notes (some 190 pages)
# are about 10 s; a bigger board goes to Word, or to PDF a few priorities at a time.
MAX_NOTES = 1500
STATIC = Path(__file__).resolve().parent.parent / "static"
# What the process-wide patches below replaced, for the tests to compare against.
REPLACED: dict[str, Any] = {}


def render(summary: Summary, _options: ExportOptions) -> bytes:
    """The print view's HTML, laid out on A4 with the export's date in the footer."""
    count = len(summary.all_notes())
    if count > MAX_NOTES:
        raise TooLarge(
            "A PDF of {count} notes would take too long to lay out; the limit is {limit}. "
            "Choose fewer priorities, or download the Word document.",
            count=count,
            limit=MAX_NOTES,
        )
    from weasyprint import CSS, HTML, URLFetcher  # a second of imports: only for a PDF

    from app.web.render import render as render_template

    _cache_page_references()
    _compress_at_default_level()

    html = render_template(summary.language, "print.html", summary=summary, pdf=True)
    sheets = [CSS(filename=str(STATIC / "print.css")), CSS(string=_page_css(summary))]
    # The page links to nothing; should it ever, no file or host is read while laying out.
    nothing = URLFetcher(allowed_protocols=())
    document = HTML(string=html, url_fetcher=nothing).render(stylesheets=sheets)
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def _cache_page_references() -> None:
    """Let pydyf build its list of page references once per page added, not once per
    use. WeasyPrint's tagging asks it for one reference per tagged element, and pydyf
    (0.13) formats every page's reference each time: pages × elements, 5 s of a
    2,000-note PDF's 44 and most of a 5,000-note one's. Remove once pydyf caches it."""
    import pydyf

    if getattr(pydyf.PDF.page_references, "fget", None) is not _page_references:
        pydyf.PDF.page_references = property(_page_references)


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    """pydyf.PDF.page_references, kept until a page is added (pages are only added)."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_paja_page_references")
    if cached is None or cached[0] != len(kids):
        references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = pdf.__dict__["_paja_page_references"] = (len(kids), references)
    return cached[1]


def _compress_at_default_level() -> None:
    """Let pydyf compress streams at zlib's default level (6), not its maximum (9). The
    streams are pages of the same few operators and glyph runs, and the tag tree's object
    streams, where level 9's longer searches take five times level 6's CPU for 4 % less:
    a 1,000-note PDF's 4.9 MB of streams take 0.36 s at 9 and 0.07 s at 6, and the file
    grows from 0.51 to 0.53 MB. Remove once pydyf (0.13) lets the caller choose."""
    import pydyf

    if getattr(pydyf.Stream.data, "fget", None) is not _stream_data:
        REPLACED["pydyf.Stream.data"] = pydyf.Stream.data
        pydyf.Stream.data = property(_stream_data)


def _stream_data(stream: Any) -> bytes:
    """pydyf.Stream.data (0.13) with zlib at level 6: the same dictionary and stream."""
    import pydyf

    data = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
    extra = pydyf.Dictionary(stream.extra.copy())
    if stream.compress:
        extra["Filter"] = "/FlateDecode"
        data = zlib.compress(data, 6)
    extra["Length"] = len(data)
    return b"\n".join((extra.data, b"stream", data, b"endstream"))


def _page_css(summary: Summary) -> str:
    """The footer of every page: where and when it was exported, and the page number."""
    return f"@page {{ @bottom-left {{ content: {_css_string(summary.footer)}; }} }}"


def _css_string(text: str) -> str:
    """A CSS string literal that holds `text` as it is (quotes, backslashes, newlines)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\\n\r\f' or ord(c) < 32 else c for c in text)
    return f'"{escaped}"'


EXPORTER = Exporter(
    name="pdf", media_type="application/pdf", extension="pdf", render=render, quick=False
)
