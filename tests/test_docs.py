"""The README stays true: its commands are the ones CI runs, and every setting and
limit is documented."""

from __future__ import annotations

import re
from pathlib import Path

from app.config import Settings
from app.exports.pdf import MAX_NOTES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def quick_start_lines() -> list[str]:
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the Quick start has no sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_has_exactly_two_lines() -> None:
    lines = quick_start_lines()
    assert len(lines) == 2
    assert "paja serve --demo" in lines[0]
    assert "pytest" in lines[1]


def test_ci_runs_the_readme_test_line() -> None:
    assert quick_start_lines()[1] in (ROOT / ".ci" / "run").read_text().splitlines()


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"PAJA_{name.upper()}" in README, f"PAJA_{name.upper()} is not in the README"


def test_documented_limits_match_the_defaults() -> None:
    defaults = Settings()
    assert f"{defaults.max_note_chars:,} characters" in README
    assert f"{defaults.max_comment_chars:,} characters" in README
    assert f"| columns per board | {defaults.max_columns_per_board} |" in README
    assert f"| {MAX_NOTES:,} (413 above" in README
