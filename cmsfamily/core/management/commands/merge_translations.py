"""Fill the French and Spanish catalogues from JSON lines, after `make messages`.

Each line: {"msgid": ..., "fr": ..., "es": ...}, with "msgctxt" for a pgettext string and
"msgid_plural", "fr_plural", "es_plural" for a plural. Only entries that are empty or fuzzy are
filled (a line never overwrites a reviewed translation); the catalogues are rewritten as Babel
writes them (76 columns), and what is still empty or fuzzy is listed, so that none is left.
"""

import json
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cmsfamily.core.languages import TRANSLATED


def _key(msgid, context) -> str:
    msgid = msgid[0] if isinstance(msgid, (tuple, list)) else msgid
    return f"{context}\x04{msgid}" if context else msgid


def _unfinished(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return message.fuzzy or not all(strings)


class Command(BaseCommand):
    help = "Fill empty or fuzzy French and Spanish entries from JSON lines files."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="JSON lines files")

    def handle(self, *args, files, **options):
        lines = {}
        for name in files:
            for number, line in enumerate(Path(name).read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    lines[_key(entry["msgid"], entry.get("msgctxt"))] = entry
                except (ValueError, KeyError) as error:
                    raise CommandError(
                        f"{name}:{number}: not a translation line ({error})"
                    ) from error
        left = []
        for language in TRANSLATED:
            path = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            filled = 0
            for message in catalog:
                if not message.id or not _unfinished(message):
                    continue
                entry = lines.get(_key(message.id, message.context))
                if entry and entry.get(language):
                    if isinstance(message.id, tuple):
                        forms = max(catalog.num_plurals, 2)  # as the catalogue's header says
                        given = entry[language]
                        if isinstance(given, list):  # every form given: singular, plural...
                            singular, plural = given[0], given[-1]
                        else:
                            singular, plural = given, entry.get(f"{language}_plural") or given
                        message.string = (singular, *[plural] * (forms - 1))
                    else:
                        message.string = entry[language]
                    message.flags.discard("fuzzy")
                    filled += 1
                else:
                    left.append(f"{language}: {_key(message.id, message.context)!r}")
            with path.open("wb") as handle:
                write_po(handle, catalog, width=76)
            self.stdout.write(f"{language}: {filled} entries filled.")
        if left:
            raise CommandError("Still empty or fuzzy:\n" + "\n".join(left))
