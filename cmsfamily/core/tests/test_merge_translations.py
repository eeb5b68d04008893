"""`manage.py merge_translations` fills empty and fuzzy entries from JSON lines, never a
reviewed one, and says what is still missing."""

import json

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from django.core.management import CommandError, call_command


def _catalogues(tmp_path):
    for language in ("fr", "es"):
        catalog = Catalog(locale=language)
        catalog.add("Save", "")
        catalog.add("Status", "Ancien", flags=["fuzzy"])
        catalog.add("Region", "Région relue" if language == "fr" else "Región")
        catalog.add("high", "", context="confidence of a source")
        catalog.add(("%(n)s report", "%(n)s reports"), ("", ""))
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with (folder / "django.po").open("wb") as handle:
            write_po(handle, catalog)


def _read(tmp_path, language):
    with (tmp_path / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _lines(tmp_path, entries):
    path = tmp_path / "i18n-x.jsonl"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entries), "utf-8")
    return str(path)


def test_empty_and_fuzzy_entries_are_filled_and_reviewed_ones_kept(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    _catalogues(tmp_path)
    lines = _lines(
        tmp_path,
        [
            {"msgid": "Save", "fr": "Enregistrer", "es": "Guardar"},
            {"msgid": "Status", "fr": "Statut", "es": "Estado"},
            {"msgid": "Region", "fr": "Région écrasée", "es": "Región"},
            {"msgctxt": "confidence of a source", "msgid": "high", "fr": "élevée", "es": "alta"},
            {
                "msgid": "%(n)s report",
                "msgid_plural": "%(n)s reports",
                "fr": "%(n)s rapport",
                "fr_plural": "%(n)s rapports",
                "es": "%(n)s informe",
                "es_plural": "%(n)s informes",
            },
        ],
    )
    call_command("merge_translations", lines)
    french = _read(tmp_path, "fr")
    assert french.get("Save").string == "Enregistrer"
    assert french.get("Status").string == "Statut" and not french.get("Status").fuzzy
    assert french.get("Region").string == "Région relue"  # reviewed: kept
    assert french.get("high", context="confidence of a source").string == "élevée"
    singular, *plurals = french.get("%(n)s report").string
    assert singular == "%(n)s rapport" and set(plurals) == {"%(n)s rapports"}
    assert _read(tmp_path, "es").get("Save").string == "Guardar"


def test_what_is_still_missing_is_named(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    _catalogues(tmp_path)
    lines = _lines(tmp_path, [{"msgid": "Save", "fr": "Enregistrer", "es": "Guardar"}])
    with pytest.raises(CommandError, match="Still empty or fuzzy") as error:
        call_command("merge_translations", lines)
    assert "'Status'" in str(error.value) and "'Save'" not in str(error.value)


def test_a_line_that_is_not_a_translation_is_refused(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    _catalogues(tmp_path)
    path = tmp_path / "bad.jsonl"
    path.write_text('{"fr": "sans msgid"}\nnot json', "utf-8")
    with pytest.raises(CommandError, match="bad.jsonl:1"):
        call_command("merge_translations", str(path))


def test_plural_forms_may_be_given_as_a_list(tmp_path, settings):
    """A line may give a plural message's forms as a list (singular, plural), as well as
    `fr` and `fr_plural`."""
    locale = tmp_path / "locale"
    for language in ("fr", "es"):
        folder = locale / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "django.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
            'msgid "%(n)s report"\nmsgid_plural "%(n)s reports"\n'
            'msgstr[0] ""\nmsgstr[1] ""\n',
            encoding="utf-8",
        )
    settings.LOCALE_PATHS = [str(locale)]
    lines = tmp_path / "t.jsonl"
    lines.write_text(
        json.dumps(
            {
                "msgid": "%(n)s report",
                "fr": ["%(n)s rapport", "%(n)s rapports"],
                "es": ["%(n)s informe", "%(n)s informes"],
            }
        ),
        encoding="utf-8",
    )
    call_command("merge_translations", str(lines))
    text = (locale / "fr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert 'msgstr[0] "%(n)s rapport"' in text
    assert 'msgstr[1] "%(n)s rapports"' in text
