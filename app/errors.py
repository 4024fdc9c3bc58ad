"""Domain errors. Services raise these; each delivery layer maps them to its own answer
(an HTTP status, a WebSocket error frame, a CLI exit code)."""

from __future__ import annotations

from collections.abc import Callable


class PajaError(Exception):
    """Base class. `template` is an English sentence for the person who made the request,
    with {placeholders}; it is also the gettext msgid, so a page can show it translated."""

    status_code = 400

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        self.message = template.format(**params)
        super().__init__(self.message)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message in the reader's language; string parameters that are catalogue
        entries themselves (field names marked with N_) are translated too."""
        params = {k: gettext(v) if isinstance(v, str) else v for k, v in self.params.items()}
        return gettext(self.template).format(**params)


class InvalidInput(PajaError):
    status_code = 422


class NotAuthenticated(PajaError):
    status_code = 401


class Forbidden(PajaError):
    status_code = 403


class NotFound(PajaError):
    status_code = 404


class Conflict(PajaError):
    status_code = 409


class TooLarge(PajaError):
    status_code = 413


class BoardLocked(PajaError):
    status_code = 423


class LimitReached(PajaError):
    """A documented per-board limit (notes, columns, participants) is full."""

    status_code = 409
