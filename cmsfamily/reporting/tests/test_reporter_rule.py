""" "Is this user the reporter of this report" is asked in two languages: in SQL
(`querysets.reporter_q`, the lists and `Submission.objects.reported_by`) and in Python
(`rules.reports_for`, the rules and what a user may edit). For every persona and every kind of
reporter (a Party, a Partner, an Agreement's secretariat) both must give the same answer, and
the answer written out here: a drift in one of them would let a user draft another's report in
one channel and not in the other."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cmsfamily.directory.scope import scope_of
from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.querysets import reporter_q
from cmsfamily.reporting.rules import reports_for
from cmsfamily.reporting.testing import build_template, open_cycle

pytestmark = pytest.mark.django_db

# Who reports for which report (by Party code or organisation slug); everyone else for none.
REPORTS = {
    "anonymous": set(),
    "nfp_kenya": {"KE"},
    "nfp_germany": {"DE"},
    "birdlife_fp": {"birdlife"},
    "wwf_fp": {"wwf"},
    "secretariat": {"cms-secretariat"},
    "eurobats_officer": {"eurobats-secretariat"},
    "contributor_kenya": set(),  # assigned a section of Kenya's report: contributes, not reports
    "nominated_kenya": set(),  # nominated as Kenya's alternate, never confirmed
    "ended_nfp_germany": set(),  # Germany's NFP until 2019
}


@pytest.fixture
def reports(db, nfp_kenya, contributor_kenya):
    _template, version = build_template()
    cycle = open_cycle(
        version,
        parties=("KE", "DE", "FR"),
        organisations=("birdlife", "wwf", "eurobats-secretariat", "cms-secretariat"),
    )
    kenya = cycle.submissions.get(party__code="KE")
    services.assign_section(
        submission=kenya,
        section=kenya.cycle.version.sections.get(number="II"),
        user=contributor_kenya,
        by=nfp_kenya,
    )
    return list(cycle.submissions.all())


def _name(submission) -> str:
    return submission.party.code if submission.party_id else submission.organisation.slug


@pytest.mark.parametrize("persona", sorted(REPORTS))
def test_the_sql_and_the_python_reporter_rules_agree(request, reports, persona):
    assert len(reports) == 7
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    in_sql = set(
        Submission.objects.filter(reporter_q(scope_of(user)))
        .filter(pk__in=[report.pk for report in reports])
        .values_list("pk", flat=True)
    )
    for report in reports:
        fresh = Submission.objects.select_related("party", "organisation").get(pk=report.pk)
        python = bool(reports_for(user, fresh))
        assert python == (report.pk in in_sql), (persona, _name(report))
        assert python == (_name(report) in REPORTS[persona]), (persona, _name(report))
        if user.is_authenticated:  # what the report's page asks (`reported_by`, in SQL)
            assert selectors.reports(user, fresh) == python, (persona, _name(report))
    if user.is_authenticated:
        reported = Submission.objects.reported_by(user).filter(pk__in=[r.pk for r in reports])
        assert set(reported.values_list("pk", flat=True)) == in_sql
