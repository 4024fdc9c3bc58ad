"""A grid board in a real browser: notes written into cells, moved between cells by
keyboard and by drag and drop, and rows added and removed, live for everyone."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, NewContext, Server, join, sign_in
from tests.browser.test_accessibility import check
from tests.browser.test_live_board import drag, press_until

GRID = "kaakkois-suomi-2021-grid"


def cell_texts(server: Server, board: dict[str, Any], column: int, row: int) -> list[str]:
    snapshot = server.api("GET", f"/api/v1/boards/{board['id']}")
    column_id, row_id = board["columns"][column]["id"], snapshot["rows"][row]["id"]
    return [
        n["text"]
        for n in snapshot["notes"]
        if n["column_id"] == column_id and n["row_id"] == row_id
    ]


def test_notes_go_into_cells_and_move_between_them_live(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board("Kaakon työpaja", template=GRID)
    column = board["columns"][0]["id"]
    works, develop = (r["id"] for r in board["rows"])
    anna = join(new_context(), board, "Anna")
    ben = join(new_context(), board, "Ben")

    anna.locator(f"#note-text-{column}-{develop}").fill("Tiedotus hajanaista")
    anna.locator(f"#note-form-{column}-{develop}").get_by_role("button", name="Lisää").click()
    expect(ben.locator(f"#notes-{column}-{develop} .note-text")).to_have_text(
        ["Tiedotus hajanaista"]
    )

    note_id = anna.locator(f"#notes-{column}-{develop} .note").first.get_attribute("data-note-id")
    press_until(anna, "Tab", f"#note-{note_id} .note-menu-button")
    anna.keyboard.press("Enter")  # the note's action menu
    up = anna.locator("#note-menu [data-focus=move-up]")
    press_until(anna, "Tab", "#note-menu [data-focus=move-up]")
    expect(up).to_have_attribute("aria-disabled", "false")
    anna.keyboard.press("Enter")  # from the top of row B to row A
    expect(ben.locator(f"#notes-{column}-{works} .note-text")).to_have_text(["Tiedotus hajanaista"])
    expect(ben.locator(f"#notes-{column}-{develop} .note")).to_have_count(0)
    expect(up).to_be_focused()
    expect(up).to_have_attribute("aria-disabled", "true")
    assert cell_texts(server, board, 0, 0) == ["Tiedotus hajanaista"]


def test_drag_between_cells_and_rows_added_and_removed_live(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board("Kaakon työpaja", template=GRID)
    column = board["columns"][0]["id"]
    works, develop = (r["id"] for r in board["rows"])
    server.note(board, "Ohjaamot", row_id=works)
    tall = {"width": 1280, "height": 1400}
    facilitator = sign_in(new_context(viewport=tall), f"/b/{board['id']}")
    facilitator.locator("#connection[data-state=online]").wait_for()
    watcher = join(new_context(), board, "Ben")

    note = facilitator.locator(f"#notes-{column}-{works} .note").first
    drag(
        facilitator,
        note.locator(".drag-handle"),
        facilitator.locator(f"#notes-{column}-{develop}"),
        above=True,
    )
    expect(watcher.locator(f"#notes-{column}-{develop} .note-text")).to_have_text(["Ohjaamot"])
    assert cell_texts(server, board, 0, 1) == ["Ohjaamot"]

    facilitator.locator("#tool-more > summary").click()
    facilitator.locator("#rows-admin summary").click()
    facilitator.get_by_label("Uusi rivi").fill("C. Seuraava askel")
    facilitator.get_by_role("button", name="Lisää rivi").click()
    new_cells = watcher.locator(".cell", has_text="C. Seuraava askel")
    expect(new_cells).to_have_count(len(board["columns"]))
    row_id = new_cells.first.get_attribute("data-row-id")
    watcher.locator(f"#note-text-{column}-{row_id}").fill("Yhteinen kalenteri")
    watcher.locator(f"#note-form-{column}-{row_id}").get_by_role("button", name="Lisää").click()
    expect(facilitator.locator(f"#notes-{column}-{row_id} .note-text")).to_have_text(
        ["Yhteinen kalenteri"]
    )

    server.api("DELETE", f"/api/v1/boards/{board['id']}/rows/{works}")
    expect(watcher.locator(f".cell[data-row-id='{works}']")).to_have_count(0)
    expect(watcher.locator(".cell")).to_have_count(2 * len(board["columns"]))


def test_a_board_becomes_a_grid_and_back_without_a_reload(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board()
    first, second = (c["id"] for c in board["columns"][:2])
    server.note(board, "Ennen rivejä")
    watcher = join(new_context(), board, "Ben")
    watcher.evaluate("window.notReloaded = true")
    rows = f"/api/v1/boards/{board['id']}/rows"

    row = server.api("POST", rows, json={"title": "A. Nyt"})
    expect(watcher.locator(f"#notes-{first}-{row['id']} .note-text")).to_have_text(["Ennen rivejä"])
    expect(watcher.locator(f"#notes-{first}")).to_have_count(0)
    other = server.api("POST", rows, json={"title": "B. Myöhemmin"})
    server.api("DELETE", f"{rows}/{other['id']}")
    expect(watcher.locator(f"#cell-{first}-{other['id']}")).to_have_count(0)

    note = server.api("GET", f"/api/v1/boards/{board['id']}")["notes"][0]
    server.api("DELETE", f"/api/v1/boards/{board['id']}/notes/{note['id']}")
    server.api("DELETE", f"{rows}/{row['id']}")
    expect(watcher.locator(".cell")).to_have_count(0)
    watcher.locator(f"#note-text-{second}").fill("Taas tavallinen")
    watcher.locator(f"#note-form-{second}").get_by_role("button", name="Lisää").click()
    expect(watcher.locator(f"#notes-{second} .note-text")).to_have_text(["Taas tavallinen"])
    assert watcher.evaluate("window.notReloaded") is True


def test_axe_on_a_grid_board(server: Server, new_context: NewContext) -> None:
    board = server.new_board("Kaakon työpaja", template=GRID)
    server.note(board, "Ohjaamot", row_id=board["rows"][1]["id"])
    facilitator = sign_in(new_context(bypass_csp=True))
    for path in (f"/b/{board['id']}", f"/b/{board['id']}/projector"):
        check(facilitator, path)
    phone = join(new_context(bypass_csp=True, viewport=PHONE, is_mobile=True), board, "Pia")
    check(phone, f"/b/{board['id']}")
    expect(phone.locator(".column.is-current .cell")).to_have_count(2)
