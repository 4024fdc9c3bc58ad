"""What the theme-suggestion API takes and gives."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SuggestionRequest(BaseModel):
    """Without a column, the whole board's notes that are not yet in a theme."""

    model_config = ConfigDict(extra="forbid")

    column_id: str | None = Field(default=None, max_length=100)


class SuggestedTheme(BaseModel):
    title: str
    note_ids: list[str]


class ThemeSuggestionsPublic(BaseModel):
    """Nothing of this is stored: accepting a theme is POST …/themes with its notes."""

    themes: list[SuggestedTheme]
    duplicates: list[list[str]]
    engine: str = Field(description="lexical or embedding: the engine that answered")
