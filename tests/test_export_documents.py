"""The Word and PDF summaries of the TNO excerpt (../shared/seeds/002_excerpt.txt) typed
into a board, read back as an organiser's reader and a screen reader would: styles and
headings, list items, the next steps' table, the document's language and title, and
every note present."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.test_exports import (
    FIRST,
    NEXT_STEP,
    NOTES,
    OHJAAMO,
    OHJAAMO_COMMENT,
    PLATFORM,
    QUESTION,
    SECOND,
    STEP,
    VISIBILITY,
    VISIBILITY_NOTES,
    add_note,
    document_text,
    export,
    make_forum,
    open_round,
    vote_on,
)


@pytest.fixture(name="forum")
def forum_board(client: TestClient, facilitator: dict[str, str]) -> dict[str, Any]:
    return make_forum(client, facilitator)


LABELS = ["Mitä", "Kuka", "Kenen kanssa", "Miten", "Milloin"]


def test_word_summary_is_laid_out_as_the_forum_summary(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = export(client, forum, facilitator, "docx")
    assert 'filename="tno-foorumi.docx"' in response.headers["content-disposition"]
    document = Document(io.BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[:3] == [
        ("Title", "TNO-foorumi"),
        ("Subtitle", "Tiivistelmä ryhmäkeskusteluista"),
        ("Normal", "TEAMS-kokous"),
    ]
    assert re.fullmatch(r"\d{1,2}\.\d{1,2}\.20\d\d", paragraphs[3][1])  # the workshop's day
    assert paragraphs[4] == ("Normal", f"Kysymys ryhmille: {QUESTION}")
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == [
        "Lyhyesti",
        f"1. {FIRST}",
        f"2. {SECOND}",
        "Mahdollisia seuraavia askeleita",
    ]
    body = paragraphs[paragraphs.index(("Heading 1", f"1. {FIRST}")) :]
    assert body[1:9] == [
        ("List Bullet", VISIBILITY),
        *[("List Bullet 2", text) for text in VISIBILITY_NOTES],
        ("List Bullet", OHJAAMO),
        ("List Bullet 2", OHJAAMO_COMMENT),
        ("Heading 1", f"2. {SECOND}"),
        ("List Bullet", PLATFORM),
    ]
    theme = next(p for p in document.paragraphs if p.text == VISIBILITY)
    assert all(run.bold for run in theme.runs)  # the theme's title leads, in bold
    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [LABELS, [NEXT_STEP, *STEP.values()]]
    assert table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    text = document_text("docx", response.content)
    for note in NOTES:
        assert note in text
    assert "ääni" not in text and "ääntä" not in text  # nobody held a round
    assert document.core_properties.title == "TNO-foorumi"
    assert document.styles.element.xpath("./w:docDefaults//w:lang/@w:val") == ["fi-FI"]
    assert document.sections[0].footer.paragraphs[0].text.startswith("Viety Pajasta ")


def test_word_shows_counts_after_a_round_and_a_swedish_board_its_own_labels(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    open_round(client, forum, facilitator)
    vote_on(client, forum, NEXT_STEP, 0, 2)
    document = Document(io.BytesIO(export(client, forum, facilitator, "docx").content))
    [table] = document.tables
    assert table.rows[1].cells[0].text == f"{NEXT_STEP} (2 ääntä)"
    board = client.post(
        "/api/v1/boards", json={"title": "Forum", "language": "sv"}, headers=facilitator
    ).json()
    add_note(client, board, facilitator, "Nästa steg", kind="next_step", when="i vår")
    swedish = Document(io.BytesIO(export(client, board, facilitator, "docx").content))
    assert [c.text for c in swedish.tables[0].rows[0].cells] == [
        "Vad",
        "Vem",
        "Med vem",
        "Hur",
        "När",
    ]
    assert swedish.styles.element.xpath("./w:docDefaults//w:lang/@w:val") == ["sv-FI"]


def test_pdf_is_an_archivable_tagged_pdf_of_the_whole_summary(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = export(client, forum, facilitator, "pdf", include_names="true")
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="tno-foorumi.pdf"' in response.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert xmp.rdf_root.getElementsByTagNameNS(xmp.rdf_root.namespaceURI, "Description")
    claims = xmp.rdf_root.toxml()
    assert 'pdfaid:part="2"' in claims and 'pdfaid:conformance="A"' in claims
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "fi"
    assert reader.metadata.title == "TNO-foorumi"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    text = squeezed(document_text("pdf", response.content))
    for note in [*NOTES, OHJAAMO_COMMENT, *LABELS, "Anna Ahonen"]:
        assert squeezed(note) in text, note
    assert "VietyPajasta" in text  # the footer


def test_the_pdf_headings_are_tagged_as_headings(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    reader = PdfReader(io.BytesIO(export(client, forum, facilitator, "pdf").content))
    roles: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, dict):
            if "/S" in node:
                roles.append(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert {"/H1", "/H2", "/L", "/LI", "/Table", "/TH", "/TD"} <= set(roles)


def test_pdf_list_items_carry_their_bullets_in_their_text(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    """The PDF's notes start with the bullet a browser would draw for their depth, as text
    (no ::marker box to lay out: a fifth of a big board's PDF); the page has its markers."""
    content = export(client, forum, facilitator, "pdf").content
    text = squeezed(document_text("pdf", content))
    for bullet, note in [
        ("•", VISIBILITY),  # a theme
        ("◦", VISIBILITY_NOTES[0]),  # a note in it
        ("•", OHJAAMO),  # a note on its own
        ("◦", OHJAAMO_COMMENT),  # its comment
    ]:
        assert squeezed(bullet + note) in text, note
    reader = PdfReader(io.BytesIO(content))
    roles: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, dict):
            roles.append(str(node.get("/S")))
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, list) else [kids]) if kids is not None else []:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert roles.count("/LI") == roles.count("/LBody") > len(NOTES)
    page = client.get(f"/b/{forum['id']}/print", headers=facilitator).text
    assert "•" not in page and "◦" not in page and "&nbsp;" not in page


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_word_document(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any], tmp_path: Path
) -> None:
    source = tmp_path / "tiivistelma.docx"
    source.write_bytes(export(client, forum, facilitator, "docx").content)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        timeout=120,
        capture_output=True,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    text = squeezed(document_text("pdf", (tmp_path / "tiivistelma.pdf").read_bytes()))
    for note in NOTES[:-1]:  # the next step's cell comes out of pypdf mixed with its row
        assert squeezed(note) in text, note


