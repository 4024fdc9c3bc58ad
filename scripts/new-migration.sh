#!/usr/bin/env bash
# Autogenerate a migration from the difference between app/models.py and the migrations.
set -euo pipefail
cd "$(dirname "$0")/.."
message="${1:?usage: scripts/new-migration.sh 'what changed'}"
scratch="$(mktemp -d)"
python - "$scratch" "$message" <<'PY'
import sys
from alembic import command
from app.db import alembic_config, migrate
url = f"sqlite:///{sys.argv[1]}/scratch.db"
migrate(url)
from pathlib import Path
numbers = [int(p.name[:4]) for p in Path("migrations/versions").glob("[0-9][0-9][0-9][0-9]_*.py")]
command.revision(
    alembic_config(url), message=sys.argv[2], autogenerate=True, rev_id=f"{max(numbers) + 1:04d}"
)
PY
rm -rf "$scratch"
