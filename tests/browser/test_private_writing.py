"""Private writing in real browsers: another participant sees nothing of a note until the
facilitator reveals it, then it appears live; its author keeps the tools to edit it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import NewContext, Server, join


def test_a_private_note_appears_to_others_only_at_the_reveal(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board()
    server.api("PATCH", f"/api/v1/boards/{board['id']}", json={"private_writing": True})
    anna = join(new_context(), board, "Anna")
    ben = join(new_context(), board, "Ben")
    ben.locator("#connection[data-state=online]").wait_for()
    column = board["columns"][0]["id"]
    anna.locator(f"#note-form-{column} textarea").fill("Vain minun ajatukseni")
    anna.locator(f"#note-form-{column}").get_by_role("button", name="Lisää").click()
    mine = anna.locator(f"#notes-{column} .note", has_text="Vain minun ajatukseni")
    expect(mine).to_have_attribute("data-visibility", "private")
    expect(mine.locator(".note-visibility")).to_be_visible()
    ben.wait_for_timeout(500)  # the event has reached Ben by now, as note.withheld
    expect(ben.get_by_text("Vain minun ajatukseni")).to_have_count(0)

    server.api("POST", f"/api/v1/boards/{board['id']}/reveal")
    expect(ben.locator(f"#notes-{column} .note", has_text="Vain minun ajatukseni")).to_be_visible()
    expect(mine).to_have_attribute("data-visibility", "public")
    expect(mine.locator(".note-visibility")).to_have_count(0)
    mine.locator(".note-menu-button").click()  # the author can still edit
    expect(anna.locator("#note-menu .note-edit summary")).to_be_visible()
