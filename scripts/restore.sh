#!/usr/bin/env bash
# Restore a backup of scripts/backup.sh into an EMPTY database (DATABASE_URL) and an empty or
# missing MEDIA_ROOT; refuses anything else, so that a restore never mixes two states.
#   DATABASE_URL=postgres://.../cmsfamily_restored MEDIA_ROOT=/var/lib/cmsfamily/media \
#       scripts/restore.sh /var/backups/cmsfamily/20261207T023000Z
# Create the database first (createdb -O cmsfamily cmsfamily_restored); then run
# `manage.py migrate` (nothing to do when the code is the backup's) and start the servers.
set -euo pipefail

BACKUP="${1:?usage: scripts/restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?set DATABASE_URL to the empty PostgreSQL database to restore into}"
MEDIA_ROOT="${MEDIA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/media}"

echo "-- checking the backup's SHA-256 sums"
(cd "$BACKUP" && sha256sum --check --quiet SHA256SUMS)

tables=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
[ "$tables" = "0" ] || { echo "refused: the database already has $tables tables; restore into an empty one" >&2; exit 1; }
if [ -f "$BACKUP/media.tar.gz" ] && [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
    echo "refused: $MEDIA_ROOT is not empty" >&2
    exit 1
fi

echo "-- the database, in one transaction"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$DATABASE_URL" "$BACKUP/database.dump"
if [ -f "$BACKUP/media.tar.gz" ]; then
    echo "-- the media into $MEDIA_ROOT"
    mkdir -p "$MEDIA_ROOT"
    tar -C "$MEDIA_ROOT" -xzf "$BACKUP/media.tar.gz"
else
    cat "$BACKUP/MEDIA-IN-S3.txt"
fi
echo "restored $BACKUP"
