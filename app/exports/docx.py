"""The summary as a Word document an organiser can send as it is, with real styles
(Title, Subtitle, Heading 1/2, List Bullet 1-3, a table with a repeating header row), so
an organisation can restyle it with its own template and navigate it by headings. An
uploaded .docx template supplies the styles, headers and footers; its body text is
dropped."""

from __future__ import annotations

import zipfile
from copy import deepcopy
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

from app.errors import InvalidInput
from app.exports.base import Exporter, ExportOptions, plain
from app.exports.summary import Entry, Summary, SummaryNote, SummaryTheme

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BULLETS = ("List Bullet", "List Bullet 2", "List Bullet 3")
STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", *BULLETS, "Table Grid")
STEP_COLUMNS = (0.32, 0.18, 0.18, 0.2, 0.12)  # what, who, with whom, how, when
# A template is a few hundred KiB; refusing a huge unpacked size keeps a zip bomb out.
MAX_TEMPLATE_UNPACKED_BYTES = 50 * 1024 * 1024
# Elements that follow w:lang inside w:rPr (the schema fixes the order).
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def render(summary: Summary, options: ExportOptions) -> bytes:
    document = _document(options.template)
    if options.template is None:
        _house_style(document)
    writer = _Writer(document)
    words = summary.words
    writer.paragraph("Title", summary.title)
    writer.paragraph("Subtitle", summary.subtitle)
    for line in (summary.event, summary.dates):
        if line.strip():
            writer.paragraph(None, line)
    if summary.question:
        paragraph = writer.paragraph(None)
        writer.run(paragraph, words.question + " ", bold=True)
        writer.run(paragraph, summary.question)
    if summary.empty:
        writer.paragraph(None, words.empty_board)
    else:
        _body(writer, document, summary)
    _properties(document, summary)
    _footer(document, summary.footer)
    _set_language(document, words.word_lang)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _body(writer: _Writer, document: Any, summary: Summary) -> None:
    words = summary.words
    if summary.overview is not None:
        overview = summary.overview
        writer.paragraph("Heading 1", words.overview)
        writer.paragraph(BULLETS[0], overview.totals(words))
        writer.paragraph(BULLETS[0], words.per_priority)
        for title, count in overview.per_section:
            writer.paragraph(BULLETS[1], f"{title}: {count}")
        if overview.top:
            writer.paragraph(BULLETS[0], words.most_votes)
            for text, votes in overview.top:
                writer.paragraph(BULLETS[1], f"{text} {votes}")
    writer.paragraph(None, summary.intro)
    for section in summary.sections:
        writer.paragraph("Heading 1", section.heading)
        for part in section.parts:
            if part.heading:
                writer.paragraph("Heading 2", part.heading)
            for entry in part.entries:
                _entry(writer, summary, entry)
            if not part.entries:
                writer.paragraph(None, words.empty_part)
    if summary.next_steps:
        writer.paragraph("Heading 1", words.next_steps)
        _steps_table(writer, document, summary)


def _entry(writer: _Writer, summary: Summary, entry: Entry) -> None:
    """A theme: its title in bold as the lead, its notes under it; a note: its comments
    under it."""
    if isinstance(entry, SummaryTheme):
        bullet = writer.paragraph(BULLETS[0])
        writer.run(bullet, entry.title, bold=True)
        _tail(writer, bullet, "", summary.votes(entry))
        for note in entry.notes:
            _note(writer, summary, note, 1)
    else:
        _note(writer, summary, entry, 0)


def _note(writer: _Writer, summary: Summary, note: SummaryNote, level: int) -> None:
    bullet = writer.paragraph(BULLETS[level], note.text + note.discussion_group_suffix)
    _tail(writer, bullet, note.author, summary.votes(note))
    for comment in note.comments:
        line = writer.paragraph(BULLETS[level + 1], comment.text)
        _tail(writer, line, comment.author, "")


def _tail(writer: _Writer, paragraph: Any, author: str, votes: str) -> None:
    """ " – Anna Ahonen (3 ääntä)" in italics after the text, where there is one."""
    tail = (f" – {author}" if author else "") + (f" {votes}" if votes else "")
    if tail:
        writer.run(paragraph, tail, italic=True)


