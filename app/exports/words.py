"""The fixed words of a summary in the board's language. They are document content (the
summary is written in the board's language whatever the facilitator's page language), so
they live here rather than in the gettext catalogues."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Words:
    subtitle: str
    question: str
    intro: str
    next_steps: str
    vote_one: str
    vote_many: str
    owner: str
    partners: str
    how: str
    when: str
    locale: str
    word_lang: str

    def votes(self, count: int) -> str:
        """ "(5 ääntä)", "(1 ääni)": the vote count as the summary shows it."""
        return f"({count} {self.vote_one if count == 1 else self.vote_many})"


WORDS: dict[str, Words] = {
    "fi": Words(
        subtitle="Tiivistelmä ryhmäkeskusteluista",
        question="Kysymys ryhmille:",
        intro="Alla kommentit strategiassa esitettyjen painopisteiden mukaan ryhmiteltyinä:",
        next_steps="Mahdollisia seuraavia askeleita",
        vote_one="ääni",
        vote_many="ääntä",
        owner="Vastuutaho",
        partners="Yhteistyökumppanit",
        how="Miten",
        when="Milloin",
        locale="fi_FI",
        word_lang="fi-FI",
    ),
    "sv": Words(
        subtitle="Sammanfattning av gruppdiskussionerna",
        question="Fråga till grupperna:",
        intro="Nedan kommentarerna grupperade enligt prioriteringarna i strategin:",
        next_steps="Möjliga nästa steg",
        vote_one="röst",
        vote_many="röster",
        owner="Ansvarig",
        partners="Samarbetspartner",
        how="Hur",
        when="När",
        locale="sv_FI",
        word_lang="sv-FI",
    ),
    "en": Words(
        subtitle="Summary of the group discussions",
        question="Question to the groups:",
        intro="Below, the comments grouped by the priorities set out in the strategy:",
        next_steps="Possible next steps",
        vote_one="vote",
        vote_many="votes",
        owner="Owner",
        partners="Partners",
        how="How",
        when="When",
        locale="en_GB",
        word_lang="en-GB",
    ),
}


def words_for(language: str) -> Words:
    return WORDS.get(language, WORDS["fi"])
