"""The board holds up in a real workshop: on a board of 6 priorities × 12 notes (votes,
comments, one 5,000-character note) the first screen shows the board, cards are compact,
each column starts with its add control, and a phone shows notes; Ctrl+Enter sends and an
unsent draft survives a reload. The laptop, facilitator and phone runs write the README's
screenshots to docs/screenshots/."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, SCREENSHOTS, NewContext, Server, join, sign_in
from tests.browser.figures import measure
from tests.browser.seeding import seed_workshop

WIDE = {"width": 1440, "height": 900}
# Seeding 72 notes with votes and comments over HTTP takes a while on a busy CI machine.
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def workshop(server: Server) -> dict[str, Any]:
    return seed_workshop(server)


def test_a_participants_first_screen_is_the_board(
    workshop: dict[str, Any], new_context: NewContext
) -> None:
    page = join(new_context(viewport=WIDE), workshop, "Anna")
    figures = measure(page, workshop["long_note_id"])
    print("participant 1440x900", figures)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "board-laptop.png")
    assert figures["first_card_top"] <= 260, figures
    assert figures["whole_cards"] >= 12, figures
    assert figures["median_short_card"] <= 140, figures
    assert figures["long_card"] <= 320, figures
    assert all(bottom is not None and bottom <= 900 for bottom in figures["add_bottoms"]), figures
    assert figures["sideways"] <= 0

    long_card = page.locator(f"#note-{workshop['long_note_id']}")
    long_card.get_by_role("link", name="Näytä lisää").click()
    assert long_card.bounding_box()["height"] > 320  # opened in place
    expect(long_card.locator(".note-more")).to_have_text("Näytä vähemmän")


def test_a_facilitators_board_starts_near_the_top(
    workshop: dict[str, Any], new_context: NewContext
) -> None:
    page = sign_in(new_context(viewport=WIDE), f"/b/{workshop['id']}")
    page.locator("#connection[data-state=online]").wait_for()
    figures = measure(page, workshop["long_note_id"])
    print("facilitator 1440x900", figures)
    page.screenshot(path=SCREENSHOTS / "board-facilitator.png")
    assert figures["first_card_top"] <= 340, figures


def test_a_phone_during_private_writing_shows_notes(
    server: Server, workshop: dict[str, Any], new_context: NewContext
) -> None:
    url = f"/api/v1/boards/{workshop['id']}"
    server.api("PATCH", url, json={"private_writing": True})
    try:
        phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
        page = join(phone, workshop, "Pia")
        figures = measure(page, workshop["long_note_id"])
        print("phone 390x844, private writing", figures)
        page.screenshot(path=SCREENSHOTS / "board-phone.png")
    finally:
        server.api("PATCH", url, json={"private_writing": False})
    assert figures["first_card_top"] <= 420, figures
    assert figures["sideways"] <= 0, figures
    assert figures["first_visible_add_bottom"] <= PHONE["height"], figures


def test_ctrl_enter_sends_and_a_reload_keeps_an_unsent_draft(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board()
    page = join(new_context(), board, "Kaisa")
    first, second = (c["id"] for c in board["columns"][:2])
    page.locator(f"#note-text-{first}").fill("Lähetetty näppäimillä")
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"#notes-{first} .note-text")).to_have_text(["Lähetetty näppäimillä"])
    expect(page.locator(f"#note-text-{first}")).to_have_value("")

    page.locator(f"#note-text-{second}").fill("Puolivalmis ajatus")
    # A person reloads seconds after typing, not in the same millisecond: wait until the
    # browser holds the draft (Chromium commits localStorage writes asynchronously).
    page.wait_for_function(
        "key => (localStorage.getItem(key) || '').includes('Puolivalmis ajatus')",
        arg=f"paja:draft:{board['id']}:{second}",
    )
    page.reload()
    expect(page.locator(f"#note-text-{second}")).to_have_value("Puolivalmis ajatus")
    expect(page.locator(f"#note-text-{first}")).to_have_value("")  # sent: no draft left
    page.locator(f"#note-text-{second}").focus()
    page.keyboard.press("Meta+Enter")
    expect(page.locator(f"#notes-{second} .note-text")).to_have_text(["Puolivalmis ajatus"])
    page.reload()
    expect(page.locator(f"#note-text-{second}")).to_have_value("")
    assert server.order(board)[:2] == [["Lähetetty näppäimillä"], ["Puolivalmis ajatus"]]


# A note whose frame would be longer than the stream takes (PAJA_WS_MAX_FRAME_BYTES,
# 4096 bytes) goes by the form post, as every note does when the stream is closed.
LONG_NOTE = "Pitkä ajatus, joka ei mahdu yhteen kehykseen. " * 100


def _on_the_stream(context: Any, page_side: Any = None, server_side: Any = None) -> None:
    """Route the board stream through the test: `page_side(message, route, server)`
    handles what the page sends, `server_side(message, route)` what the server sends."""

    def handler(route: Any) -> None:
        server = route.connect_to_server()
        if page_side:
            route.on_message(lambda message: page_side(message, route, server))
        if server_side:
            server.on_message(lambda message: server_side(message, route))

    context.route_web_socket(lambda url: "/ws?" in url, handler)


@pytest.mark.parametrize("door", ["stream", "form"])
def test_a_draft_whose_send_was_cut_by_a_reload_is_stored_once(
    server: Server, new_context: NewContext, door: str
) -> None:
    """The server stored the note but the page reloaded before the answer came: the
    draft comes back, and sending it again does not make a second note."""
    board = server.new_board()
    context = new_context()
    column = board["columns"][0]["id"]
    text = "Katkennut lähetys" if door == "stream" else LONG_NOTE.strip()
    cut: list[str] = []

    def lose_the_first_ack(message: Any, route: Any) -> None:
        if not cut and '"type": "ack"' in str(message):
            cut.append(str(message))  # stored, but the page never hears of it
            return
        route.send(message)

    def store_then_lose_the_answer(route: Any) -> None:
        if cut:
            route.continue_()
            return
        cut.append(route.request.url)
        route.fetch()  # the server has it now
        route.abort()

    _on_the_stream(context, server_side=lose_the_first_ack)
    context.route(f"**/b/{board['id']}/notes", store_then_lose_the_answer)
    page = join(context, board, "Katko")
    page.locator(f"#note-text-{column}").fill(text)
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"#notes-{column} .note")).to_have_count(1)
    assert len(cut) == 1
    assert ('"type": "ack"' in cut[0]) == (door == "stream"), cut  # it went by that door
    page.reload()
    expect(page.locator(f"#note-text-{column}")).to_have_value(text)
    page.locator(f"#note-text-{column}").focus()
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"#note-text-{column}")).to_have_value("")
    assert server.order(board)[0] == [text]


@pytest.mark.parametrize("door", ["stream", "form"])
def test_a_busy_server_is_asked_again_after_retry_after(
    server: Server, new_context: NewContext, door: str
) -> None:
    """A 503 with Retry-After (the write queue is full) keeps the note in its form, says so,
    and sends it again after the wait: it arrives once."""
    board = server.new_board()
    context = new_context()
    column = board["columns"][0]["id"]
    text = "Ruuhkassa kirjoitettu" if door == "stream" else LONG_NOTE.strip()
    refused: list[str] = []

    def busy_once_on_the_stream(message: Any, route: Any, stream: Any) -> None:
        if not refused and '"note.create"' in str(message):
            ref = json.loads(message)["ref"]
            refused.append(ref)
            busy = {"type": "error", "ref": ref, "status": 503, "detail": "busy", "retry_after": 1}
            route.send(json.dumps(busy))
            return
        stream.send(message)

    def busy_once(route: Any) -> None:
        if not refused:
            refused.append(route.request.url)
            route.fulfill(status=503, headers={"Retry-After": "1"}, body="busy")
        else:
            route.continue_()

    _on_the_stream(context, page_side=busy_once_on_the_stream)
    context.route(f"**/b/{board['id']}/notes", busy_once)
    page = join(context, board, "Kiire")
    page.locator(f"#note-text-{column}").fill(text)
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"#note-form-{column} .pending-note")).to_be_visible()
    expect(page.locator(f"#notes-{column} .note")).to_have_count(1)
    assert len(refused) == 1
    assert server.order(board)[0] == [text]


def test_a_refused_note_says_why_next_to_its_field_and_keeps_the_text(
    server: Server, new_context: NewContext
) -> None:
    """The stream's error lands where a form post's would: under the field, as an alert,
    the field marked invalid; the next note that is stored clears it."""
    board = server.new_board()
    page = join(new_context(), board, "Tyhjä")
    column = board["columns"][0]["id"]
    field = page.locator(f"#note-text-{column}")
    field.fill("   ")
    field.press("Control+Enter")
    error = page.locator(f"#note-form-{column} .field-error[role=alert]")
    expect(error).to_have_text("Muistiinpano ei saa olla tyhjä.")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("   ")
    field.fill("Nyt on sisältöä")
    field.press("Control+Enter")
    expect(page.locator(f"#notes-{column} .note-text")).to_have_text(["Nyt on sisältöä"])
    expect(error).to_have_count(0)
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    # Where it went: the form says it was added, and the note is ringed for a moment.
    expect(page.locator(f"#note-form-{column} .note-form-hint")).to_have_text(
        "✓ Muistiinpanosi lisättiin."
    )
    expect(page.locator(f"#notes-{column} .note").last).to_have_class(re.compile("just-added"))
    expect(page.locator(f"#notes-{column} .note").last).not_to_have_class(
        re.compile("just-added"), timeout=6000
    )
    expect(page.locator(f"#note-form-{column} .note-form-hint")).to_have_text(
        "Ctrl+Enter lähettää", timeout=6000
    )


def test_a_question_cut_to_one_line_on_a_phone_shows_there_is_more(
    server: Server, new_context: NewContext
) -> None:
    """On a phone the question is one line; a chevron says it was cut, and a tap opens
    the whole question. A short question that fits gets no chevron."""
    long_question = "Mitä ELO-ryhmät alueilla voivat tehdä, jotta strategia toteutuu arjessa?"
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = join(phone, server.new_board(question=long_question), "Pia")
    question = page.locator(".board-header .question")
    expect(question).to_have_class(re.compile("is-cut"))
    one_line = question.bounding_box()["height"]
    question.click()
    expect(question).to_have_class(re.compile("is-open"))
    assert question.bounding_box()["height"] > 2 * one_line
    short = join(phone, server.new_board(question="Mitä?"), "Pia")
    expect(short.locator(".board-header .question")).not_to_have_class(re.compile("is-cut"))
