#!/usr/bin/env bash
# Re-extract every translatable string and merge it into the fi and sv catalogues.
# The error classes are keywords too: their first argument is the message a person reads.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F babel.cfg --no-location --sort-output --omit-header \
  -k N_ -k PajaError -k InvalidInput -k NotAuthenticated -k Forbidden -k NotFound \
  -k Conflict -k TooLarge -k BoardLocked -k LimitReached -k RateLimited \
  -o app/locales/messages.pot .
for language in fi sv; do
  if [ -f "app/locales/$language/LC_MESSAGES/messages.po" ]; then
    pybabel update --no-fuzzy-matching -i app/locales/messages.pot -d app/locales -l "$language"
  else
    pybabel init -i app/locales/messages.pot -d app/locales -l "$language"
  fi
done