def _house_style(document: Any) -> None:
    """A4 with 2 cm margins (python-docx starts from US Letter), and list items close
    together, as the hand-made summary had them."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2)
    for name in BULLETS:
        spacing = document.styles[name].paragraph_format
        spacing.space_before, spacing.space_after = Pt(0), Pt(3)
    document.styles["Table Grid"].font.size = Pt(9.5)


def _steps_table(writer: _Writer, document: Any, summary: Summary) -> None:
    """One row per next step under the board's own labels; the header row repeats on
    every page and is marked as the header for screen readers. "What" gets the room."""
    table = document.add_table(rows=1, cols=5)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    section = document.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    widths = [int(width * share) for share in STEP_COLUMNS]
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, label, cell_width in zip(
        header.cells, summary.words.step_labels(), widths, strict=True
    ):
        cell.width = cell_width
        writer.run(cell.paragraphs[0]._p, label, bold=True)
    for step in summary.next_steps:
        cells = table.add_row().cells
        for cell, cell_width in zip(cells, widths, strict=True):
            cell.width = cell_width  # Word reads each cell's width, LibreOffice the grid
        what = cells[0].paragraphs[0]._p
        writer.run(what, step.text + step.discussion_group_suffix)
        _tail(writer, what, step.author, summary.votes(step))
        for comment in step.comments:
            line = cells[0].add_paragraph(style=document.styles[BULLETS[0]])._p
            writer.run(line, comment.text)
            _tail(writer, line, comment.author, "")
        for cell, value in zip(cells[1:], step.step_fields, strict=True):
            if value:
                writer.run(cell.paragraphs[0]._p, value)


def _properties(document: Any, summary: Summary) -> None:
    """The title is the board's; the export's date lives here and in the footer."""
    properties = document.core_properties
    properties.title = plain(summary.title)[:255]
    properties.subject = plain(summary.subtitle)[:255]
    properties.language = summary.words.word_lang
    properties.author = properties.last_modified_by = "Paja"
    properties.comments = ""
    properties.created = properties.modified = datetime.now(UTC)


def _footer(document: Any, text: str) -> None:
    """ "Viety Pajasta 1.12.2026" in the footer, unless a template brings its own."""
    footer = document.sections[0].footer
    if any(p.text.strip() for p in footer.paragraphs):
        return
    footer.paragraphs[0].text = text


_P, _PPR, _PSTYLE, _R, _RPR, _B, _I, _T, _BR, _TAB = (
    qn(tag)
    for tag in ("w:p", "w:pPr", "w:pStyle", "w:r", "w:rPr", "w:b", "w:i", "w:t", "w:br", "w:tab")
)
_VAL = qn("w:val")
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


class _Writer:
    """Writes the body's XML directly. python-docx's add_paragraph searches the whole body
    for the section properties on every call (quadratic) and its Run.text handles text a
    character at a time; a 5,000-note board took seconds that way."""

    def __init__(self, document: Any) -> None:
        self.body = document.element.body
        self.anchor = self.body.sectPr
        self.style_ids = {name: document.styles[name].style_id for name in STYLES}

    def paragraph(self, style: str | None, text: str = "") -> Any:
        element = self.body.makeelement(_P, {})
        if self.anchor is not None:
            self.anchor.addprevious(element)
        else:
            self.body.append(element)
        if style is not None:
            properties = etree.SubElement(element, _PPR)
            etree.SubElement(properties, _PSTYLE).set(_VAL, self.style_ids[style])
        if text:
            self.run(element, text)
        return element

    @staticmethod
    def run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False) -> None:
        """One run of text; its line breaks and tabs become Word's own."""
        run = etree.SubElement(paragraph, _R)
        if bold or italic:
            properties = etree.SubElement(run, _RPR)
            if bold:
                etree.SubElement(properties, _B)
            if italic:
                etree.SubElement(properties, _I)
        for number, line in enumerate(plain(text).split("\n")):
            if number:
                etree.SubElement(run, _BR)
            for index, piece in enumerate(line.split("\t")):
                if index:
                    etree.SubElement(run, _TAB)
                if piece:
                    element = etree.SubElement(run, _T)
                    element.text = piece
                    if piece[0] == " " or piece[-1] == " ":
                        element.set(_SPACE, "preserve")


def _document(template: bytes | None) -> Any:
    """A blank document: python-docx's default, or the template emptied of its text."""
    if template is None:
        return Document()
    try:
        with zipfile.ZipFile(BytesIO(template)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_TEMPLATE_UNPACKED_BYTES:
            raise ValueError("too large unpacked")
        document = Document(BytesIO(template))
    except Exception as error:  # python-docx raises many kinds for a file that is not .docx
        raise InvalidInput("The template is not a Word document (.docx).") from error
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _add_missing_styles(document)
    return document


def _add_missing_styles(document: Any) -> None:
    """Word writes a built-in style into a file only once it is used, so a template may
    lack "Title" or "List Bullet": those come from python-docx's default template."""
    names = {style.name for style in document.styles}
    missing = [name for name in STYLES if name not in names]
    if not missing:
        return
    default = Document()
    numbering = _numbering_ids(document)
    for name in missing:
        style = deepcopy(default.styles[name].element)
        for link in style.findall(qn("w:link")):
            style.remove(link)
        for number in list(style.iter(qn("w:numPr"))):
            ids = {n.get(qn("w:val")) for n in number.findall(qn("w:numId"))}
            if not ids <= numbering:  # the bullet's list definition is not in the template
                number.getparent().remove(number)
        document.styles.element.append(style)


def _numbering_ids(document: Any) -> set[str]:
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return set()
    return {num.get(qn("w:numId")) for num in numbering.findall(qn("w:num"))}


def _set_language(document: Any, tag: str) -> None:
    """Spelling and hyphenation follow the board's language: w:lang on the document
    defaults, and on every style that names a language of its own."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    _lang(properties).set(qn("w:val"), tag)
    for language in styles.iter(qn("w:lang")):
        if language.get(qn("w:val")):
            language.set(qn("w:val"), tag)


def _lang(properties: Any) -> Any:
    existing = properties.find(qn("w:lang"))
    if existing is not None:
        return existing
    element = OxmlElement("w:lang")
    follower = next(
        (child for child in properties if child.tag in {qn(t) for t in _AFTER_LANG}), None
    )
    if follower is not None:
        follower.addprevious(element)
    else:
        properties.append(element)
    return element


EXPORTER = Exporter(name="docx", media_type=MEDIA_TYPE, extension="docx", render=render)
