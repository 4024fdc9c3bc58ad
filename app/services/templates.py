"""Built-in board templates: the priorities of real lifelong-guidance strategies
(../shared/seeds), each column with the strategy's own description."""

from __future__ import annotations

from app.errors import NotFound
from app.schemas import TemplateColumn, TemplateOut, TemplateRow

_C = TemplateColumn

TEMPLATES: tuple[TemplateOut, ...] = (
    TemplateOut(
        id="elo-national-2020",
        title="Elinikäisen ohjauksen strategia 2020–2023",
        description="Valtakunnallisen ELO-strategian kuusi strategista tavoitetta.",
        language="fi",
        question=(
            "Mitä ELO-ryhmät alueilla voivat tehdä, jotta strategia toteutuu arjessa, keiden "
            "kanssa yhteistyössä, miten ja koska? Mikä on seuraava pieni askel?"
        ),
        columns=[
            _C(
                title="Saavutettavasti ja asiakaslähtöisesti",
                description=(
                    "Jokaisella on mahdollisuudet ja taidot tehdä tietoisesti suunnitelmia sekä "
                    "koulutus- ja työurapäätöksiä muuttuvassa työn maailmassa."
                ),
            ),
            _C(
                title="Digitaalisesti ja monikanavaisesti",
                description=(
                    "Toimiva jatkuvan oppimisen digitaalinen palvelukokonaisuus, jossa ohjaus ja "
                    "urasuunnittelunäkökulma ovat keskiössä palvelemassa sujuvasti elinikäistä "
                    "oppijaa mm. tekoälyä hyödyntäen."
                ),
            ),
            _C(
                title="Laadukkaasti",
                description=(
                    "Ohjaustyötä tekevillä on valmiudet ja osaaminen laadukkaaseen "
                    "monikanavaiseen ohjaustyöhön."
                ),
            ),
            _C(
                title="Yhdenvertaisesti ja kestävästi",
                description=(
                    "Ohjaus edistää tasa-arvoista, oikeudenmukaista ja monimuotoista "
                    "yhteiskuntaa Suomessa."
                ),
            ),
            _C(
                title="Monialaisesti ja koordinoidusti",
                description=(
                    "Ohjausta toteuttavien sektoreiden yhteistyö on sujuvaa ja työnjako selvää, "
                    "ja kehittämistoimet suunnitellaan ja tehdään monihallinnollisena "
                    "yhteistyönä."
                ),
            ),
            _C(
                title="Tietoon perustuen",
                description=(
                    "Ohjauksen järjestämistä koskevat päätökset perustuvat tietoon ja "
                    "tiedonhallintavälineet tuovat jatkuvuutta koko elinkaaren aikaiseen "
                    "ohjaukseen."
                ),
            ),
        ],
    ),
    TemplateOut(
        id="kaakkois-suomi-2021",
        title="Kaakkois-Suomen ELO-strategia 2021–2027",
        description="Viisi strategista painopistettä (luonnos 3.12.2020).",
        language="fi",
        question="Miten edistämme painopistettä yhdessä? Mikä on seuraava pieni askel?",
        columns=[
            _C(
                title="Ohjauspalvelun saatavuus ja kehittäminen monikanavaisesti",
                description=(
                    "Ohjaus tuottaa tietoisia valintoja. Ohjauspalvelujen saatavuus "
                    "digitaalisesti ja monikanavaisesti; opinto- ja uraohjaus kytketään yhdeksi "
                    "palvelukokonaisuudeksi."
                ),
            ),
            _C(
                title="Monialaisen yhteistyön koordinointi ja kehittäminen",
                description=(
                    "Yritykset ja oppilaitokset yhteistyössä systemaattisesti. Osaavan "
                    "työvoiman, työllisyyden ja yrittäjyyden varmistaminen. Ohjaus on kaikkien "
                    "tehtävä."
                ),
            ),
            _C(
                title=(
                    "Ohjauksen laadun kehittäminen tietoon perustuen yhdenvertaisesti ja kestävästi"
                ),
                description=(
                    "Ohjaustoimijat tuottavat laadukkaita ohjauspalveluja ja valitsevat "
                    "itselleen sopivimman laadunvarmistustavan."
                ),
            ),
            _C(
                title=(
                    "Elinikäisen ohjauksen kehittäminen osana innovatiivista, "
                    "alueellista kehittämistyötä"
                ),
                description=(
                    "Ohjauksen kehittämistyön liittäminen muuhun alueelliseen kehittämistyöhön; "
                    "ennakointi ja tiedolla johtaminen, innovatiiviset verkostot."
                ),
            ),
            _C(
                title="Päätöksentekoon vaikuttaminen",
                description=(
                    "Vaikuttaminen valtakunnallisissa, alueellisissa ja paikallisissa "
                    "verkostoissa; asiakaspalautteiden ja hiljaisen tiedon hyödyntäminen."
                ),
            ),
        ],
    ),
    TemplateOut(
        id="kainuu-2021",
        title="Kainuun ELO-strategia 2021–2023",
        description="Kainutlaatuisen elinikäisen ohjauksen strategian kolme tavoitetta.",
        language="fi",
        question="Miten tavoite toteutuu arjessa? Kuka tekee mitä, kenen kanssa ja milloin?",
        columns=[
            _C(
                title="Ohjaus on osuvaa ja osaavaa",
                description=(
                    "Ohjaus lähtee asiakkaan tarpeesta, on oikea-aikaista ja vie asiakkaan "
                    "tilannetta eteenpäin."
                ),
            ),
            _C(
                title="Ohjausverkosto on joustava ja toimiva",
                description=(
                    "Toimijat tuntevat toisensa ja toistensa palvelut; viestintä verkoston "
                    "sisällä on tehokasta ja oikea-aikaista."
                ),
            ),
            _C(
                title="Ohjausosaamista kehitetään yhteistyössä",
                description=(
                    "Vahvistamme yhteistä käsitystä ohjausprosessista, jaamme tietoa avoimesti "
                    "ja otamme moniammatillisen osaamisen käyttöön."
                ),
            ),
        ],
    ),
    TemplateOut(
        id="kaakkois-suomi-2023",
        title="Kaakkois-Suomen ELO-verkoston painopisteet 2023",
        description="Vuoden 2023 kolme painopistettä.",
        language="fi",
        question="Mitä teemme yhdessä tänä vuonna?",
        columns=[
            _C(
                title="ELO-koordinaation edelleen kehittäminen",
                description=(
                    "Alueellinen, ylialueellinen ja valtakunnallinen yhteistyö ja "
                    "yhteiskehittäminen, hyvien käytäntöjen jakaminen ja ylialueellinen oppiminen."
                ),
            ),
            _C(
                title="Laadukas ohjaus, uraohjaus ja digitalisaatio",
                description="Osaavan työvoiman varmistaminen elinkeinoelämälle.",
            ),
            _C(
                title="Tiedolla johtaminen ja jatkuva dialogi",
                description=(
                    "Motivaatio, luova ja tarvelähtöinen, konkreettinen yhteiskehittäminen ja "
                    "ketterät kokeilut: vaikuttavuus."
                ),
            ),
        ],
    ),
    TemplateOut(
        id="works-well-to-develop",
        title="Mikä toimii hyvin? Kehitettävää?",
        description="Kaksi saraketta: vahvuudet ja kehittämiskohteet.",
        language="fi",
        question="Mikä toimii hyvin, ja mitä pitäisi kehittää?",
        columns=[_C(title="A. Mikä toimii hyvin?"), _C(title="B. Kehitettävää?")],
    ),
    TemplateOut(
        id="open-question",
        title="Yksi avoin kysymys",
        description="Yksi sarake vapaille ajatuksille.",
        language="fi",
        question="",
        columns=[_C(title="Ajatuksia")],
    ),
)


