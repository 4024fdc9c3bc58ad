"""The one small interface every export format implements, and the options they share."""

from __future__ import annotations

import gc
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Literal, TypeVar
from urllib.parse import quote

if TYPE_CHECKING:
    from app.exports.summary import Summary

Order = Literal["board", "votes"]
# Vote counts: "auto" shows them when a voting round was held on the board.
Votes = Literal["auto", "on", "off"]
# What an exporter reads: the board as the room saw it, or everything (the backup).
Reads = Literal["room", "everything"]
MAX_SUBTITLE_CHARS = 200
# Characters XML 1.0 cannot carry (python-docx refuses them) and that no reader wants in a
# CSV cell either; line breaks and tabs stay.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What the facilitator chose. Names are left out unless asked for (privacy by default)."""

    include_names: bool = False
    order: Order = "board"
    subtitle: str | None = None
    delimiter: str = ","
    template: bytes | None = None
    votes: Votes = "auto"
    comments: bool = True
    overview: bool = True
    # The priorities (column ids) to include; empty: every one.
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Exporter:
    """One format: a pure function from the summary to bytes, and how to serve them."""

    name: str
    media_type: str
    extension: str
    render: Callable[[Summary, ExportOptions], bytes]
    reads: Reads = "room"
    # Made within a fraction of a second, so the cyclic collector may wait for it (see
    # collector_paused); a PDF takes seconds, and the server must not go that long
    # without one: only its full collections wait (full_collections_deferred).
    quick: bool = True


@dataclass(frozen=True, slots=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str

    @property
    def content_disposition(self) -> str:
        """An ASCII filename for old clients and the title itself (RFC 6266) for the rest."""
        fallback = ascii_filename(self.filename)
        return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(self.filename)}"


def plain(text: str) -> str:
    """Text without the control characters that would break a .docx or a CSV reader."""
    return _CONTROL.sub("", text)


def file_name(title: str, extension: str) -> str:
    """The board title made safe as a file name in every operating system."""
    stem = re.sub(r'[\\/:*?"<>|\s]+', " ", plain(title)).strip(" .")[:80].strip()
    return f"{stem or 'paja'}.{extension}"


def ascii_filename(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem, _, extension = decomposed.rpartition(".")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower()
    return f"{slug or 'paja'}.{extension}"


S = TypeVar("S")


class _WhileExporting(Generic[S]):
    """A process-wide collector setting held while any export needs it: the first one in
    applies it and keeps what it replaced, the last one out puts that back, so exports
    that overlap (threads of the pool) neither stack nor undo each other's."""

    def __init__(self, apply: Callable[[], S], restore: Callable[[S], None]) -> None:
        self._apply, self._restore = apply, restore
        self._lock = threading.Lock()
        self._inside = 0
        self._replaced: S

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._inside == 0:
                self._replaced = self._apply()
            self._inside += 1
        try:
            yield
        finally:
            with self._lock:
                self._inside -= 1
                if self._inside == 0:
                    self._restore(self._replaced)


def _disable_collector() -> bool:
    was_enabled = gc.isenabled()
    gc.disable()
    return was_enabled


def _enable_collector_if(was_enabled: bool) -> None:
    if was_enabled:
        gc.enable()


_PAUSE = _WhileExporting(_disable_collector, _enable_collector_if)


def collector_paused() -> AbstractContextManager[None]:
    """Pause Python's cyclic garbage collector while an export reads the board and
    writes its file. A 5,000-note read builds some 30,000 objects that live until the
    file is written; each full collection while they live walks them and the whole heap
    (about 0.1 s, one per export), although they hold no cycles and go by reference
    counting as soon as the file is made. Paused, they are gone before it runs again."""
    return _PAUSE.held()


# How many young collections a full collection waits for while a slow export runs:
# a thousand (some seven million allocations) instead of ten.
DEFERRED_FULL_COLLECTIONS = 1000


def _defer_full_collections() -> tuple[int, ...]:
    thresholds = gc.get_threshold()
    young, middle, _ = thresholds
    gc.set_threshold(young, middle, DEFERRED_FULL_COLLECTIONS)
    return thresholds


def _set_thresholds(thresholds: tuple[int, ...]) -> None:
    gc.set_threshold(*thresholds)


_DEFER = _WhileExporting(_defer_full_collections, _set_thresholds)


def full_collections_deferred() -> AbstractContextManager[None]:
    """Let the collector run its young generations but put off full collections while a
    slow export (the PDF) lays out its file. WeasyPrint's layout is millions of objects
    that live until the file is written, so the collector's rule (a full collection when
    the objects that survived two collections grow by a quarter) walks the whole heap
    again and again as it grows: 8-15 % of a 1,000-note PDF's CPU. Young garbage from the
    rest of the server is still collected; the full collection comes after the file."""
    return _DEFER.held()
