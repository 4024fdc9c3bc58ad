"""The board as a versioned JSON backup that the import reads back into an equal board."""

from __future__ import annotations

from app.exports.backup import build_backup
from app.exports.base import Exporter, ExportOptions
from app.exports.summary import Summary


def render(summary: Summary, options: ExportOptions) -> bytes:
    backup = build_backup(summary.source, options.include_names)
    return backup.model_dump_json(indent=2).encode("utf-8")


EXPORTER = Exporter(
    name="json", media_type="application/json", extension="json", render=render, reads="everything"
)
