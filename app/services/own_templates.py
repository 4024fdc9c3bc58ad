"""Templates facilitators save from their own boards, beside the built-in ones."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.config import Settings
from app.db import begin_write
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from app.models import BoardColumn, BoardRow, OwnTemplate
from app.schemas import TemplateColumn, TemplateOut, TemplateRow, TemplateSave
from app.services import templates
from app.services.members import Actor, get_board, require_facilitator
from app.services.text import clean


def template_out(row: OwnTemplate) -> TemplateOut:
    return TemplateOut(
        id=row.id,
        title=row.title,
        description="",
        language=row.language,
        question=row.question,
        columns=[TemplateColumn.model_validate(c) for c in row.columns],
        rows=[TemplateRow.model_validate(r) for r in row.rows or []],
        own=True,
    )


def list_templates(session: Session, facilitator_id: str | None) -> list[TemplateOut]:
    """The built-ins for everyone, then the facilitator's own, newest first."""
    builtin = templates.all_templates()
    if facilitator_id is None:
        return builtin
    rows = session.exec(
        select(OwnTemplate)
        .where(OwnTemplate.owner_id == facilitator_id)
        .order_by(col(OwnTemplate.created_at).desc())
    ).all()
    return [*builtin, *(template_out(r) for r in rows)]


def find_template(session: Session, facilitator_id: str, template_id: str) -> TemplateOut:
    """A built-in or one of the facilitator's own; anything else is a mistake in the
    request (422), not a missing page."""
    for template in templates.all_templates():
        if template.id == template_id:
            return template
    row = session.get(OwnTemplate, template_id)
    if row is None or row.owner_id != facilitator_id:
        raise InvalidInput("There is no template called {name}.", name=repr(template_id))
    return template_out(row)


def save_template(
    session: Session, settings: Settings, actor: Actor, owner_id: str, data: TemplateSave
) -> TemplateOut:
    """The board's question, language, columns and grid rows (with descriptions) as a new
    template of the facilitator's own; the board itself is not changed."""
    require_facilitator(actor)
    title = clean(data.title, field=N_("Title"), limit=settings.max_title_chars)
    begin_write(session)
    board = get_board(session, actor.board_id)
    columns = session.exec(
        select(BoardColumn)
        .where(BoardColumn.board_id == board.id)
        .order_by(col(BoardColumn.position))
    ).all()
    grid = session.exec(
        select(BoardRow).where(BoardRow.board_id == board.id).order_by(col(BoardRow.position))
    ).all()
    row = OwnTemplate(
        owner_id=owner_id,
        title=title,
        question=board.question,
        language=board.language,
        columns=[{"title": c.title, "description": c.description} for c in columns],
        rows=[{"title": r.title, "description": r.description} for r in grid],
    )
    session.add(row)
    session.commit()
    return template_out(row)


def delete_template(session: Session, facilitator_id: str, template_id: str) -> None:
    """Only its owner deletes a template; to anyone else it does not exist."""
    begin_write(session)
    row = session.get(OwnTemplate, template_id)
    if row is None or row.owner_id != facilitator_id:
        raise NotFound("You have no template with that id.")
    session.delete(row)
    session.commit()
