"""A checked workbook kept on the server until its uploader confirms it, so that confirming does
not ask for the file again.

The bytes go to the default storage (shared by every web server, as uploaded evidence is) under
an unguessable token. What the token stands for (the file, the organisation, the user, the
expiry) is kept in the uploader's session only, so a token posted from another session or by
another user is unknown. Confirming claims the token once (a double click logs nothing twice),
reads the file again (the ledger may have changed since the check) and deletes it.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "contributions/staged"
SESSION_KEY = "contributions_staged_uploads"
LIFETIME = timedelta(hours=1)


@dataclass
class Staged:
    token: str
    name: str  # in the default storage
    filename: str  # as uploaded
    organisation_id: int
    user_id: int
    expires: float  # a POSIX timestamp: sessions are stored as JSON

    @property
    def minutes(self) -> int:
        return int(LIFETIME.total_seconds() // 60)

    @property
    def expired(self) -> bool:
        return timezone.now().timestamp() >= self.expires

    def open(self):
        return default_storage.open(self.name, "rb")


class Unknown(Exception):
    """No upload of this user waits under this token: confirmed already, never made, or made in
    another session or by another user."""


class Expired(Exception):
    """The upload waited longer than LIFETIME; its file is deleted."""


class Claimed(Exception):
    """Another request is confirming this upload at this moment."""


def _entries(session) -> dict:
    return session.get(SESSION_KEY, {})


def _remove(session, token: str) -> None:
    entries = _entries(session)
    staged = entries.pop(token, None)
    session[SESSION_KEY] = entries
    if staged is not None:
        default_storage.delete(staged["name"])


def _sweep(session) -> None:
    """Delete this session's expired uploads, and any file left in the folder by a session that
    never came back (whoever uploads next clears them)."""
    now = timezone.now()
    for token, entry in list(_entries(session).items()):
        if now.timestamp() >= entry["expires"]:
            _remove(session, token)
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    for name in names:
        path = f"{FOLDER}/{name}"
        if default_storage.get_modified_time(path) + LIFETIME <= now:
            default_storage.delete(path)


def stage(request, upload_file, *, organisation) -> Staged:
    """Keep the uploaded workbook until its uploader confirms it or LIFETIME passes."""
    _sweep(request.session)
    # Taken before the file is written, so that the sweep never deletes a file whose entry has
    # not expired.
    expires = (timezone.now() + LIFETIME).timestamp()
    token = secrets.token_urlsafe(32)
    upload_file.seek(0)
    name = default_storage.save(f"{FOLDER}/{token}.xlsx", ContentFile(upload_file.read()))
    staged = Staged(
        token=token,
        name=name,
        filename=upload_file.name or "",
        organisation_id=organisation.pk,
        user_id=request.user.pk,
        expires=expires,
    )
    entries = _entries(request.session)
    entries[token] = {key: value for key, value in vars(staged).items() if key != "token"}
    request.session[SESSION_KEY] = entries
    return staged


def claim(request, token: str) -> Staged:
    """The upload waiting under `token` for this user, taken out of the session: it can be
    confirmed once. Raises Unknown, Expired or Claimed."""
    entry = _entries(request.session).get(token)
    if entry is None or entry["user_id"] != request.user.pk:
        raise Unknown
    staged = Staged(token=token, **entry)
    if staged.expired or not default_storage.exists(staged.name):
        _remove(request.session, token)
        raise Expired
    # The session is saved at the end of the request, so two requests may both see the token:
    # the cache decides which one confirms it.
    if not cache.add(f"{SESSION_KEY}:{token}", True, timeout=int(LIFETIME.total_seconds())):
        raise Claimed
    entries = _entries(request.session)
    entries.pop(token)
    request.session[SESSION_KEY] = entries
    return staged


def discard(staged: Staged) -> None:
    default_storage.delete(staged.name)
