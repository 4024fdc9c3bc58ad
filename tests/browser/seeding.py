"""A board as a real workshop leaves it: six priorities of twelve notes each, written by
named and anonymous participants, with votes, comments and one very long note. The
texts are sentences from the Finnish lifelong-guidance documents (seed_notes.txt)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import Server

SEED = Path(__file__).with_name("seed_notes.txt")
PEOPLE = ("Sanna", "Mikko", "", "Eeva", "Timo", "", "Laura", "Ahmed")
NOTES_PER_COLUMN = 12
LONG_NOTE_CHARS = 5000


def sentences() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def long_text() -> str:
    """About 5,000 characters of real prose: a whole summary pasted into one note."""
    text = " ".join(sentences())
    return text[:LONG_NOTE_CHARS]


def seed_workshop(server: Server, title: str = "Valtakunnallinen ELO-foorumi") -> dict[str, Any]:
    """The board (as the API returned it) with 6 × 12 notes, votes, comments and one
    5,000-character note; `long_note_id` names that note."""
    board = server.new_board(title, event="Työpaja 1.12.2026")
    tokens = [server.join(board, name) for name in PEOPLE]
    texts = sentences()
    base = f"/api/v1/boards/{board['id']}/notes"
    count = 0
    for column in range(len(board["columns"])):
        for _ in range(NOTES_PER_COLUMN):
            author = tokens[count % len(tokens)]
            text = long_text() if count == 1 else texts[count % len(texts)]
            note = server.note(board, text, column=column, token=author)
            if count == 1:
                board["long_note_id"] = note["id"]
            for voter in tokens[: (count * 7) % 5]:
                server.api("PUT", f"{base}/{note['id']}/vote", voter)
            if count % 4 == 0:
                comment = {"text": texts[(count + 40) % len(texts)][:120]}
                server.api("POST", f"{base}/{note['id']}/comments", tokens[0], json=comment)
            count += 1
    return board
