"""The platform's languages, read from settings once: English first, then the translations.

Every field translated by django-modeltranslation, every catalogue and every loader follows
this list; adding a language is a settings change, not a search through the apps.
"""

from django.conf import settings

LANGUAGES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)
DEFAULT = settings.LANGUAGE_CODE.split("-")[0]
TRANSLATED: tuple[str, ...] = tuple(code for code in LANGUAGES if code != DEFAULT)
