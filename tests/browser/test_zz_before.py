import json
from tests.browser.conftest import join, sign_in, PHONE, SCREENSHOTS
from tests.browser.seeding import seed_workshop
from tests.browser.figures import measure

WIDE = {"width": 1440, "height": 900}

def test_before(server, new_context):
    board = seed_workshop(server)
    p = join(new_context(viewport=WIDE), board, "Anna")
    out = {"participant": measure(p, board["long_note_id"])}
    p.screenshot(path="/tmp/before-participant.png")
    f = sign_in(new_context(viewport=WIDE), f"/b/{board['id']}")
    f.locator("#connection[data-state=online]").wait_for()
    out["facilitator"] = measure(f, board["long_note_id"])
    f.screenshot(path="/tmp/before-facilitator.png")
    server.api("PATCH", f"/api/v1/boards/{board['id']}", json={"private_writing": True})
    ph = join(new_context(viewport=PHONE, is_mobile=True, has_touch=True), board, "Pia")
    out["phone"] = measure(ph, board["long_note_id"])
    ph.screenshot(path="/tmp/before-phone.png")
    print(json.dumps(out, indent=1))
