"""Slice 2: invitations in one action, their emails, replies (late ones marked), the reply rate."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmsfamily.core.testing import LOGIN, cms_secretariat_only, matrix, status_of
from cmsfamily.directory.models import Instrument, Organisation, Party, Region
from cmsfamily.meetings import services
from cmsfamily.meetings.models import Invitation
from cmsfamily.meetings.tests.fixtures import cop14

pytestmark = pytest.mark.django_db
DEADLINE = date(2099, 1, 15)


@pytest.fixture
def invited(secretariat):
    meeting = cop14()
    services.invite(
        meeting=meeting,
        deadline=DEADLINE,
        by=secretariat,
        instrument=Instrument.objects.get(code="cms"),
        partners=True,
    )
    return meeting


def kenya_invitation(meeting):
    return meeting.invitations.get(party__code="KE")


def test_one_action_invites_every_cms_party_and_partner(invited):
    parties = Party.objects.filter(memberships__instrument__code="cms").distinct().count()
    assert invited.invitations.filter(kind="party").count() == parties > 100
    assert (
        invited.invitations.filter(kind="partner").count()
        == Organisation.objects.filter(kind="partner_ngo").count()
    )


def test_the_statements_do_not_grow_with_the_invitees(secretariat):
    """The reads are the same whatever the number of invitees; the rows are written in bulk.
    SQLite caps the parameters of one statement, so a bulk insert there takes a statement per
    batch of rows (one on PostgreSQL): the inserts are counted apart, against the rows."""
    cms = Instrument.objects.get(code="cms")
    small, large = cop14(), cop14(code="cop15", title="COP15")
    africa = Region.objects.get(pk=Party.objects.get(code="KE").region_id)
    services.invite(  # a first call warms what is read once per process
        meeting=cop14(code="warm-up", title="Warm-up"),
        deadline=DEADLINE,
        by=secretariat,
        instrument=cms,
        region=africa,
    )
    with CaptureQueriesContext(connection) as few:
        created_few = services.invite(
            meeting=small,
            deadline=DEADLINE,
            by=secretariat,
            instrument=cms,
            region=africa,
            partners=True,
        )
    with CaptureQueriesContext(connection) as many:
        created_all = services.invite(
            meeting=large, deadline=DEADLINE, by=secretariat, instrument=cms, partners=True
        )
    assert len(created_all) > 2 * len(created_few) > 0

    def split(captured):
        sqls = [query["sql"] for query in captured.captured_queries]
        inserts = [sql for sql in sqls if sql.startswith("INSERT")]
        return len(sqls) - len(inserts), len(inserts)

    (reads_few, _), (reads_all, inserts_all) = split(few), split(many)
    assert reads_all == reads_few
    assert inserts_all <= 1 + len(created_all) // 20  # batches of rows, never a row a statement


def test_each_invitation_reaches_the_current_focal_points_on_commit(
    secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = cop14()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(
            meeting=meeting,
            deadline=DEADLINE,
            by=secretariat,
            instrument=Instrument.objects.get(code="cms"),
            partners=True,
        )
    to = {address for message in mailoutbox for address in message.to}
    assert {"nfp@kenya.example", "nfp@germany.example", "focal@birdlife.example"} <= to
    # A nomination not confirmed and an ended appointment make nobody a recipient.
    assert "nominee@kenya.example" not in to and "former-nfp@germany.example" not in to
    kenya = next(m for m in mailoutbox if m.to == ["nfp@kenya.example"])
    assert "Kenya is invited to" in kenya.body and "2099-01-15" in kenya.body
    assert f"/meetings/cop14/invitations/{kenya_invitation(meeting).pk}/" in kenya.body


def test_a_rolled_back_invitation_sends_nothing(secretariat, mailoutbox):
    meeting = cop14()
    services.invite(meeting=meeting, deadline=DEADLINE, by=secretariat, partners=True)
    assert mailoutbox == []  # the test's transaction never commits


@pytest.mark.parametrize(
    "data, message",
    [
        ({"deadline": "2000-01-01", "partners": "on"}, "The reply deadline has passed"),
        ({"deadline": "2099-03-01", "partners": "on"}, "Replies are due before the meeting"),
        ({"deadline": "2099-01-01"}, "Choose whom to invite"),
        ({"deadline": "nonsense", "partners": "on"}, "Enter a valid date."),
        ({"deadline": "2099-01-01", "instrument": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_invitations_are_refused_and_nothing_sent(
    client_as, secretariat, mailoutbox, data, message
):
    cop14()
    response = client_as(secretariat).post("/meetings/cop14/invite/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Invitation.objects.exists() and mailoutbox == []


def test_nobody_is_invited_twice(client_as, secretariat, invited):
    count = invited.invitations.count()
    response = client_as(secretariat).post(
        "/meetings/cop14/invite/", {"deadline": "2099-01-20", "partners": "on"}
    )
    assert response.status_code == 400
    assert "already invited" in response.content.decode()
    assert invited.invitations.count() == count


@pytest.mark.parametrize("persona, status", cms_secretariat_only(anonymous=LOGIN))
def test_who_invites_and_sees_the_reply_rates(client_as, request, persona, status, invited):
    assert status_of(client_as, request, persona, "GET", "/meetings/cop14/invite/") == status
    assert status_of(client_as, request, persona, "GET", "/meetings/cop14/invitations/") == status


@pytest.mark.parametrize(
    "persona, status",
    matrix(
        anonymous=LOGIN,
        nfp_kenya=200,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=200,
        eurobats_officer=404,
    ),
)
def test_who_sees_kenyas_invitation(client_as, request, persona, status, invited):
    url = kenya_invitation(invited).get_absolute_url()
    assert status_of(client_as, request, persona, "GET", url) == status


@pytest.mark.parametrize(
    "persona, status",
    matrix(
        anonymous=LOGIN,
        nfp_kenya=302,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=403,
        eurobats_officer=404,
    ),
)
def test_only_kenyas_nfp_replies_for_kenya(client_as, request, persona, status, invited):
    url = kenya_invitation(invited).get_absolute_url()
    assert status_of(client_as, request, persona, "POST", url, {"answer": "attend"}) == status
    replied = kenya_invitation(invited).reply
    assert replied == ("attend" if persona == "nfp_kenya" else "")


def test_germany_cannot_reply_for_kenya_through_the_service(nfp_germany, invited):
    with pytest.raises(PermissionDenied):
        services.reply(invitation=kenya_invitation(invited), answer="attend", by=nfp_germany)


def test_a_reply_after_the_deadline_is_accepted_and_marked_late(client_as, nfp_kenya, invited):
    invitation = kenya_invitation(invited)
    Invitation.objects.filter(pk=invitation.pk).update(deadline=date.today() - timedelta(days=1))
    browser = client_as(nfp_kenya)
    page = browser.get(invitation.get_absolute_url()).content.decode()
    assert "the deadline has passed; a reply is still accepted and marked late" in page
    response = browser.post(invitation.get_absolute_url(), {"answer": "decline"}, follow=True)
    assert "It came after the deadline and is marked late." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.reply == "decline" and invitation.late


@pytest.mark.parametrize(
    "data, message",
    [
        ({"answer": "forwarded"}, "Say to which person or institution"),
        ({"answer": "maybe"}, "Select a valid choice."),
        ({}, "This field is required."),
    ],
)
def test_bad_replies_are_refused(client_as, nfp_kenya, invited, data, message):
    invitation = kenya_invitation(invited)
    response = client_as(nfp_kenya).post(invitation.get_absolute_url(), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.reply == ""


def test_a_forwarded_reply_names_whom(nfp_kenya, invited):
    answered = services.reply(
        invitation=kenya_invitation(invited),
        answer="forwarded",
        forwarded_to="Kenya Wildlife Service",
        by=nfp_kenya,
    )
    assert answered.forwarded_to == "Kenya Wildlife Service" and not answered.late


def test_an_attending_party_sees_the_connection_link(client_as, nfp_kenya, invited):
    browser = client_as(nfp_kenya)
    assert "meet.example/cop14" not in browser.get("/meetings/cop14/").content.decode()
    services.reply(invitation=kenya_invitation(invited), answer="attend", by=nfp_kenya)
    page = browser.get("/meetings/cop14/").content.decode()
    assert "meet.example/cop14" in page and "Reply:" in page


def test_the_reply_rate_by_region_and_invitee_kind(
    client_as, secretariat, nfp_kenya, birdlife_fp, invited, django_assert_max_num_queries
):
    services.reply(invitation=kenya_invitation(invited), answer="attend", by=nfp_kenya)
    services.reply(
        invitation=invited.invitations.get(organisation__slug="birdlife"),
        answer="attend",
        by=birdlife_fp,
    )
    from cmsfamily.meetings.selectors import reply_rates

    rates = reply_rates(invited)
    africa = next(row for row in rates if row["kind"] == "party" and row["replied"])
    partners = next(row for row in rates if row["kind"] == "partner")
    assert africa["group"] == Party.objects.get(code="KE").region.name
    assert africa["replied"] == 1 and africa["attend"] == 1
    assert partners["replied"] == 1 and partners["invited"] > 10
    browser = client_as(secretariat)
    with django_assert_max_num_queries(14):
        page = browser.get("/meetings/cop14/invitations/?per_page=200").content.decode()
    assert "Reply rate" in page and "Kenya" in page
    assert browser.get("/meetings/cop14/invitations/?reply=none").status_code == 200
    assert browser.get("/meetings/cop14/invitations/?region=nowhere").status_code == 400


def test_the_api_scopes_invitations_and_takes_replies(
    client_as, nfp_kenya, nfp_germany, invited, client
):
    assert client.get("/api/meeting-invitations/").json()["count"] == 0
    kenya = kenya_invitation(invited)
    germany_client = client_as(nfp_germany)
    own = germany_client.get("/api/meeting-invitations/").json()["results"]
    assert [row["party"] for row in own] == ["DE"]
    assert (
        germany_client.post(
            f"/api/meeting-invitations/{kenya.pk}/reply/", {"answer": "attend"}
        ).status_code
        == 404
    )
    germany_client.logout()
    kenya_client = client_as(nfp_kenya)
    bad = kenya_client.post(f"/api/meeting-invitations/{kenya.pk}/reply/", {"answer": "forwarded"})
    assert bad.status_code == 400 and "forwarded_to" in bad.json()
    good = kenya_client.post(f"/api/meeting-invitations/{kenya.pk}/reply/", {"answer": "attend"})
    assert good.status_code == 200 and good.json()["reply"] == "attend"


def test_a_service_error_never_half_invites(secretariat):
    meeting = cop14()
    with pytest.raises(ValidationError):
        services.invite(meeting=meeting, deadline=date(2000, 1, 1), by=secretariat, partners=True)
    assert not meeting.invitations.exists()
