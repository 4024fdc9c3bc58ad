"""The board in a real browser: live updates between people, keyboard-only use, drag and
drop, the blank-note message, and the language switch."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import NewContext, Server, join, sign_in

MAX_TABS = 40


def press_until(page: Page, key: str, selector: str) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches: reach it by keyboard."""
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} was not reached with {key}")


def focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("(s) => document.activeElement.matches(s)", selector))


def note_texts(page: Page, column_id: str) -> list[str]:
    return page.locator(f"#notes-{column_id} .note-text").all_inner_texts()


def test_a_note_from_one_person_reaches_the_other_within_a_second(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board()
    anna = join(new_context(), board, "Anna")
    ben = join(new_context(), board, "Ben")
    column = board["columns"][2]
    ben.locator(f"#note-text-{board['columns'][0]['id']}").focus()
    ben.evaluate("window.notReloaded = true")

    anna.locator(f"#note-text-{column['id']}").fill("Laatukriteerit yhteisiksi")
    started = time.monotonic()
    anna.locator(f"#note-form-{column['id']}").get_by_role("button", name="Lisää").click()
    arrived = ben.locator(f"#notes-{column['id']} .note-text", has_text="Laatukriteerit")
    expect(arrived).to_be_visible(timeout=1000)
    assert time.monotonic() - started < 1.0

    assert ben.evaluate("window.notReloaded") is True
    assert focused(ben, f"#note-text-{board['columns'][0]['id']}"), "focus was stolen"
    expect(ben.locator("#announcer")).to_have_text(
        f"Uusi muistiinpano sarakkeessa: {column['title']}"
    )
    expect(ben.locator("#announcer")).to_have_attribute("aria-live", "polite")


def test_add_edit_vote_and_move_with_the_keyboard_alone(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board()
    page = join(new_context(), board, "Kaisa")
    first, second = (c["id"] for c in board["columns"][:2])

    press_until(page, "Tab", f"#note-text-{first}")
    for text in ("Yksi", "Kaksi"):
        page.keyboard.type(text)
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator(f"#notes-{first} .note-text").last).to_have_text(text)
        expect(page.locator(f"#note-text-{first}")).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Muistiinpanosi lisättiin.")

    note = page.locator(f"#notes-{first} .note").last
    note_id = note.get_attribute("data-note-id")
    vote = f"#note-{note_id} button.vote"
    press_until(page, "Tab", vote)
    page.keyboard.press("Space")
    expect(page.locator(vote)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(vote)).to_contain_text("1")

    # Everything else is in the note's one action menu ("⋯"), opened by keyboard.
    menu_button = f"#note-{note_id} .note-menu-button"
    press_until(page, "Tab", menu_button)
    page.keyboard.press("Enter")
    expect(page.locator("#note-menu .note-edit summary")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("End")
    page.keyboard.type(" ja kolme")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(f"#note-text-of-{note_id}")).to_have_text("Kaksi ja kolme")
    expect(page.locator("#note-menu")).to_be_hidden()
    expect(page.locator(menu_button)).to_be_focused()

    page.keyboard.press("Enter")
    press_until(page, "Tab", "#note-menu [data-focus=move-up]")
    page.keyboard.press("Enter")
    expect(page.locator(f"#notes-{first} .note").first).to_have_id(f"note-{note_id}")
    up = page.locator("#note-menu [data-focus=move-up]")
    expect(up).to_be_focused()
    expect(up).to_have_attribute("aria-disabled", "true")
    assert server.order(board)[0] == ["Kaksi ja kolme", "Yksi"]

    press_until(page, "Tab", "#note-menu [data-focus=move-right]")
    page.keyboard.press("Enter")
    expect(page.locator(f"#notes-{second} #note-{note_id}")).to_be_attached()
    expect(page.locator("#note-menu [data-focus=move-right]")).to_be_focused()
    title = board["columns"][1]["title"]
    expect(page.locator("#announcer")).to_have_text(f"Siirretty sarakkeeseen {title}, paikka 1/1.")
    assert server.order(board)[:2] == [["Yksi"], ["Kaksi ja kolme"]]


def test_a_note_of_only_spaces_is_refused_next_to_the_field_in_the_persons_language(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board()
    page = join(new_context(), board, "")
    page.goto(f"/b/{board['id']}?lang=sv")
    column_id = board["columns"][0]["id"]
    field = page.locator(f"#note-text-{column_id}")
    field.fill("   ")
    page.locator(f"#note-form-{column_id}").get_by_role("button", name="Lägg till").click()

    error = page.locator(f"#note-error-{column_id}")
    expect(error).to_have_text("Anteckning får inte vara tom.")
    expect(error).to_have_attribute("role", "alert")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", f"note-error-{column_id}")
    expect(field).to_be_focused()
    assert server.order(board)[0] == []


def drag(page: Page, handle: Any, target: Any, *, above: bool) -> None:
    """Drag by the note's handle onto the upper or lower part of the target, in small
    steps as a hand would (SortableJS's fallback listens to the pointer moving)."""
    handle.scroll_into_view_if_needed()
    start = handle.bounding_box()
    end = target.bounding_box()
    assert start and end
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    to_x = end["x"] + end["width"] / 2
    to_y = end["y"] + (end["height"] * (0.25 if above else 0.75))
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 5, y + 5, steps=3)
    page.mouse.move(to_x, to_y, steps=15)
    page.mouse.move(to_x, to_y + 1, steps=2)
    page.mouse.up()


def test_drag_and_drop_reorders_and_moves_notes_for_everyone(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board()
    for text in ("A", "B", "C"):
        server.note(board, text)
    tall = {"width": 1280, "height": 1400}  # source and target on screen at once
    facilitator = sign_in(new_context(viewport=tall), f"/b/{board['id']}")
    facilitator.locator("#connection[data-state=online]").wait_for()
    watcher = join(new_context(), board, "Ben")
    first, second = (c["id"] for c in board["columns"][:2])
    notes = facilitator.locator(f"#notes-{first} .note")

    drag(facilitator, notes.nth(2).locator(".drag-handle"), notes.nth(0), above=True)
    expect(watcher.locator(f"#notes-{first} .note-text")).to_have_text(["C", "A", "B"])
    assert server.order(board)[0] == ["C", "A", "B"]

    target = facilitator.locator(f"#notes-{second}")
    drag(facilitator, notes.nth(1).locator(".drag-handle"), target, above=True)
    expect(watcher.locator(f"#notes-{second} .note-text")).to_have_text(["A"])
    expect(facilitator.locator(f"#notes-{first} .note-text")).to_have_text(["C", "B"])
    assert server.order(board)[:2] == [["C", "B"], ["A"]]
    # Participants drag only their own notes: others' notes show no handle.
    expect(watcher.locator(f"#notes-{first} .drag-handle").first).to_be_hidden()


def test_language_switch_is_remembered_and_unknown_codes_fall_back_to_finnish(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board()
    page = join(new_context(), board, "Sara")
    page.get_by_role("link", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    page.goto(f"/b/{board['id']}")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    column_id = board["columns"][0]["id"]
    page.locator(f"#note-text-{column_id}").fill("Hej")
    page.locator(f"#note-form-{column_id}").get_by_role("button", name="Lägg till").click()
    expect(
        page.locator(f"#notes-{column_id} .note").get_by_role("button", name="Rösta")
    ).to_be_visible()

    stranger = new_context(locale="de-DE").new_page()
    stranger.goto("/login?lang=xx")
    expect(stranger.locator("html")).to_have_attribute("lang", "fi")
    expect(stranger.get_by_role("heading", level=1)).to_have_text(
        "Kirjaudu sisään fasilitaattorina"
    )


def test_a_note_written_offline_is_sent_once_when_the_connection_returns(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board()
    context = new_context()
    page = join(context, board, "Offline")
    column = board["columns"][1]["id"]
    context.set_offline(True)
    page.locator(f"#note-text-{column}").fill("Kirjoitettu junassa")
    page.locator(f"#note-form-{column}").get_by_role("button", name="Lisää").click()
    expect(page.locator(f"#note-form-{column} .pending-note")).to_be_visible()
    context.set_offline(False)
    expect(page.locator(f"#notes-{column} .note-text")).to_have_text(["Kirjoitettu junassa"])
    texts = [
        n["text"]
        for n in server.api("GET", f"/api/v1/boards/{board['id']}", server.join(board))["notes"]
    ]
    assert texts.count("Kirjoitettu junassa") == 1


def test_the_board_page_asks_nothing_of_any_other_origin(
    server: Server, new_context: NewContext
) -> None:
    """Privacy: every request the page makes (scripts, styles, icons, the live stream,
    form posts) goes to Paja itself, for a participant and for the facilitator."""
    board = server.new_board()
    requested: list[str] = []
    for page in (join(new_context(), board, "Anna"), sign_in(new_context(), f"/b/{board['id']}")):
        page.on("request", lambda request: requested.append(request.url))
        page.on("websocket", lambda socket: requested.append(socket.url))
        page.reload()
        expect(page.locator("#connection")).to_have_attribute("data-state", "online")
        page.locator(f"#note-text-{board['columns'][0]['id']}").fill("Oma palvelin")
        page.locator(f"#note-form-{board['columns'][0]['id']}").get_by_role("button").click()
        expect(page.locator(".note-text", has_text="Oma palvelin").first).to_be_visible()
    host = server.base.split("://", 1)[1]
    assert requested, "no request was recorded"
    assert all(url.split("://", 1)[1].startswith(host + "/") for url in requested), requested
