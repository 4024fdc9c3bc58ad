"""Shared OpenAPI declarations: every route lists the errors it can answer with."""

from __future__ import annotations

from typing import Any

from app.schemas import Problem


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": Problem} for code in (400, 413, 422, 503, *codes)}
