"""Issue 19 in the browser: the Secretariat creates COP14 with two documents and invites every CMS
Party and the Partners; Kenya's NFP replies, names a delegation of three, asks for funding and
uploads its credentials; the Secretariat grants the funding and accepts the credentials; the
credentials report counts Kenya and Kenya's duties show its credentials in order. Each page passes
axe-core and fits a 390 px phone; the list is also checked in French. (Badges and attendance in
the ledger are not built yet.)"""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, MOBILE, describe_violations, horizontal_overflow, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _check(page, name, axe, problems):
    page.set_viewport_size(DESKTOP)
    violations = axe(page)
    if violations:
        problems.append(f"{name} (axe):\n{describe_violations(violations)}")
    screenshot(page, f"{name}-1280")
    page.set_viewport_size(MOBILE)
    overflow = horizontal_overflow(page, MOBILE["width"])
    if overflow:
        problems.append(f"{name}: {overflow}px wider than a 390 px screen")
    screenshot(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)


def _save(page):
    page.locator("main").get_by_role("button", name="Save").click()


def test_cop14_from_invitation_to_credentials_in_order(
    page, live_server, registry, login, axe, tmp_path, settings
):
    from cmsfamily.core import hostile
    from cmsfamily.directory.models import Instrument
    from cmsfamily.meetings.models import Invitation, Meeting

    settings.MEDIA_ROOT = tmp_path
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(hostile.pdf())
    problems: list[str] = []
    main = page.locator("main")

    login(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/meetings/add/")
    main.get_by_label("Short code").fill("cop14")
    main.get_by_label("Title").fill("Fourteenth Meeting of the Conference of the Parties to CMS")
    main.get_by_label("Kind").select_option("cop")
    main.get_by_label("Instrument").select_option(str(Instrument.objects.get(code="cms").pk))
    main.get_by_label("First day").fill("2099-02-12")
    main.get_by_label("Last day").fill("2099-02-17")
    main.get_by_label("Format").select_option("hybrid")
    main.get_by_label("Venue").fill("Samarkand, Uzbekistan")
    main.get_by_label("Connection link").fill("https://meet.example/cop14")
    _save(page)
    expect(main.locator("h1")).to_have_text(
        "Fourteenth Meeting of the Conference of the Parties to CMS"
    )
    for symbol, title in (
        ("UNEP/CMS/COP14/Doc.1", "Provisional agenda"),
        ("UNEP/CMS/COP14/Doc.16.1", "Budget and programme of work"),
    ):
        main.get_by_role("link", name="Add a document").click()
        main.get_by_label("Symbol").fill(symbol)
        main.get_by_label("Title").fill(title)
        main.get_by_label("File (PDF)").set_input_files(str(pdf))
        _save(page)
        expect(main).to_contain_text(symbol)
    main.get_by_role("link", name="Invite").first.click()
    main.get_by_label("Reply by").fill("2099-01-15")
    _save(page)
    expect(page.get_by_role("status")).to_contain_text("Invitations sent")
    _check(page, "meetings-invitations", axe, problems)
    kenya = Invitation.objects.get(meeting__code="cop14", party__code="KE")
    page.goto(f"{live_server.url}{kenya.get_absolute_url()}")
    main.get_by_role("button", name="Mark as eligible for funding").click()
    expect(main).to_contain_text("Eligible for funding of a delegate.")
    page.context.clear_cookies()

    login(page, live_server, "nfp_kenya")
    page.goto(f"{live_server.url}/meetings/cop14/")
    main.get_by_role("link", name="Reply to the invitation").click()
    main.locator("#id_answer").select_option("attend")
    main.get_by_role("button", name="Send the reply").click()
    expect(main).to_contain_text("Will attend")
    for role, given, family in (
        ("head", "Amina", "Odhiambo"),
        ("alternate", "Peter", "Kamau"),
        ("adviser", "Grace", "Wanjiru"),
    ):
        main.get_by_role("link", name="Name a delegate").click()
        main.get_by_label("Role").select_option(role)
        main.get_by_label("Given name").fill(given)
        main.get_by_label("Family name").fill(family)
        _save(page)
        expect(main).to_contain_text(f"{given} {family}")
    main.get_by_role("button", name="Request funding").first.click()
    expect(main).to_contain_text("Requested")
    main.get_by_role("link", name="Upload the credentials").click()
    main.get_by_label("The credentials letter (PDF)").set_input_files(str(pdf))
    main.get_by_label("Issued by").select_option("foreign_minister")
    main.get_by_label("Names covered").fill("Amina Odhiambo\nPeter Kamau\nGrace Wanjiru")
    _save(page)
    expect(main).to_contain_text("Not examined yet")
    _check(page, "meetings-kenya-invitation", axe, problems)
    page.goto(f"{live_server.url}/meetings/cop14/")
    expect(main).to_contain_text("meet.example/cop14")  # Kenya attends: the link is shown
    _check(page, "meetings-cop14", axe, problems)
    page.context.clear_cookies()

    login(page, live_server, "secretariat")
    page.goto(f"{live_server.url}{kenya.get_absolute_url()}")
    main.get_by_role("link", name="Decide").first.click()
    main.locator("#id_grant").select_option("yes")
    _save(page)
    main.get_by_role("link", name="Examine").click()
    main.locator("#id_examination").select_option("accepted")
    _save(page)
    page.goto(f"{live_server.url}/meetings/cop14/credentials/")
    expect(main).to_contain_text("1 Party has credentials in order.")
    expect(main.locator("ul").first).to_contain_text("Kenya")
    expect(main).to_contain_text("Amina Odhiambo")  # the funded delegate
    _check(page, "meetings-credentials-report", axe, problems)
    page.context.clear_cookies()

    # The meeting is held: it becomes the last COP that Kenya's duties read.
    import datetime as dt

    Meeting.objects.filter(code="cop14").update(
        start=dt.date(2024, 2, 12), end=dt.date(2024, 2, 17)
    )
    login(page, live_server, "nfp_kenya")
    page.goto(f"{live_server.url}/analysis/duties/ke/")
    expect(main).to_contain_text("In order for Fourteenth Meeting")
    page.goto(f"{live_server.url}/meetings/")
    switcher = page.locator("form.lang")
    switcher.get_by_label("Language").select_option(label="Français")
    switcher.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    _check(page, "meetings-list-fr", axe, problems)
    assert not problems, "\n".join(problems)
