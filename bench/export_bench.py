"""Export speed on a full board: 5,000 notes and 5,000 comments in a temporary SQLite
database, built through the services (one import), with themes and a closed voting round,
then each format timed from one read (the read the exports make: the room's view), and
the read and the file together as the route makes them (`read_and_export`: one call,
Python's cyclic collector paused until the file is written).

    python -m bench.export_bench [--repeat 5] [--pdf-repeat 1]

Targets (issues 4 and 12): Markdown under 0.3 s, DOCX under 2 s, PDF under 10 s."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import select

from app.config import Settings
from app.db import Database, migrate
from app.exports import EXPORTERS, ExportOptions, export, read_and_export, read_board
from app.exports import pdf as pdf_export
from app.models import Participant, Role
from app.schemas import BoardCreate
from app.services import accounts, boards, imports
from app.services.members import Actor, get_board

NOTES = 5000
COMMENTS = 5000
WORDS = [
    "ohjaus",
    "verkosto",
    "yhteistyö",
    "asiakaslähtöisyys",
    "digitaalinen",
    "kanava",
    "työpaja",
    "oppilaitos",
    "kunta",
    "ohjaamo",
    "näkyvyys",
    "palvelu",
    "osaaminen",
    "strategia",
    "arki",
    "kumppani",
    "seuraava",
    "askel",
    "koulutus",
    "työelämä",
    "tieto",
    "johtaminen",
    "laatu",
    "kehittäminen",
    "alue",
    "maakunta",
]


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    text = " ".join(words).capitalize() + "."
    if rng.random() < 0.2:
        text += "\n- " + " ".join(rng.choice(WORDS) for _ in range(6))
    return text


def backup(columns: list[str], rng: random.Random, count: int = NOTES) -> bytes:
    """A board file: `count` notes over the columns, one comment on each, some votes,
    every fourth note in a theme."""
    notes: list[list[dict]] = [[] for _ in columns]
    for number in range(count):
        column = number % len(columns)
        notes[column].append(
            {
                # every fourth note in a theme of ten (themes lead their priority)
                "group_id": f"t{column}-{number // 60}" if number % 4 == 0 else "",
                "text": sentence(rng, 12, 45),
                "author_name": f"Osallistuja {number % 80}",
                "kind": "next_step" if number % 50 == 0 else "note",
                "votes": rng.choice((0, 0, 0, 1, 2, 3, 5, 8)),
                "comments": [{"text": sentence(rng, 5, 20)}] if number < COMMENTS else [],
            }
        )
    return json.dumps(
        {
            "format": "paja.board",
            "version": 1,
            "board": {"title": "Benchmark"},
            "columns": [
                {
                    "title": title,
                    "notes": items,
                    "groups": [
                        {"id": group_id, "title": " ".join(rng.choices(WORDS, k=4)).capitalize()}
                        for group_id in dict.fromkeys(n["group_id"] for n in items if n["group_id"])
                    ],
                }
                for title, items in zip(columns, notes, strict=True)
            ],
        }
    ).encode()


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(median wall seconds, median CPU seconds, the last result) over `repeat` runs. On a
    shared machine the CPU time is the steadier figure: it leaves out waiting for a core."""
    wall, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = action()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), result


def warm_pdf() -> float:
    """Import WeasyPrint and lay out a line, as a server's first PDF does: the figures
    below are then what every later PDF costs."""
    start = time.perf_counter()
    from weasyprint import HTML

    HTML(string="<p lang=fi>Paja</p>").write_pdf(pdf_variant=pdf_export.PDF_VARIANT)
    return time.perf_counter() - start


def load() -> str:
    return "load average {:.1f} {:.1f} {:.1f} on {} cores".format(*os.getloadavg(), os.cpu_count())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pdf-repeat", type=int, default=1, help="the PDF takes a while")
    parser.add_argument("--notes", type=int, default=NOTES)
    parser.add_argument("--formats", default=",".join(EXPORTERS))
    args = parser.parse_args()
    rng = random.Random(4)
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        migrate(url)
        settings = Settings(database_url=url, secret_key="bench-" * 8, data_dir=Path(directory))
        db = Database(url)
        with db.session() as session:
            owner = accounts.create_facilitator(session, "bench@example.fi", "benchmark!", "B")
            created = boards.create_board(
                session,
                settings,
                owner,
                BoardCreate(title="TNO-foorumi", event="Teams", template="elo-national-2020"),
            )
            member = session.exec(
                select(Participant).where(
                    Participant.board_id == created.id, Participant.facilitator_id == owner.id
                )
            ).one()
            actor = Actor(created.id, member.id, Role.facilitator, member.name, "fi")
            upload = imports.Upload(
                backup([c.title for c in created.columns], rng, args.notes), "application/json"
            )
            start = time.perf_counter()
            result = imports.import_into(session, settings, actor, upload)
            built = time.perf_counter() - start
        print(
            f"board: {result.notes_added} notes, {result.comments_added} comments, "
            f"{result.votes_added} votes (import {built:.2f} s, {len(upload.data) / 1e6:.1f} MB)"
        )
        print(load())
        with db.session() as session:
            board = get_board(session, created.id)
            read_wall, read_cpu, read = timed(lambda: read_board(session, board), args.repeat)
            print(f"{'read (room view)':<18} median {read_wall:7.3f} s wall {read_cpu:7.3f} s CPU")
            options = ExportOptions(votes="on")
            if "pdf" in args.formats.split(","):
                print(f"{'warm the PDF':<18} {warm_pdf():7.3f} s wall (imports, once per process)")
            pdf_export.MAX_NOTES = args.notes  # the page may refuse this many (413); timed anyway
            for name in args.formats.split(","):
                both_wall, both_cpu, file = timed(
                    lambda n=name: read_and_export(session, board, n, options),
                    args.pdf_repeat if name == "pdf" else args.repeat,
                )
                # The PDF takes long enough: the export alone is the rest after the read.
                wall, cpu = both_wall - read_wall, both_cpu - read_cpu
                if name != "pdf":
                    wall, cpu, _ = timed(lambda n=name: export(read, n, options), args.repeat)
                print(
                    f"{'export ' + name:<18} median {wall:7.3f} s wall {cpu:7.3f} s CPU   "
                    f"with the read {both_wall:7.3f} s wall {both_cpu:7.3f} s CPU   "
                    f"{len(file.content) / 1e6:5.2f} MB"
                )
        print(load())
        db.dispose()


if __name__ == "__main__":
    main()