def squeezed(text: str) -> str:
    """Text without any white space: a line may wrap after a hyphen, inside a word never."""
    return "".join(text.split())


def test_a_pdf_too_big_to_lay_out_in_time_is_a_413_that_says_what_to_do(
    client: TestClient,
    facilitator: dict[str, str],
    forum: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("app.exports.pdf.MAX_NOTES", 5)
    response = client.get(
        f"/api/v1/boards/{forum['id']}/export", params={"format": "pdf"}, headers=facilitator
    )
    assert response.status_code == 413
    assert "Word" in response.json()["detail"]
    second = forum["columns"][1]["id"]
    assert export(client, forum, facilitator, "pdf", column=second).status_code == 200
    page = client.post(f"/b/{forum['id']}/export", data={"format": "pdf"}, headers=facilitator)
    assert page.status_code == 413 and 'role="alert"' in page.text and "Word" in page.text


def test_a_pdf_is_laid_out_with_the_collector_on_and_full_collections_put_off(
    client: TestClient,
    facilitator: dict[str, str],
    forum: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dataclasses
    import gc

    from app.exports import EXPORTERS
    from app.exports.base import DEFERRED_FULL_COLLECTIONS

    seen: list[tuple[bool, int]] = []
    pdf = EXPORTERS["pdf"]

    def render(summary: Any, options: Any) -> bytes:
        seen.append((gc.isenabled(), gc.get_threshold()[2]))
        return pdf.render(summary, options)

    monkeypatch.setitem(EXPORTERS, "pdf", dataclasses.replace(pdf, render=render))
    before = gc.get_threshold()
    export(client, forum, facilitator, "pdf")
    assert seen == [(True, DEFERRED_FULL_COLLECTIONS)]
    assert gc.get_threshold() == before


def test_pdf_page_references_are_kept_only_until_a_page_is_added() -> None:
    import pydyf

    from app.exports.pdf import _cache_page_references

    _cache_page_references()
    document = pydyf.PDF()
    for _ in range(3):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
        numbers = document.pages["Kids"][::3]
        assert document.page_references == tuple(f"{n} 0 R".encode() for n in numbers)


def test_pdf_streams_are_compressed_at_zlibs_default_level_to_the_same_content() -> None:
    import zlib

    import pydyf

    from app.exports.pdf import REPLACED, _compress_at_default_level

    _compress_at_default_level()
    original = REPLACED["pydyf.Stream.data"].fget
    content = [b"BT", "/F1 12 Tf", 1.5, pydyf.String("Paja \u00e4"), b"[<0031>-30<00a6>] TJ"] * 500
    for compress in (False, True):
        stream = pydyf.Stream(list(content), {"Type": "/ObjStm", "N": 3}, compress=compress)
        ours, theirs = stream.data, original(stream)
        if not compress:
            assert ours == theirs
            continue
        ours_head, ours_data = ours.removesuffix(b"\nendstream").split(b"\nstream\n")
        theirs_head, theirs_data = theirs.removesuffix(b"\nendstream").split(b"\nstream\n")
        assert zlib.decompress(ours_data) == zlib.decompress(theirs_data)
        assert ours_head.replace(b"%d" % len(ours_data), b"N") == theirs_head.replace(
            b"%d" % len(theirs_data), b"N"
        )
        assert b"/Filter /FlateDecode" in ours_head
