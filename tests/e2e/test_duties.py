"""The duties of Parties in the browser: the Secretariat's Family-wide table, Kenya's NFP's own
row with its next steps (issue 17, done when), and the panel on Kenya's page; each passes axe-core
and fits a 390 px phone, one in French."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import to_french

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _duties():
    """A closed national-report cycle (Germany on time, Kenya late, France missing), Kenya in
    arrears for last year, Germany's Scientific Councillor with an area of expertise."""
    from django.utils import timezone

    import conftest as root_conftest
    from cmsfamily.accounts.models import User
    from cmsfamily.contributions import services as ledger
    from cmsfamily.directory import services as registry
    from cmsfamily.directory.choices import Role
    from cmsfamily.directory.models import Instrument, Party, Person
    from cmsfamily.reporting import services as reporting
    from cmsfamily.reporting.models import Submission
    from cmsfamily.reporting.testing import build_template, open_cycle

    officer = User.objects.get(email=root_conftest.PERSONAS["secretariat"][0])
    cycle = open_cycle(build_template()[1], parties=("KE", "DE", "FR"))
    for code, days in (("DE", -5), ("KE", 12)):
        first = timezone.make_aware(
            dt.datetime.combine(cycle.deadline + dt.timedelta(days=days), dt.time(12))
        )
        Submission.objects.filter(cycle=cycle, party__code=code).update(
            status="submitted", first_submitted_at=first, submitted_at=first
        )
    reporting.set_cycle_status(cycle=cycle, status="closed", by=None)
    cms = Instrument.objects.get(code="cms")
    year = timezone.localdate().year - 1
    for code, paid in (("KE", "300"), ("DE", "5000")):
        row = ledger.set_assessed_contribution(
            party=Party.objects.get(code=code),
            instrument=cms,
            year=year,
            by=officer,
            amount=Decimal("5000"),
            currency="EUR",
        )
        ledger.record_payment(
            assessed=row, by=officer, date=dt.date(year, 5, 1), amount=Decimal(paid)
        )
    councillor = registry.nominate(
        person=Person.objects.create(given_name="Demo", family_name="Councillor DE"),
        role=Role.SCIENTIFIC_COUNCILLOR,
        by=None,
        party=Party.objects.get(code="DE"),
        area_of_expertise="Bats and wind energy (demo)",
    )
    registry.confirm(appointment=councillor, by=None)


def test_the_secretariat_reads_the_table_and_kenyas_nfp_its_next_steps(
    page, live_server, registry, login, look
):
    _duties()
    login(page, live_server, "secretariat")
    response = page.goto(f"{live_server.url}/analysis/duties/?region=africa")
    assert response is not None and response.status == 200
    main = page.locator("main")
    expect(main.locator("table.duties-table")).to_be_visible()
    assert "Kenya" in main.inner_text()
    look(page, "duties-table")
    page.context.clear_cookies()

    login(page, live_server, "nfp_kenya")
    page.goto(f"{live_server.url}/analysis/duties/")
    text = page.locator("main").inner_text()
    assert "Kenya" in text and "Germany" not in text
    assert "Next step:" in text
    assert "Pay the assessed contribution" in text
    look(page, "duties-nfp-kenya")
    page.goto(f"{live_server.url}/parties/ke/")
    expect(page.locator("#duties-heading")).to_be_visible()
    look(page, "duties-panel-kenya")
    to_french(page)
    page.goto(f"{live_server.url}/analysis/duties/ke/")
    look(page, "duties-kenya-fr")
    assert not look.problems, "\n".join(look.problems)
