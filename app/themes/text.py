"""Words of a note as the lexical engine and the titles see them: tokens, the note's
language (Finnish, Swedish or English), stop words and Snowball stems."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

LANGUAGES = {"fi": "finnish", "sv": "swedish", "en": "english"}
WORD = re.compile(r"[^\W\d_]{2,}")
# A stem's first letters: Finnish consonant gradation gives one word several Snowball
# stems (ohjaus, ohjauks-, ohjau-), which share their beginning.
PREFIX = 5


def _set(listed: str) -> frozenset[str]:
    return frozenset(listed.split())


# Function words, and the words workshop notes use to ask for anything ("lisää",
# "enemmän", "pitäisi"): they say nothing about a note's subject.
STOP_WORDS = {
    "fi": _set(
        """ja tai sekä että kun jos niin kuin mutta vaan myös jo vielä sekä eli siis ei en et
        emme ette eivät ole on oli olla ovat olisi ollut olisivat olemme olen se ne ja jotka
        joka jonka joiden jota mikä mitä mihin missä miten miksi kuka ketkä tämä tätä tässä
        tähän nämä näitä näiden tuo nuo hän he me te minä sinä meidän heidän niiden sen sitä
        siinä siihen siitä niitä niissä kanssa kautta mukaan myötä osalta osa välillä vain
        aina usein ehkä esim esimerkiksi yms jne mm kaikki kaikkien kaikille jokin joku
        mahdollisimman paljon vähän lisää lisätä lisäämällä enemmän entistä parempi paremmin
        pitää pitäisi tulee tulisi voisi voi voisiko voidaan tarvitaan tarve tarvetta tarvitsee
        saada saadaan tehdä tehdään tekemällä hyvä hyvin tärkeä tärkeää oltava olisi
        ryhmä ryhmän ryhmästä ryhmältä ehdotus ehdotuksena ehdotuksemme meille heille nyt
        niille joilla joille jossa josta jotta koska sitten toimii käyttöön mitäkin"""
    ),
    "sv": _set(
        """och eller samt att som när om så men utan också redan ännu inte är var vara vore
        har hade ha den det de dem detta dessa denna vi ni jag du han hon hans hennes deras
        vår våra vilka vilken vad hur varför vem med genom enligt mellan bara alltid ofta
        kanske t ex tex bl a alla allas något någon några mycket lite mer fler mera bättre
        bör borde ska skulle kan kunde behövs behov behöver få göra görs bra viktigt viktig
        för till av på i från vid under över efter innan hos mot en ett grupp gruppens
        förslag"""
    ),
    "en": _set(
        """and or but also that the a an of to in on at for from with by as is are was were be
        been being it its this these those they them their we our you your he she his her
        who what which how why when where not no more most less better should would could can
        need needs needed get make made good very all some any much many group groups
        suggestion"""
    ),
}


@dataclass(frozen=True, slots=True)
class Word:
    """One content word of a note: how it was written and its Snowball stem."""

    surface: str
    stem: str

    @property
    def key(self) -> str:
        """The stem's beginning: the unit notes are compared by."""
        return self.stem[:PREFIX]


@lru_cache(maxsize=4)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(LANGUAGES[language])


@lru_cache(maxsize=20_000)
def language_of(text: str, default: str) -> str:
    """The language whose stop words the note uses most; the board's when none do."""
    tokens = [token.lower() for token in WORD.findall(text)]
    counts = {lang: sum(token in words for token in tokens) for lang, words in STOP_WORDS.items()}
    best = max(counts, key=lambda lang: (counts[lang], lang == default))
    return best if counts[best] > counts.get(default, 0) else default


@lru_cache(maxsize=100_000)
def _stem(language: str, word: str) -> str:
    """Workshop notes repeat their words: each is stemmed once per process."""
    return _stemmer(language).stemWord(word)


ANY_STOP_WORD = frozenset().union(*STOP_WORDS.values())


@lru_cache(maxsize=20_000)
def words(text: str, default_language: str) -> tuple[Word, ...]:
    """The note's content words, stemmed in the note's own language."""
    fallback = default_language if default_language in LANGUAGES else "en"
    language = language_of(text, fallback)
    found = []
    for token in WORD.findall(text):
        lowered = token.lower()
        if lowered not in ANY_STOP_WORD:
            found.append(Word(token, _stem(language, lowered)))
    return tuple(found)
