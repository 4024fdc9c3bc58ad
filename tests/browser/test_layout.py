"""Layouts: columns side by side on a laptop, one column at a time on a phone (touch
dragging included), and the projector view. The README's screenshots come from
test_board_figures.py."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LAPTOP, PHONE, NewContext, Server, join, sign_in

# (column, author, text, votes, kind, comment)
DEMO_NOTES = [
    (
        0,
        "Jussi",
        "Ohjauksen palvelukartta yhteiseksi koko maakuntaan",
        5,
        "note",
        "Auttaisi myös oppilaitoksia",
    ),
    (0, "Maria", "Chat-palvelu iltaisin myös ruotsiksi", 3, "note", None),
    (1, "", "Yhteinen verkkoajanvaraus kaikille toimijoille", 2, "note", None),
    (1, "Pekka", "Etäohjauksen pelisäännöt kirjataan yhdessä", 1, "note", None),
    (2, "Liisa", "Laatukriteerit ohjaukselle yhteisesti", 4, "note", None),
    (2, "", "Laatutyöryhmä kokoontuu tammikuussa", 0, "next_step", None),
    (3, "Ahmed", "Ohjausta maahanmuuttajille omalla kielellä", 3, "note", "Tulkkipalvelu mukaan"),
]


@pytest.fixture
def demo_board(server: Server) -> dict[str, Any]:
    """A board as it looks mid-workshop: named and anonymous notes, votes, comments and a
    next step."""
    board = server.new_board("Kaakkois-Suomen ELO-foorumi", event="Työpaja 24.11.2026")
    voters = [server.join(board, name) for name in ("Sanna", "Mikko", "Eeva", "Timo", "Laura")]
    for column, author, text, votes, kind, comment in DEMO_NOTES:
        token = server.join(board, author)
        note = server.note(board, text, column=column, token=token, kind=kind)
        url = f"/api/v1/boards/{board['id']}/notes/{note['id']}"
        for voter in voters[:votes]:
            server.api("PUT", f"{url}/vote", voter)
        if comment:
            server.api("POST", f"{url}/comments", voters[0], json={"text": comment})
    return board


def visible_columns(page: Page) -> list[str]:
    return page.locator(".column:visible h2").all_inner_texts()


def test_laptop_columns_sit_side_by_side_and_scroll_sideways(
    server: Server, demo_board: dict[str, Any], new_context: NewContext
) -> None:
    page = join(new_context(viewport=LAPTOP), demo_board, "Anna")
    assert len(visible_columns(page)) == len(demo_board["columns"])
    scroll = page.evaluate(
        "(() => { const c = document.getElementById('columns');"
        " return [c.scrollWidth, c.clientWidth, document.documentElement.scrollWidth]; })()"
    )
    assert scroll[0] > scroll[1], "the columns should scroll sideways inside their strip"
    assert scroll[2] <= LAPTOP["width"], "the page itself must not scroll sideways"
    expect(page.locator("#column-switcher")).to_be_hidden()


def touch_drag(page: Page, handle: Any, target: Any) -> None:
    """A finger on the note's handle, moved onto the upper part of the target, lifted."""
    session = page.context.new_cdp_session(page)
    start, end = handle.bounding_box(), target.bounding_box()
    assert start and end
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    to_x, to_y = end["x"] + end["width"] / 2, end["y"] + end["height"] * 0.25

    def touch(kind: str, at_x: float, at_y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": at_x, "y": at_y}]
        session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", x, y)
    steps = 15
    for step in range(1, steps + 1):
        touch("touchMove", x + (to_x - x) * step / steps, y + (to_y - y) * step / steps)
        page.wait_for_timeout(15)
    touch("touchEnd", to_x, to_y)


def test_phone_shows_one_column_at_a_time_with_a_switcher(
    server: Server, demo_board: dict[str, Any], new_context: NewContext
) -> None:
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = join(phone, demo_board, "Pia")
    titles = [c["title"] for c in demo_board["columns"]]
    switcher = page.locator("#column-switcher")
    expect(switcher).to_be_visible()
    assert visible_columns(page) == [titles[0]]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    page.get_by_label("Näytettävä sarake").select_option(demo_board["columns"][2]["id"])
    assert visible_columns(page) == [titles[2]]
    switcher.get_by_role("button", name="Seuraava sarake").click()
    assert visible_columns(page) == [titles[3]]
    previous = switcher.get_by_role("button", name="Edellinen sarake")
    for _ in range(3):
        previous.click()
    assert visible_columns(page) == [titles[0]]
    expect(previous).to_have_attribute("aria-disabled", "true")

    column = demo_board["columns"][0]["id"]
    for text in ("Eka", "Toka"):
        page.locator(f"#note-text-{column}").fill(text)
        page.locator(f"#note-form-{column}").get_by_role("button", name="Lisää").click()
        expect(page.locator(f"#notes-{column} .note-text").last).to_have_text(text)
    mine = page.locator(f"#notes-{column} .note--mine")
    mine.nth(0).scroll_into_view_if_needed()
    touch_drag(page, mine.nth(1).locator(".drag-handle"), mine.nth(0))
    expect(page.locator(f"#notes-{column} .note--mine .note-text")).to_have_text(["Toka", "Eka"])
    assert server.order(demo_board)[0][-2:] == ["Toka", "Eka"]

    # Moved to the next column by keyboard, the note is followed there.
    note = mine.nth(0)
    note.locator(".note-menu-button").click()
    page.locator("#note-menu [data-focus=move-right]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#notes-{demo_board['columns'][1]['id']} .note-text").last).to_have_text(
        "Toka"
    )
    assert visible_columns(page) == [titles[1]]
    expect(page.locator("[data-focus=move-right]:focus")).to_have_count(1)


def test_projector_view_is_large_read_only_and_live(
    server: Server, demo_board: dict[str, Any], new_context: NewContext
) -> None:
    page = sign_in(
        new_context(viewport={"width": 1920, "height": 1080}), f"/b/{demo_board['id']}/projector"
    )
    page.locator("#connection[data-state=online]").wait_for()
    assert len(visible_columns(page)) == len(demo_board["columns"])
    # The same compact cards, read-only: their counts show, their controls do nothing.
    expect(page.locator(".note textarea, .note-menu-button:visible")).to_have_count(0)
    expect(page.locator(".note-foot:not([inert])")).to_have_count(0)
    expect(page.locator(".note-form")).to_have_count(0)
    expect(page.locator(".projector-join")).to_contain_text(demo_board["join_code"])
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.note-text')).fontSize)"
    )
    assert size >= 20

    server.note(demo_board, "Uusi ajatus projektorille", column=4)
    column = demo_board["columns"][4]["id"]
    expect(page.locator(f"#notes-{column} .note-text")).to_have_text(["Uusi ajatus projektorille"])
    expect(page.locator(f"#notes-{column} .note-foot")).to_have_js_property("inert", True)
