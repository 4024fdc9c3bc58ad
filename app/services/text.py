"""The one rule for text a person typed: trimmed, not blank, not over its limit."""

from __future__ import annotations

from app.errors import InvalidInput


def clean(value: str, *, field: str, limit: int, required: bool = True) -> str:
    """Return the trimmed text, or refuse it with a sentence naming the field."""
    text = value.replace("\r\n", "\n").strip()
    if required and not text:
        raise InvalidInput("{field} must not be empty.", field=field)
    if len(text) > limit:
        raise InvalidInput(
            "{field} is {length} characters long; the limit is {limit}.",
            field=field,
            length=len(text),
            limit=limit,
        )
    if "\x00" in text:
        raise InvalidInput("{field} contains a NUL character.", field=field)
    return text
