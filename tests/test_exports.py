"""Exports of a board as a person reads them: the forum summary's structure (Markdown,
Word, the print view), the spreadsheet, names left out unless asked for, and text that
stays text whatever punctuation it holds."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from app.exports.markdown import escape
from tests.conftest import join

MARKDOWN = MarkdownIt("commonmark", {"html": False})

# The two sections of the summary in ../shared/seeds/002_excerpt.txt.
QUESTION = (
    "Mitä Elo-ryhmät alueilla voivat tehdä, jotta strategia toteutuu arjessa, keiden kanssa "
    "yhteistyössä, miten ja koska. Mikä on seuraava pieni askel?"
)
FIRST = "Saavutettavuus ja asiakaslähtöisyys"
SECOND = "Digitaalisesti ja monikanavaisesti"
VISIBILITY = (
    "Palveluiden näkyväksi tekeminen yhteistyössä, digitalisaation hyödyntäminen - selkeä "
    "digitaalinen kanava."
)
VISIBILITY_COMMENTS = [
    "näkyvyyttä, markkinointia ohjauspalveluille",
    "asiakkaiden onnistumistarinat",
    "yhteiset työpajat esim ELOPELTO LearnigCafe - opitaan tuntemaan toisten työt verkostossa "
    "-> arvostamaan toisia -> luottamus :) ja kentän hahmottuminen",
]
OHJAAMO = (
    "PS. Ohjaamotoiminnan vahvistaminen myös työikäisten ohjaamiseen monialaisella palvelulla, "
    "huolimatta kuntakokeilusta...Laaja monimuotoinen kokonaisuus hallinnollisesti ja "
    "palveluiltaan. Työ/koulutus keskeisyys-kulttuuri Suomessa vahva, karkottaako tämä "
    "kulttuuri työperäistä maahanmuuttoa?"
)
PLATFORM = (
    "Voisiko hyödyntää jo kehitettyä digitaalsita alustaa: Ohjausta verkossa.fi > riittäisikö "
    "tässä paukut, henkilöstöresurssit laajentaa tätä oppilaitoksiin?"
)
LEADERSHIP = (
    "Digipalveluja ja niiden kehittämistä ei kukaan johda Suomessa. Onko JO-palvelukeskuksessa "
    "sama johtamisen puute"
)
NEXT_STEP = (
    "Ensi vuonna strategiset tavoitteet maakuntaan uudistetaan ja samalla toivottavasti "
    "saadaan selkeästi myös toimintasuunnitelma, jossa on työnjakoa ja käytännön toimia."
)
ALL_TEXTS = [VISIBILITY, *VISIBILITY_COMMENTS, OHJAAMO, PLATFORM, LEADERSHIP, NEXT_STEP]


def add_note(
    client: TestClient,
    board: dict[str, Any],
    headers: dict[str, str],
    text: str,
    column: int = 0,
    kind: str = "note",
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/boards/{board['id']}/notes",
        json={"column_id": board["columns"][column]["id"], "text": text, "kind": kind},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def comment(
    client: TestClient, board: dict[str, Any], headers: dict[str, str], note: dict, text: str
) -> None:
    response = client.post(
        f"/api/v1/boards/{board['id']}/notes/{note['id']}/comments",
        json={"text": text},
        headers=headers,
    )
    assert response.status_code == 201, response.text


def vote(client: TestClient, board: dict[str, Any], headers: dict[str, str], note: dict) -> None:
    response = client.put(f"/api/v1/boards/{board['id']}/notes/{note['id']}/vote", headers=headers)
    assert response.status_code == 200, response.text


@pytest.fixture
def forum(client: TestClient, facilitator: dict[str, str]) -> dict[str, Any]:
    """The excerpt's board: its question, two priorities, their notes and a next step,
    written by participants who gave their names."""
    response = client.post(
        "/api/v1/boards",
        json={
            "title": "TNO-foorumi",
            "event": "TEAMS-kokous",
            "question": QUESTION,
            "columns": [{"title": FIRST}, {"title": SECOND}],
        },
        headers=facilitator,
    )
    assert response.status_code == 201, response.text
    board = response.json()
    anna = join(client, board["id"], "Anna Ahonen")
    ben = join(client, board["id"], "Ben Berg")
    visibility = add_note(client, board, anna, VISIBILITY)
    for text in VISIBILITY_COMMENTS:
        comment(client, board, ben, visibility, text)
    add_note(client, board, ben, OHJAAMO)
    platform = add_note(client, board, anna, PLATFORM, column=1)
    add_note(client, board, ben, LEADERSHIP, column=1)
    add_note(client, board, anna, NEXT_STEP, kind="next_step")
    for voter in (anna, ben):
        vote(client, board, voter, platform)
    vote(client, board, anna, visibility)
    return board


def export(
    client: TestClient, board: dict[str, Any], headers: dict[str, str], fmt: str, **params: Any
) -> Any:
    response = client.get(
        f"/api/v1/boards/{board['id']}/export",
        params={"format": fmt, **params},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response


def outline(markdown: str) -> list[tuple[str, str]]:
    """The rendered document as (block, text) pairs: h1, h2, p, li."""
    blocks: list[tuple[str, str]] = []
    kind = ""
    for token in MARKDOWN.parse(markdown):
        if token.type == "heading_open":
            kind = token.tag
        elif token.type == "list_item_open":
            kind = "li"
        elif token.type == "paragraph_open" and kind != "li":
            kind = "p"
        elif token.type == "inline":
            blocks.append((kind, _inline_text(token.children or [])))
        elif token.type in ("list_item_close", "heading_close"):
            kind = ""
    return blocks


def _inline_text(children: list[Any]) -> str:
    parts = []
    for child in children:
        assert child.type in ("text", "softbreak", "hardbreak"), child.type
        parts.append("\n" if child.type.endswith("break") else child.content)
    return "".join(parts)


def test_markdown_follows_the_forum_summary(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = export(client, forum, facilitator, "md")
    assert response.headers["content-type"].startswith("text/markdown")
    assert 'filename="tno-foorumi.md"' in response.headers["content-disposition"]
    blocks = outline(response.content.decode())
    title = blocks[0]
    assert title[0] == "h1" and title[1].startswith("TNO-foorumi – TEAMS-kokous ")
    assert blocks[1:] == [
        ("p", "Tiivistelmä ryhmäkeskusteluista"),
        ("p", f"Kysymys ryhmille: {QUESTION}"),
        ("p", "Alla kommentit strategiassa esitettyjen painopisteiden mukaan ryhmiteltyinä:"),
        ("h2", f"1. {FIRST}"),
        ("p", f"{VISIBILITY} (1 ääni)"),
        *[("li", text) for text in VISIBILITY_COMMENTS],
        ("p", f"{OHJAAMO} (0 ääntä)"),
        ("h2", f"2. {SECOND}"),
        ("p", f"{PLATFORM} (2 ääntä)"),
        ("p", f"{LEADERSHIP} (0 ääntä)"),
        ("h2", "Mahdollisia seuraavia askeleita"),
        ("p", f"{NEXT_STEP} (0 ääntä)"),
    ]


def test_order_by_votes_and_an_own_subtitle(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = export(
        client, forum, facilitator, "md", order="votes", subtitle="Muistiinpanot Padletista"
    )
    blocks = outline(response.content.decode())
    assert blocks[1] == ("p", "Muistiinpanot Padletista")
    paragraphs = [text for kind, text in blocks if kind == "p"]
    assert paragraphs.index(f"{PLATFORM} (2 ääntä)") < paragraphs.index(f"{LEADERSHIP} (0 ääntä)")


def test_without_votes_no_counts_are_shown(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    add_note(client, board, join(client, board["id"]), "Ei ääniä")
    text = export(client, board, facilitator, "md").content.decode()
    assert "\nEi ääniä\n" in text and "ääntä)" not in text


def test_fixed_words_follow_the_board_language(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    board = client.post(
        "/api/v1/boards",
        json={"title": "Forum", "language": "sv", "question": "Vad gör vi?"},
        headers=facilitator,
    ).json()
    note = add_note(client, board, facilitator, "Ett nästa steg", kind="next_step")
    vote(client, board, facilitator, note)
    text = export(client, board, facilitator, "md").content.decode()
    assert "Sammanfattning av gruppdiskussionerna" in text
    assert "Fråga till grupperna: Vad gör vi?" in text
    assert "## Möjliga nästa steg" in text
    assert "Ett nästa steg (1 röst)" in text


def test_names_are_left_out_unless_asked_for(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    for fmt in ("md", "csv", "json", "docx"):
        plain = export(client, forum, facilitator, fmt)
        named = export(client, forum, facilitator, fmt, include_names="true")
        if fmt == "docx":
            assert "Anna Ahonen" not in docx_text(plain.content)
            assert "Anna Ahonen" in docx_text(named.content)
        else:
            assert "Anna Ahonen" not in plain.content.decode("utf-8-sig"), fmt
            assert "Ben Berg" not in plain.content.decode("utf-8-sig"), fmt
            assert "Anna Ahonen" in named.content.decode("utf-8-sig"), fmt


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_word_document_has_real_styles_and_every_note(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = export(client, forum, facilitator, "docx")
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    document = Document(io.BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0][0] == "Title" and paragraphs[0][1].startswith("TNO-foorumi – TEAMS")
    assert paragraphs[1] == ("Subtitle", "Tiivistelmä ryhmäkeskusteluista")
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == [f"1. {FIRST}", f"2. {SECOND}", "Mahdollisia seuraavia askeleita"]
    bullets = [text for style, text in paragraphs if style == "List Bullet"]
    assert bullets == VISIBILITY_COMMENTS
    body = "\n".join(text for _, text in paragraphs)
    for text in ALL_TEXTS:
        assert text in body
    assert document.core_properties.title == paragraphs[0][1]
    languages = document.styles.element.xpath("./w:docDefaults//w:lang/@w:val")
    assert languages == ["fi-FI"]


def test_word_document_keeps_line_breaks_and_survives_control_characters(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    add_note(client, board, facilitator, "Ensimmäinen rivi\nToinen rivi\x0b\x1b kolmas")
    text = docx_text(export(client, board, facilitator, "docx").content)
    assert "Ensimmäinen rivi\nToinen rivi kolmas" in text


def test_word_template_supplies_the_styles(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    template = Document()
    template.styles["Heading 1"].font.name = "Comic Sans MS"
    template.add_paragraph("Tämä pohjan teksti ei kuulu tiivistelmään.")
    template.sections[0].header.paragraphs[0].text = "ELO-verkosto"
    buffer = io.BytesIO()
    template.save(buffer)
    response = client.post(
        f"/b/{forum['id']}/export",
        data={"format": "docx"},
        files={"template": ("pohja.docx", buffer.getvalue(), "application/octet-stream")},
        headers=facilitator,
    )
    assert response.status_code == 200, response.text
    document = Document(io.BytesIO(response.content))
    assert document.styles["Heading 1"].font.name == "Comic Sans MS"
    assert document.sections[0].header.paragraphs[0].text == "ELO-verkosto"
    assert "Tämä pohjan teksti" not in docx_text(response.content)
    assert VISIBILITY in docx_text(response.content)


def test_a_template_that_is_not_a_word_file_is_refused_on_the_page(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = client.post(
        f"/b/{forum['id']}/export",
        data={"format": "docx"},
        files={"template": ("pohja.docx", b"not a zip", "application/octet-stream")},
        headers=facilitator,
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.text


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed here"
)
def test_libreoffice_converts_the_word_document(
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
    assert (tmp_path / "tiivistelma.pdf").stat().st_size > 1000


def test_csv_has_one_row_per_note_for_finnish_excel(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = export(client, forum, facilitator, "csv", delimiter="semicolon")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row["text"] for row in rows] == [VISIBILITY, OHJAAMO, PLATFORM, LEADERSHIP, NEXT_STEP]
    assert [row["column"] for row in rows] == [FIRST, FIRST, SECOND, SECOND, FIRST]
    assert [row["kind"] for row in rows][-1] == "next_step"
    assert rows[0]["comments"].split("\n") == VISIBILITY_COMMENTS
    assert rows[2]["votes"] == "2"
    assert {"row", "group", "owner", "partners", "how", "when", "created"} <= rows[0].keys()
    assert rows[0]["author"] == ""


HOSTILE = [
    "# Ei otsikko",
    "[linkki](https://example.com)",
    "**ei lihavaa** _eikä kursiivia_",
    "<script>alert(1)</script>",
    "1. ei lista\n- eikä tämä\n===",
    '=HYPERLINK("http://x";"klikkaa")',
    "+SUM(A1)",
    "@cmd",
    "&amp; | taulukko | ~~yliviivattu~~ `koodi` ![kuva](x.png)",
]


def test_hostile_text_stays_inert_text(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    for text in HOSTILE:
        add_note(client, board, facilitator, text)
    markdown = export(client, board, facilitator, "md").content.decode()
    blocks = outline(markdown)  # fails on any link, emphasis, code or HTML token
    kinds = [kind for kind, _ in blocks]
    assert kinds.count("h1") == 1 and kinds.count("h2") == 6 and "li" not in kinds
    paragraphs = [text for kind, text in blocks if kind == "p"]
    for text in HOSTILE:
        assert text in paragraphs
    rows = list(csv.DictReader(io.StringIO(export(client, board, facilitator, "csv").text)))
    cells = [row["text"] for row in rows]
    for formula in ('=HYPERLINK("http://x";"klikkaa")', "+SUM(A1)", "@cmd"):
        assert f"'{formula}" in cells
    word = docx_text(export(client, board, facilitator, "docx").content)
    for text in ("<script>alert(1)</script>", "[linkki](https://example.com)", "+SUM(A1)"):
        assert text in word  # kept as the literal text of a run, not as markup


LINES = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\n\t\r"
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_escaped_markdown_renders_as_exactly_the_text(text: str) -> None:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return
    tokens = MARKDOWN.parse(escape(text))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    expected = "\n".join(line.strip() for line in text.split("\n"))
    assert _inline_text(tokens[1].children or []) == expected


def test_participants_cannot_export(client: TestClient, forum: dict[str, Any]) -> None:
    guest = join(client, forum["id"], "Uteliaisuus")
    response = client.get(f"/api/v1/boards/{forum['id']}/export?format=md", headers=guest)
    assert response.status_code == 403
    assert client.get(f"/b/{forum['id']}/print", headers=guest).status_code == 403


def test_unknown_format_is_422(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = client.get(f"/api/v1/boards/{forum['id']}/export?format=pdf", headers=facilitator)
    assert response.status_code == 422
    assert "md, docx, csv, json" in response.json()["detail"]


def test_print_view_is_the_summary_on_a_clean_page(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = client.get(f"/b/{forum['id']}/print", headers=facilitator)
    assert response.status_code == 200
    html = response.text
    order = ("Tiivistelmä ryhmäkeskusteluista", f"1. {FIRST}", "luottamus :)", f"2. {SECOND}")
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Mahdollisia seuraavia askeleita" in html
    assert "Anna Ahonen" not in html
    assert "<script" not in html and "style=" not in html and "<style" not in html
    named = client.get(f"/b/{forum['id']}/print?include_names=true", headers=facilitator)
    assert "Anna Ahonen" in named.text


def test_board_page_offers_the_export_menu_to_facilitators_only(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    assert (
        f'action="/b/{forum["id"]}/export"'
        in client.get(f"/b/{forum['id']}", headers=facilitator).text
    )
    guest = join(client, forum["id"])
    assert (
        f'action="/b/{forum["id"]}/export"'
        not in client.get(f"/b/{forum['id']}", headers=guest).text
    )
    menu = client.get(f"/b/{forum['id']}/export", headers={**facilitator, "HX-Request": "true"})
    assert menu.status_code == 200 and "<html" not in menu.text and "include_names" in menu.text
