"""Theme suggestions in a real browser: asked for with the keyboard, their notes marked
on the board, one created with a click and seen by a participant at once."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import NewContext, Server, join, run_axe, sign_in

TWICE = "Lisää yhteistyötä oppilaitosten ja työllisyyspalveluiden välille"
NOTES = [
    TWICE,
    TWICE + " (ryhmän 3 ehdotus)",
    "Maahanmuuttajien ohjaus omalla kielellä",
    "Maahanmuuttajien ohjaukseen tulkkipalvelut",
]


def test_a_facilitator_creates_a_suggested_theme_live_for_everyone(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board()
    ids = [server.note(board, text)["id"] for text in NOTES]
    anna = join(new_context(), board, "Anna")
    expect(anna.locator("#theme-suggestions")).to_have_count(0)
    page = sign_in(new_context(bypass_csp=True), f"/b/{board['id']}")  # for axe
    panel = page.locator("#theme-suggestions")
    tool = page.locator("#tool-themes > summary")  # the toolbar's Themes tool, when there
    if tool.count():
        tool.focus()
        page.keyboard.press("Enter")
    panel.get_by_role("button", name="Ehdota teemoja").focus()
    page.keyboard.press("Enter")
    expect(panel.locator(".theme-suggest-status")).to_contain_text("teemaehdotus")
    duplicate = panel.locator(".theme-suggestion", has_text="Nämä muistiinpanot sanovat saman")
    expect(duplicate).to_have_count(1)

    duplicate.get_by_label("Teeman otsikko").focus()
    for note_id in ids[:2]:
        card = page.locator(f'.note[data-note-id="{note_id}"]')
        expect(card).to_have_class(re.compile(r"\btheme-suggested\b"))
    expect(page.locator(f'.note[data-note-id="{ids[2]}"]')).not_to_have_class(
        re.compile(r"\btheme-suggested\b")
    )
    assert run_axe(page) == []

    duplicate.get_by_label("Teeman otsikko").fill("Oppilaitokset ja työllisyyspalvelut")
    duplicate.get_by_role("button", name="Yhdistä yhdeksi teemaksi").click()
    expect(panel.locator(".theme-suggest-status")).to_have_text(
        "Teema luotu: Oppilaitokset ja työllisyyspalvelut"
    )
    expect(duplicate).to_have_count(0)
    theme = anna.locator(".theme-title", has_text="Oppilaitokset ja työllisyyspalvelut")
    expect(theme).to_be_visible(timeout=2000)
