"""Hostile tables posted to the species import: each is refused with a clear message and a 400,
nothing is imported or staged, never a 500. A 2 MB table with 60,000 wrong range states per row
was a million problems: 384 MB and 90 s to list the first 200."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cmsfamily.core import hostile
from cmsfamily.species import importing
from cmsfamily.species.tests.helpers import database_state
from cmsfamily.species.tests.test_views import staged_files

pytestmark = pytest.mark.django_db
TABLES = hostile.csvs(
    list(importing.COLUMNS), "range_states", importing.MAX_BYTES, importing.MAX_ROWS
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("case", sorted(TABLES))
def test_a_hostile_table_is_refused_and_nothing_is_imported_or_staged(client, secretariat, case):
    client.force_login(secretariat)
    before = database_state()
    response = client.post(
        "/species/import/",
        {"table": SimpleUploadedFile("species.csv", TABLES[case], "text/csv")},
    )
    assert response.status_code == 400
    assert hostile.CSV_REFUSALS[case] in response.content.decode()
    assert len(response.context["problems"]) <= importing.MAX_PROBLEMS + 1
    assert database_state() == before
    assert staged_files() == []


def test_problems_beyond_the_first_ones_are_counted_not_kept():
    bad = ",".join("x" if name in ("appendix", "rank") else "" for name in importing.COLUMNS)
    content = ("\n".join([",".join(importing.COLUMNS)] + [bad] * 300) + "\n").encode()
    table = importing.read(content)
    # 4 problems a row (2 required columns empty, a wrong rank, a wrong appendix)
    assert len(table.problems) == importing.MAX_PROBLEMS + 1
    assert table.problems[-1].message == f"… and {300 * 4 - importing.MAX_PROBLEMS} more problems."
