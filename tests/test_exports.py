"""Exports of a board as a person reads them: the forum summary of ../shared/seeds/
002_excerpt.txt typed into a board (Markdown, the print view; Word and PDF in
test_export_documents.py), the options, the spreadsheet, names left out unless asked
for, and text that stays text whatever punctuation it holds."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from app.exports.markdown import escape, heading
from tests.conftest import join

MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")

# The two sections of the summary in ../shared/seeds/002_excerpt.txt.
QUESTION = (
    "Mitä Elo-ryhmät alueilla voivat tehdä, jotta strategia toteutuu arjessa, keiden kanssa "
    "yhteistyössä, miten ja koska. Mikä on seuraava pieni askel?"
)
FIRST = "Saavutettavuus ja asiakaslähtöisyys"
SECOND = "Digitaalisesti ja monikanavaisesti"
# The excerpt's lead sentence with its three "-" bullets: a theme and its notes.
VISIBILITY = (
    "Palveluiden näkyväksi tekeminen yhteistyössä, digitalisaation hyödyntäminen - selkeä "
    "digitaalinen kanava."
)
VISIBILITY_NOTES = [
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
OHJAAMO_COMMENT = "Ohjaamot ovat jo monialaisia & matalan kynnyksen -> hyvä pohja"
STEP = {
    "owner": "Maakunnan ELO-ryhmä",
    "partners": "TE-toimisto, oppilaitokset",
    "how": "Toimintasuunnitelma työnjakoineen",
    "when": "2021",
}
NOTES = [*VISIBILITY_NOTES, OHJAAMO, PLATFORM, LEADERSHIP, NEXT_STEP]


def add_note(
    client: TestClient,
    board: dict[str, Any],
    headers: dict[str, str],
    text: str,
    column: int = 0,
    kind: str = "note",
    **fields: str,
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/boards/{board['id']}/notes",
        json={"column_id": board["columns"][column]["id"], "text": text, "kind": kind, **fields},
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


def theme(
    client: TestClient, board: dict[str, Any], headers: dict[str, str], title: str, notes: list
) -> None:
    response = client.post(
        f"/api/v1/boards/{board['id']}/themes",
        json={"title": title, "note_ids": [note["id"] for note in notes]},
        headers=headers,
    )
    assert response.status_code == 201, response.text


def open_round(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> None:
    response = client.post(
        f"/api/v1/boards/{board['id']}/voting",
        json={"budget": 5, "max_per_note": 3},
        headers=headers,
    )
    assert response.status_code == 200, response.text


@pytest.fixture
def forum(client: TestClient, facilitator: dict[str, str]) -> dict[str, Any]:
    return make_forum(client, facilitator)


def make_forum(client: TestClient, facilitator: dict[str, str]) -> dict[str, Any]:
    """The excerpt's board: its question, two priorities, the lead sentence as a theme over
    its three bullets, the other notes, a comment and a next step with who, with whom, how
    and when; written by two participants who gave their names. Nobody has voted."""
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
    bullets = [add_note(client, board, anna, text) for text in VISIBILITY_NOTES]
    theme(client, board, facilitator, VISIBILITY, bullets)
    ohjaamo = add_note(client, board, ben, OHJAAMO)
    comment(client, board, anna, ohjaamo, OHJAAMO_COMMENT)
    add_note(client, board, anna, PLATFORM, column=1)
    add_note(client, board, ben, LEADERSHIP, column=1)
    add_note(client, board, anna, NEXT_STEP, kind="next_step", **STEP)
    board["notes"] = {note["text"]: note for note in notes_of(client, board, facilitator)}
    board["voters"] = (anna, ben)
    return board


def notes_of(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> list[dict]:
    return client.get(f"/api/v1/boards/{board['id']}", headers=headers).json()["notes"]


def vote_on(
    client: TestClient, forum: dict[str, Any], text: str, voter: int, times: int = 1
) -> None:
    for _ in range(times):
        vote(client, forum, forum["voters"][voter], forum["notes"][text])


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
    """The rendered document as (block, text) pairs: h1, h2, p, li, and a table's rows as
    th or td with their cells joined by " | "."""
    blocks: list[tuple[str, str]] = []
    kind = ""
    row: list[str] | None = None
    for token in MARKDOWN.parse(markdown):
        if token.type == "heading_open":
            kind = token.tag
        elif token.type == "list_item_open":
            kind = "li"
        elif token.type == "paragraph_open" and kind != "li":
            kind = "p"
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            kind = token.tag
        elif token.type == "inline" and row is not None:
            row.append(_inline_text(token.children or []))
        elif token.type == "inline":
            blocks.append((kind, _inline_text(token.children or [])))
        elif token.type == "tr_close" and row is not None:
            blocks.append((kind, " | ".join(row)))
            row = None
        elif token.type in ("list_item_close", "heading_close"):
            kind = ""
    return blocks


def _inline_text(children: list[Any]) -> str:
    """The text of an inline run; a theme's bold title counts as its text, anything else
    (a link, emphasis, code, HTML) fails the test."""
    parts = []
    for child in children:
        if child.type in ("strong_open", "strong_close"):
            continue
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
    assert blocks[:3] == [
        ("h1", "TNO-foorumi"),
        ("p", "Tiivistelmä ryhmäkeskusteluista"),
        ("p", "TEAMS-kokous"),
    ]
    assert blocks[3][0] == "p" and re.fullmatch(r"\d{1,2}\.\d{1,2}\.20\d\d", blocks[3][1])
    assert blocks[4] == ("p", f"Kysymys ryhmille: {QUESTION}")
    start = blocks.index(
        ("p", "Alla kommentit strategiassa esitettyjen painopisteiden mukaan ryhmiteltyinä:")
    )
    assert blocks[start + 1 :] == [
        ("h2", f"1. {FIRST}"),
        ("li", VISIBILITY),
        *[("li", text) for text in VISIBILITY_NOTES],
        ("li", OHJAAMO),
        ("li", OHJAAMO_COMMENT),
        ("h2", f"2. {SECOND}"),
        ("li", PLATFORM),
        ("li", LEADERSHIP),
        ("h2", "Mahdollisia seuraavia askeleita"),
        ("th", "Mitä | Kuka | Kenen kanssa | Miten | Milloin"),
        ("td", " | ".join([NEXT_STEP, *STEP.values()])),
    ]


def test_the_overview_counts_what_an_organiser_reports_first(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    open_round(client, forum, facilitator)
    vote_on(client, forum, PLATFORM, 0, 3)
    vote_on(client, forum, VISIBILITY_NOTES[0], 1, 2)
    vote_on(client, forum, VISIBILITY_NOTES[1], 0, 1)
    vote_on(client, forum, NEXT_STEP, 1, 1)
    blocks = outline(export(client, forum, facilitator, "md").content.decode())
    start = blocks.index(("h2", "Lyhyesti"))
    assert blocks[start + 1 : start + 9] == [
        ("li", "2 osallistujaa, 6 muistiinpanoa, 1 seuraava askel"),
        ("li", "Muistiinpanot painopisteittäin"),
        ("li", f"{FIRST}: 4"),
        ("li", f"{SECOND}: 2"),
        ("li", "Eniten ääniä"),
        ("li", f"Teema: {VISIBILITY} (3 ääntä)"),
        ("li", f"{shortened(PLATFORM)} (3 ääntä)"),
        ("li", f"{shortened(NEXT_STEP)} (1 ääni)"),
    ]
    without = outline(export(client, forum, facilitator, "md", overview="false").content.decode())
    assert ("h2", "Lyhyesti") not in without


def shortened(text: str) -> str:
    """A long note in the overview: cut at a word before 120 characters."""
    return text if len(text) <= 120 else text[:120].rsplit(" ", 1)[0] + " …"


def test_no_counts_without_a_round_and_never_zero_votes(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    vote_on(client, forum, PLATFORM, 0)  # a like on a board that held no round
    plain_text = export(client, forum, facilitator, "md").content.decode()
    assert "ääni" not in plain_text and "ääntä" not in plain_text
    asked = export(client, forum, facilitator, "md", votes="on").content.decode()
    assert f"{PLATFORM} (1 ääni)" in asked and "0 ääntä" not in asked
    open_round(client, forum, facilitator)
    vote_on(client, forum, LEADERSHIP, 1, 2)
    for fmt in ("md", "docx", "pdf"):
        content = export(client, forum, facilitator, fmt).content
        text = document_text(fmt, content)
        assert "(2 ääntä)" in text and "0 ääntä" not in text, fmt
    off = export(client, forum, facilitator, "md", votes="off").content.decode()
    assert "ääntä" not in off


def document_text(fmt: str, content: bytes) -> str:
    if fmt == "docx":
        return docx_text(content)
    if fmt == "pdf":
        from pypdf import PdfReader

        return " ".join(
            " ".join((page.extract_text() or "").split())
            for page in PdfReader(io.BytesIO(content)).pages
        )
    return content.decode()


def test_most_votes_first_orders_themes_and_notes_together(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    open_round(client, forum, facilitator)
    vote_on(client, forum, VISIBILITY_NOTES[2], 0, 1)
    vote_on(client, forum, OHJAAMO, 1, 2)
    ordered = outline(export(client, forum, facilitator, "md", order="votes").content.decode())
    items = [text for kind, text in ordered if kind == "li"]
    assert items.index(f"{OHJAAMO} (2 ääntä)") < items.index(f"{VISIBILITY} (1 ääni)")
    vote_on(client, forum, VISIBILITY_NOTES[0], 0, 2)
    ordered = outline(export(client, forum, facilitator, "md", order="votes").content.decode())
    items = [text for kind, text in ordered if kind == "li"]
    section = items[items.index(f"{VISIBILITY} (3 ääntä)") :]
    assert section[:3] == [
        f"{VISIBILITY} (3 ääntä)",
        f"{VISIBILITY_NOTES[0]} (2 ääntä)",
        f"{VISIBILITY_NOTES[2]} (1 ääni)",
    ]
    assert items.index(f"{VISIBILITY} (3 ääntä)") < items.index(f"{OHJAAMO} (2 ääntä)")


def test_options_leave_out_comments_and_choose_priorities(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    text = export(client, forum, facilitator, "md", comments="false").content.decode()
    assert OHJAAMO in text and "Ohjaamot ovat jo monialaisia" not in text
    second = forum["columns"][1]["id"]
    only = export(client, forum, facilitator, "md", column=second).content.decode()
    assert f"## 2. {SECOND}" in only and PLATFORM in only
    assert FIRST not in only and OHJAAMO not in only and NEXT_STEP not in only


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"format": "odt"}, "md, docx, pdf, csv, json"),
        ({"format": "md", "votes": "maybe"}, "'auto', 'on' or 'off'"),
        ({"format": "md", "order": "random"}, "'board' or 'votes'"),
        ({"format": "md", "colour": "red"}, "format, include_names, order, subtitle"),
        ({"format": "md", "column": "nope"}, "(Saavutettavuus ja asiakaslähtöisyys)"),
    ],
)
def test_an_unknown_format_or_option_is_a_422_naming_what_there_is(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any], params: dict, named: str
) -> None:
    response = client.get(
        f"/api/v1/boards/{forum['id']}/export", params=params, headers=facilitator
    )
    assert response.status_code == 422
    assert named in response.json()["detail"]


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_an_empty_board_exports_a_document_that_says_so(
    client: TestClient, facilitator: dict[str, str], fmt: str
) -> None:
    board = client.post("/api/v1/boards", json={"title": "Tyhjä"}, headers=facilitator).json()
    text = document_text(fmt, export(client, board, facilitator, fmt).content)
    assert "Tyhjä" in text and "Taululla ei ole muistiinpanoja." in text


def test_plain_text_stays_plain_in_markdown(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    text = export(client, forum, facilitator, "md", include_names="true").content.decode()
    assert "-> arvostamaan toisia -> luottamus :)" in text
    assert "monialaisia & matalan" in text and "fi > riittäisikö" in text
    assert "\\>" not in text and "\\&" not in text
    assert "PS. Ohjaamotoiminnan" in text and "Työ/koulutus" in text


def test_own_subtitle(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = export(client, forum, facilitator, "md", subtitle="Muistiinpanot Padletista")
    assert outline(response.content.decode())[1] == ("p", "Muistiinpanot Padletista")


def test_fixed_words_and_labels_follow_the_board_language(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    board = client.post(
        "/api/v1/boards",
        json={"title": "Forum", "language": "sv", "question": "Vad gör vi?"},
        headers=facilitator,
    ).json()
    add_note(client, board, facilitator, "Ett nästa steg", kind="next_step", owner="Vi")
    open_round(client, board, facilitator)
    vote(client, board, facilitator, notes_of(client, board, facilitator)[0])
    text = export(client, board, facilitator, "md").content.decode()
    assert "Sammanfattning av gruppdiskussionerna" in text
    assert "Fråga till grupperna: Vad gör vi?" in text
    assert "## Möjliga nästa steg" in text
    assert "| Vad | Vem | Med vem | Hur | När |" in text
    assert "| Ett nästa steg (1 röst) | Vi |" in text


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
    """Every paragraph's text, the table's cells included."""
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


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


def test_csv_has_one_row_per_note_for_finnish_excel(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = export(client, forum, facilitator, "csv", delimiter="semicolon")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row["text"] for row in rows] == NOTES
    assert [row["column"] for row in rows] == [FIRST] * 4 + [SECOND, SECOND, FIRST]
    assert [row["theme"] for row in rows][:4] == [VISIBILITY] * 3 + [""]
    assert [row["kind"] for row in rows][-1] == "next_step"
    assert rows[3]["comments"] == OHJAAMO_COMMENT
    assert rows[-1]["owner"] == STEP["owner"] and rows[-1]["when"] == "2021"
    assert {"row", "theme", "owner", "partners", "how", "when", "created"} <= rows[0].keys()
    assert rows[0]["author"] == "" and rows[0]["votes"] == ""


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
    assert kinds.count("h1") == 1 and kinds.count("h2") == 7  # the overview and six priorities
    items = [text for kind, text in blocks if kind == "li"]
    for text in HOSTILE:
        assert text in items
    assert "<strong>" not in MARKDOWN.render(markdown)
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


def test_print_view_is_the_summary_on_a_clean_page(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = client.get(f"/b/{forum['id']}/print", headers=facilitator)
    assert response.status_code == 200
    html = response.text
    article = html[html.index("<article") :]
    order = ("Tiivistelmä", f"<h2>1. {FIRST}", "luottamus :)", f"<h2>2. {SECOND}", "<table")
    positions = [article.index(text) for text in order]
    assert positions == sorted(positions)
    assert (
        "Mahdollisia seuraavia askeleita" in article and '<th scope="col">Kenen kanssa</th>' in html
    )
    for field in ("include_names", "votes", "comments", "overview", "order", "column", "subtitle"):
        assert f'name="{field}"' in html  # the export form's options, to change and show again
    assert "Anna Ahonen" not in html
    assert "<script" not in html and "style=" not in html and "<style" not in html
    named = client.get(f"/b/{forum['id']}/print?include_names=true", headers=facilitator)
    assert "Anna Ahonen" in named.text


def test_board_page_offers_the_export_menu_to_facilitators_only(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    link = f'href="/b/{forum["id"]}/export"'  # the toolbar's way to the export page
    assert link in client.get(f"/b/{forum['id']}", headers=facilitator).text
    guest = join(client, forum["id"])
    assert link not in client.get(f"/b/{forum['id']}", headers=guest).text
    assert client.get(f"/b/{forum['id']}/export", headers=guest).status_code == 403
    page = client.get(f"/b/{forum['id']}/export", headers=facilitator).text
    assert f'action="/b/{forum["id"]}/export"' in page and 'name="column"' in page
    menu = client.get(f"/b/{forum['id']}/export", headers={**facilitator, "HX-Request": "true"})
    assert menu.status_code == 200 and "<html" not in menu.text and "include_names" in menu.text


def test_counts_hidden_from_the_room_stay_out_of_the_summary(
    client: TestClient, facilitator: dict[str, str], forum: dict[str, Any]
) -> None:
    response = client.post(
        f"/api/v1/boards/{forum['id']}/voting",
        json={"budget": 5, "max_per_note": 3, "hide_results": True},
        headers=facilitator,
    )
    assert response.status_code == 200, response.text
    vote_on(client, forum, LEADERSHIP, 0, 3)
    hidden = export(client, forum, facilitator, "md", votes="on", order="votes").content.decode()
    assert "ääntä" not in hidden
    assert hidden.index(PLATFORM) < hidden.index(LEADERSHIP)  # no order gives it away
    assert client.delete(f"/api/v1/boards/{forum['id']}/voting", headers=facilitator).is_success
    shown = export(client, forum, facilitator, "md", order="votes").content.decode()
    assert f"- {LEADERSHIP} (3 ääntä)" in shown and shown.index(LEADERSHIP) < shown.index(PLATFORM)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_a_theme_title_renders_bold_and_exactly_as_typed(text: str) -> None:
    title = " ".join(text.split())
    if not title:
        return
    tokens = MARKDOWN.parse(f"- **{heading(title)}** (3 ääntä)")
    inline = next(t for t in tokens if t.type == "inline").children or []
    kinds = [t.type for t in inline]
    opening, closing = kinds.index("strong_open"), kinds.index("strong_close")
    assert _inline_text(inline[:opening]) == ""  # nothing before the bold title
    assert _inline_text(inline[opening + 1 : closing]) == title
