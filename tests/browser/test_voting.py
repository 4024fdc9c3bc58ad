"""A voting round in real browsers: votes left live, the +/− pair, a refusal said, counts
hidden from participants until the facilitator closes the round."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import NewContext, Server, join, run_axe


def test_a_hidden_round_live_from_opening_to_results(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board()
    notes = [server.note(board, text) for text in ("Saavutettavuus", "Osaaminen")]
    anna = join(new_context(bypass_csp=True), board, "Anna")
    ben = join(new_context(), board, "Ben")
    rules = {"budget": 3, "max_per_note": 2, "hide_results": True}
    server.api("POST", f"/api/v1/boards/{board['id']}/voting", json=rules)
    expect(anna.locator("#votes-left")).to_have_text("Ääniä jäljellä: 3/3")

    first = anna.locator(f"#note-{notes[0]['id']}")
    add = first.locator("button.vote")  # in this round it adds a vote; "−" takes one back
    add.focus()
    anna.keyboard.press("Enter")
    expect(first.locator(".my-vote-count")).to_have_text("1")
    anna.keyboard.press("Enter")
    expect(first.locator(".my-vote-count")).to_have_text("2")
    expect(anna.locator("#votes-left")).to_have_text("Ääniä jäljellä: 1/3")
    expect(add).to_have_attribute("aria-disabled", "true")
    expect(first.locator(".vote-refusal")).to_have_text(
        "Voit antaa yhdelle muistiinpanolle enintään 2 ääntä."
    )
    expect(add).to_be_focused()
    # Ben sees no count while the round hides them.
    expect(ben.locator(f"#note-{notes[0]['id']} .vote .vote-count")).to_have_text("–")
    assert run_axe(anna) == []

    server.api("DELETE", f"/api/v1/boards/{board['id']}/voting")
    # The round has closed: the count as plain text on the card.
    expect(ben.locator(f"#note-{notes[0]['id']} .note-votes .vote-count")).to_have_text("2")
    expect(ben.locator(f"#note-{notes[0]['id']} .note-votes")).to_be_visible()
    expect(ben.locator("#voting")).to_contain_text("Äänestyskierros on päättynyt.")
    expect(anna.locator(f"#note-{notes[1]['id']} button.vote")).to_have_attribute(
        "aria-disabled", "true"
    )
