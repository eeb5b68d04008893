#!/usr/bin/env bash
# Back up the CMS Family Platform: the database (pg_dump's custom format) and the media files, in
# a new directory DEST/<UTC time>/ with their SHA-256 sums. Reads DATABASE_URL and MEDIA_ROOT as
# the platform does (the systemd unit deploy/systemd/cmsfamily-backup.service runs it nightly).
#   DATABASE_URL=postgres://... MEDIA_ROOT=/var/lib/cmsfamily/media scripts/backup.sh /var/backups/cmsfamily
# KEEP=14 (default) backups are kept, older ones deleted. Restore with scripts/restore.sh.
set -euo pipefail

DEST="${1:?usage: scripts/backup.sh DEST_DIR}"
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database (postgres://user:password@host/name)}"
MEDIA_ROOT="${MEDIA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/media}"
KEEP="${KEEP:-14}"
OUT="$DEST/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
umask 077 # a backup holds everything, contacts included

# The database first, as one consistent snapshot; the media after it, so that every file the
# snapshot names is in the archive (a file uploaded in between is there too, named by nobody).
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$OUT/database.dump"
if [ -n "${MEDIA_S3_BUCKET:-}" ]; then
    echo "media are in the S3 bucket $MEDIA_S3_BUCKET: back it up with the store's versioning or" \
        "replication (or e.g. rclone sync); this backup holds the database only" >"$OUT/MEDIA-IN-S3.txt"
elif [ -d "$MEDIA_ROOT" ]; then
    tar -C "$MEDIA_ROOT" -czf "$OUT/media.tar.gz" .
else
    tar -czf "$OUT/media.tar.gz" --files-from /dev/null
fi
(cd "$OUT" && sha256sum -- * >SHA256SUMS)

# Old backups go, newest KEEP stay (the names sort by time).
find "$DEST" -mindepth 1 -maxdepth 1 -type d -name '20??????T??????Z' | sort | head -n "-$KEEP" |
    while read -r old; do rm -rf -- "$old"; done
echo "$OUT"
