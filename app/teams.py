"""Microsoft Teams: the app package `paja teams-manifest` writes, and the cookies a page
inside a Teams tab needs. A tab is an iframe on a Microsoft origin, so the browser treats
Paja's cookies there as third-party: they must be `SameSite=None; Secure; Partitioned`."""

from __future__ import annotations

import json
import re
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from app import __version__
from app.config import Settings
from app.i18n import LANGUAGES, N_, translations

MANIFEST_VERSION = "1.17"
SCHEMA = "https://developer.microsoft.com/json-schemas/teams/v{version}/MicrosoftTeams.{name}.json"
ACCENT = (0x0B, 0x5C, 0xAD)
NOTE_YELLOW = (0xFF, 0xF4, 0xC2)
WHITE = (0xFF, 0xFF, 0xFF)
# Where a configurable tab may appear: chats and channels, and every surface of a meeting.
TAB_CONTEXTS = [
    "channelTab",
    "privateChatTab",
    "meetingChatTab",
    "meetingDetailsTab",
    "meetingSidePanel",
    "meetingStage",
]
# Teams wants language tags; Finnish is the default, the others are localisation files.
LANGUAGE_TAGS = {"fi": "fi", "sv": "sv", "en": "en"}

NAME_FULL = N_("Paja – a live workshop board")
DESCRIPTION_SHORT = N_("A live board for workshops: notes, comments and votes.")
DESCRIPTION_FULL = N_(
    "Paja is a workshop board for lifelong-guidance networks. Participants join from a "
    "link or a code without an account, write notes in the columns, comment and vote, and "
    "everyone sees every change at once. Add a board as a tab in a meeting or a channel."
)

Pixel = tuple[int, int, int, int]
COOKIE_VALUE = re.compile(r"[A-Za-z0-9_.-]*")


# --- cookies inside a Teams tab -----------------------------------------------------------


def in_teams_frame(request: Request, settings: Settings) -> bool:
    """A page loaded inside a frame (a Teams tab) on an HTTPS deployment with Teams on:
    only then can a cookie be `SameSite=None`, which browsers accept only when Secure."""
    return (
        settings.teams
        and settings.cookie_secure
        and request.headers.get("sec-fetch-dest") == "iframe"
    )


def set_cookie(
    request: Request,
    response: Response,
    settings: Settings,
    name: str,
    value: str,
    max_age: int,
    *,
    httponly: bool = True,
) -> None:
    """Set a cookie that also survives inside a Teams tab: there a Lax cookie would be
    dropped as third-party, so the joined participant would be asked to join again."""
    if not in_teams_frame(request, settings):
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=httponly,
            secure=settings.cookie_secure,
            samesite="lax",
            path="/",
        )
        return
    # Written by hand: Starlette sets `Partitioned` only on Python 3.14 and later.
    if not COOKIE_VALUE.fullmatch(value):
        raise ValueError("a cookie value must be URL-safe text")
    attributes = [f"{name}={value}", f"Max-Age={max_age}", "Path=/", "Secure", "SameSite=None"]
    attributes += ["Partitioned", "HttpOnly"] if httponly else ["Partitioned"]
    response.headers.append("set-cookie", "; ".join(attributes))


# --- the app package ----------------------------------------------------------------------


def default_app_id(base_url: str) -> str:
    """A GUID derived from the address, so writing the package again updates the same app."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, base_url))


def manifest(base_url: str, app_id: str, developer: str) -> dict[str, object]:
    """The Finnish manifest; Swedish and English come as localisation files."""
    strings = _strings("fi")
    return {
        "$schema": SCHEMA.format(version=MANIFEST_VERSION, name="schema"),
        "manifestVersion": MANIFEST_VERSION,
        "version": __version__,
        "id": app_id,
        "localizationInfo": {
            "defaultLanguageTag": LANGUAGE_TAGS["fi"],
            "additionalLanguages": [
                {"languageTag": LANGUAGE_TAGS[code], "file": f"{code}.json"}
                for code in LANGUAGES
                if code != "fi"
            ],
        },
        "developer": {
            "name": developer,
            "websiteUrl": base_url,
            "privacyUrl": f"{base_url}/privacy",
            "termsOfUseUrl": f"{base_url}/accessibility",
        },
        "name": {"short": "Paja", "full": strings["name.full"]},
        "description": {
            "short": strings["description.short"],
            "full": strings["description.full"],
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "configurableTabs": [
            {
                "configurationUrl": f"{base_url}/teams/config",
                "canUpdateConfiguration": True,
                "scopes": ["team", "groupChat"],
                "context": TAB_CONTEXTS,
                "meetingSurfaces": ["sidePanel", "stage"],
            }
        ],
        "permissions": ["identity"],
        "validDomains": [urlsplit(base_url).netloc],
    }


def localization(language: str) -> dict[str, str]:
    return {
        "$schema": SCHEMA.format(version=MANIFEST_VERSION, name="Localization.schema"),
        "name.short": "Paja",
        **_strings(language),
    }


def _strings(language: str) -> dict[str, str]:
    gettext = translations(language).gettext
    return {
        "name.full": gettext(NAME_FULL),
        "description.short": gettext(DESCRIPTION_SHORT),
        "description.full": gettext(DESCRIPTION_FULL),
    }


def package(base_url: str, app_id: str, developer: str) -> bytes:
    """The zip Teams takes: manifest.json, the two icons and the localisation files."""
    files: dict[str, bytes] = {
        "manifest.json": _json(manifest(base_url, app_id, developer)),
        "color.png": color_icon(),
        "outline.png": outline_icon(),
    }
    for code in LANGUAGES:
        if code != "fi":
            files[f"{code}.json"] = _json(localization(code))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write_package(path: Path, base_url: str, app_id: str | None, developer: str) -> Path:
    path.write_bytes(package(base_url, app_id or default_app_id(base_url), developer))
    return path


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


# --- icons, drawn in code: four notes on a board ------------------------------------------


def color_icon() -> bytes:
    """192×192, full colour: four notes (one a yellow "next step") on Paja's blue."""
    notes = [(36, 36, 84, 84), (108, 36, 156, 84), (36, 108, 84, 156), (108, 108, 156, 156)]

    def pixel(x: int, y: int) -> Pixel:
        for index, box in enumerate(notes):
            if _inside(x, y, box):
                return (*(NOTE_YELLOW if index == 3 else WHITE), 255)
        return (*ACCENT, 255)

    return png(192, 192, pixel)


def outline_icon() -> bytes:
    """32×32, white on transparent as Teams requires: the outlines of the four notes."""
    notes = [(3, 3, 14, 14), (18, 3, 29, 14), (3, 18, 14, 29), (18, 18, 29, 29)]

    def pixel(x: int, y: int) -> Pixel:
        for left, top, right, bottom in notes:
            if _inside(x, y, (left, top, right, bottom)) and not _inside(
                x, y, (left + 2, top + 2, right - 2, bottom - 2)
            ):
                return (*WHITE, 255)
        return (0, 0, 0, 0)

    return png(32, 32, pixel)


def _inside(x: int, y: int, box: tuple[int, int, int, int]) -> bool:
    left, top, right, bottom = box
    return left <= x <= right and top <= y <= bottom


def png(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """An 8-bit RGBA PNG, written with zlib and struct (no imaging library needed)."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)
