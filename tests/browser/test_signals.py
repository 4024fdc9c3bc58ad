"""Reactions, "I'm done" and follow me in a real browser, live between people."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, NewContext, Server, join, sign_in


def test_a_reaction_and_done_reach_the_others_as_counts(
    server: Server, new_context: NewContext
) -> None:
    board = server.new_board()
    facilitator = sign_in(new_context(), f"/b/{board['id']}")
    facilitator.locator("#connection[data-state=online]").wait_for()
    anna = join(new_context(), board, "Anna")
    ben = join(new_context(), board, "Ben")
    token = server.join(board, "Cecilia")
    note = server.note(board, "Onnistumistarinat", token=token)
    card = f"#note-{note['id']}"
    bulb = f"{card} .reaction-used[data-reaction=bulb]"
    expect(ben.locator(card)).to_be_visible()

    anna.locator(f"{card} .note-react").focus()
    anna.keyboard.press("Enter")  # the reaction picker: the five reactions
    anna.locator("#reaction-picker button.reaction[data-reaction=bulb]").focus()
    anna.keyboard.press("Enter")
    expect(anna.locator(bulb)).to_have_class(re.compile("is-mine"))
    expect(ben.locator(f"{bulb} .reaction-count")).to_have_text("1")
    expect(ben.locator(bulb)).not_to_have_class(re.compile("is-mine"))
    anna.locator(f"{card} .note-react").click()
    picked = anna.locator("#reaction-picker button.reaction[data-reaction=bulb]")
    expect(picked).to_have_attribute("aria-pressed", "true")
    anna.keyboard.press("Escape")
    expect(anna.locator("#reaction-picker")).to_be_hidden()

    anna.locator("#my-controls summary").click()  # the participant's own controls
    anna.locator("#done-button").click()
    expect(anna.locator("#done-button")).to_have_attribute("aria-pressed", "true")
    expect(facilitator.locator(".progress-done")).to_have_text("1/3 valmiina")


def test_follow_me_switches_a_phone_to_the_facilitators_column(
    server: Server, new_context: NewContext
) -> None:
    board: dict[str, Any] = server.new_board()
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    pia = join(phone, board, "Pia")
    free = join(new_context(viewport=PHONE, is_mobile=True, has_touch=True), board, "Olli")
    free.locator("#my-controls summary").click()
    free.get_by_label("Seuraa fasilitaattoria").uncheck()
    target = board["columns"][3]
    server.api("PUT", f"/api/v1/boards/{board['id']}/follow", json={"column_id": target["id"]})
    expect(pia.locator("#column-picker")).to_have_value(target["id"])
    expect(pia.locator(f"#column-{target['id']}")).to_be_visible()
    expect(free.locator("#column-picker")).to_have_value(board["columns"][0]["id"])
    free.reload()
    expect(free.get_by_label("Seuraa fasilitaattoria")).not_to_be_checked()