# The question the Kaakkois-Suomi workshops of November 2020 asked of every priority
# (../shared/seeds/001_*.txt), as rows across the columns.
_WORKS_WELL_ROWS = [
    TemplateRow(
        title="A. Mikä toimii hyvin?",
        titles={"sv": "A. Vad fungerar bra?", "en": "A. What works well?"},
    ),
    TemplateRow(
        title="B. Kehitettävää?",
        titles={"sv": "B. Vad behöver utvecklas?", "en": "B. What should be developed?"},
    ),
]
_KAAKKOIS_SUOMI_2021 = next(t for t in TEMPLATES if t.id == "kaakkois-suomi-2021")
TEMPLATES = (
    *TEMPLATES,
    TemplateOut(
        id="kaakkois-suomi-2021-grid",
        title="Kaakkois-Suomen ELO-strategia 2021–2027: toimii hyvin / kehitettävää",
        description=(
            "Viisi painopistettä sarakkeina; jokaisessa rivit A. Mikä toimii hyvin? ja "
            "B. Kehitettävää?"
        ),
        language="fi",
        question="Mikä toimii hyvin, ja mitä on kehitettävää kunkin painopisteen kohdalla?",
        columns=_KAAKKOIS_SUOMI_2021.columns,
        rows=_WORKS_WELL_ROWS,
    ),
)


def all_templates() -> list[TemplateOut]:
    return list(TEMPLATES)


def get_template(template_id: str) -> TemplateOut:
    for template in TEMPLATES:
        if template.id == template_id:
            return template
    raise NotFound("There is no template called {name}.", name=repr(template_id))
