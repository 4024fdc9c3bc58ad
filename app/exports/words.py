"""The fixed words of a summary in the board's language. They are document content (the
summary is written in the board's language whatever the facilitator's page language), so
most live here; the next-step labels come from the catalogue the board page itself uses,
so the document says exactly what the board said."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.i18n import translations
from app.services.notes import STEP_FIELDS


@dataclass(frozen=True, slots=True)
class Count:
    """A noun with its number: "1 ääni", "5 ääntä"."""

    one: str
    many: str

    def __call__(self, count: int) -> str:
        return f"{count} {self.one if count == 1 else self.many}"


@dataclass(frozen=True, slots=True)
class Words:
    subtitle: str
    question: str
    intro: str
    next_steps: str
    overview: str
    per_priority: str
    most_votes: str
    theme: str
    what: str
    empty_board: str
    empty_part: str
    exported: str
    vote: Count
    participants: Count
    notes: Count
    steps: Count
    locale: str
    word_lang: str
    date_skeleton: str
    # The board's own labels for a next step's fields (filled from the catalogue).
    owner: str = ""
    partners: str = ""
    how: str = ""
    when: str = ""

    def votes(self, count: int | None) -> str:
        """ "(5 ääntä)", "(1 ääni)"; nothing for no votes: a summary never says "0 votes"."""
        return f"({self.vote(count)})" if count else ""

    def step_labels(self) -> tuple[str, str, str, str, str]:
        """The next-step table's header: what, who, with whom, how, when."""
        return (self.what, self.owner, self.partners, self.how, self.when)


WORDS: dict[str, Words] = {
    "fi": Words(
        subtitle="Tiivistelmä ryhmäkeskusteluista",
        question="Kysymys ryhmille:",
        intro="Alla kommentit strategiassa esitettyjen painopisteiden mukaan ryhmiteltyinä:",
        next_steps="Mahdollisia seuraavia askeleita",
        overview="Lyhyesti",
        per_priority="Muistiinpanot painopisteittäin",
        most_votes="Eniten ääniä",
        theme="Teema",
        what="Mitä",
        empty_board="Taululla ei ole muistiinpanoja.",
        empty_part="Ei muistiinpanoja.",
        exported="Viety Pajasta",
        vote=Count("ääni", "ääntä"),
        participants=Count("osallistuja", "osallistujaa"),
        notes=Count("muistiinpano", "muistiinpanoa"),
        steps=Count("seuraava askel", "seuraavaa askelta"),
        locale="fi_FI",
        word_lang="fi-FI",
        date_skeleton="yMd",
    ),
    "sv": Words(
        subtitle="Sammanfattning av gruppdiskussionerna",
        question="Fråga till grupperna:",
        intro="Nedan kommentarerna grupperade enligt prioriteringarna i strategin:",
        next_steps="Möjliga nästa steg",
        overview="I korthet",
        per_priority="Anteckningar per prioritering",
        most_votes="Flest röster",
        theme="Tema",
        what="Vad",
        empty_board="Tavlan har inga anteckningar.",
        empty_part="Inga anteckningar.",
        exported="Exporterad från Paja",
        vote=Count("röst", "röster"),
        participants=Count("deltagare", "deltagare"),
        notes=Count("anteckning", "anteckningar"),
        steps=Count("nästa steg", "nästa steg"),
        locale="sv_FI",
        word_lang="sv-FI",
        date_skeleton="yMd",
    ),
    "en": Words(
        subtitle="Summary of the group discussions",
        question="Question to the groups:",
        intro="Below, the comments grouped by the priorities set out in the strategy:",
        next_steps="Possible next steps",
        overview="In brief",
        per_priority="Notes per priority",
        most_votes="Most votes",
        theme="Theme",
        what="What",
        empty_board="The board has no notes.",
        empty_part="No notes.",
        exported="Exported from Paja",
        vote=Count("vote", "votes"),
        participants=Count("participant", "participants"),
        notes=Count("note", "notes"),
        steps=Count("next step", "next steps"),
        locale="en_GB",
        word_lang="en-GB",
        date_skeleton="yMMMd",
    ),
}


@lru_cache
def words_for(language: str) -> Words:
    """The words, with the next-step labels as the board page shows them in `language`."""
    words = WORDS.get(language, WORDS["fi"])
    gettext = translations(language if language in WORDS else "fi").gettext
    labels = {field: gettext(message) for field, message in STEP_FIELDS.items()}
    return Words(**{**{f: getattr(words, f) for f in words.__dataclass_fields__}, **labels})
