"""Named personas shared by every test: the NFPs of Kenya and Germany, BirdLife's focal point,
a CMS Secretariat officer, a EUROBATS secretariat officer, and the anonymous visitor.

The real reference data and the personas are loaded once per test database; each test runs
in a transaction that is rolled back, so tests see the same registry.
"""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from cmsfamily.accounts.models import User
from cmsfamily.directory import services
from cmsfamily.directory.choices import Role
from cmsfamily.directory.models import Instrument, Organisation, Party, Person
from cmsfamily.directory.reference import load_reference_data
from cmsfamily.species.reference import load_species_data
from cmsfamily.strategy.reference import load_strategy_data
from cmsfamily.workplans.reference import load_workplans_data

PERSONAS = {
    # key: (email, role, party code, organisation slug, instrument code)
    "secretariat": (
        "officer@cms.example",
        Role.SECRETARIAT_OFFICER,
        None,
        "cms-secretariat",
        "cms",
    ),
    "eurobats_officer": (
        "officer@eurobats.example",
        Role.SECRETARIAT_OFFICER,
        None,
        "eurobats-secretariat",
        "eurobats",
    ),
    "nfp_kenya": ("nfp@kenya.example", Role.NFP, "KE", None, None),
    "nfp_germany": ("nfp@germany.example", Role.NFP, "DE", None, None),
    "birdlife_fp": ("focal@birdlife.example", Role.PARTNER_FOCAL_POINT, None, "birdlife", None),
}
PASSWORD = "correct-horse-battery-staple"


def create_persona(key: str) -> User:
    email, role, party_code, organisation_slug, instrument_code = PERSONAS[key]
    user = User.objects.create_user(email, PASSWORD, full_name=key.replace("_", " ").title())
    organisation = Organisation.objects.get(slug=organisation_slug) if organisation_slug else None
    person = Person.objects.create(
        given_name=key.split("_")[0].title(),
        family_name=key.replace("_", " ").title(),
        email=email,
        phone="+00 000 000",
        organisation=organisation,
        user=user,
    )
    appointment = services.nominate(
        person=person,
        role=role,
        by=None,
        party=Party.objects.get(code=party_code) if party_code else None,
        organisation=organisation if role == Role.PARTNER_FOCAL_POINT else None,
        instrument=Instrument.objects.get(code=instrument_code) if instrument_code else None,
    )
    services.confirm(appointment=appointment, by=None)
    return User.objects.get(pk=user.pk)  # a fresh object: no cached scope


# The personas an attacker or a careless user plays, for the permission matrix: a second Partner's
# focal point, a person whose appointment is only nominated, a former NFP and a section contributor
# (a Kenyan expert with an account and no appointment: the sections assigned to them are all they get).
EXTRA_PERSONAS = {
    "wwf_fp": "focal@wwf.example",
    "nominated_kenya": "nominee@kenya.example",
    "ended_nfp_germany": "former-nfp@germany.example",
    "contributor_kenya": "expert@kenya.example",
}


def _person_with_account(key: str, **fields) -> Person:
    email = EXTRA_PERSONAS[key]
    user = User.objects.create_user(email, PASSWORD, full_name=key.replace("_", " ").title())
    return Person.objects.create(
        given_name=key.split("_")[0].title(),
        family_name=key.replace("_", " ").title(),
        email=email,
        phone=f"+00 {key}",
        user=user,
        **fields,
    )


def create_extra_personas():
    germany, kenya = Party.objects.get(code="DE"), Party.objects.get(code="KE")
    wwf = Organisation.objects.get(slug="wwf")
    wwf_person = _person_with_account("wwf_fp", organisation=wwf)
    services.confirm(
        appointment=services.nominate(
            person=wwf_person, role=Role.PARTNER_FOCAL_POINT, by=None, organisation=wwf
        ),
        by=None,
    )
    services.nominate(
        person=_person_with_account("nominated_kenya"),
        role=Role.ALTERNATE_NFP,
        by=None,
        party=kenya,
    )
    # Germany's NFP from 2015 to 2019 (created before the current one, whose confirmation would
    # otherwise end it).
    services.confirm(
        appointment=services.nominate(
            person=_person_with_account("ended_nfp_germany"),
            role=Role.NFP,
            by=None,
            party=germany,
            start=date(2015, 1, 1),
            end=date(2019, 12, 31),
        ),
        by=None,
    )
    _person_with_account("contributor_kenya")


def load_registry():
    load_reference_data()
    load_species_data()
    load_strategy_data()
    load_workplans_data()
    create_extra_personas()
    for key in PERSONAS:
        create_persona(key)


def pytest_configure(config):
    # Real hashing is slow by design; tests only need passwords to round-trip.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_registry()


def _user(email):
    return User.objects.get(email=email)


@pytest.fixture
def secretariat(db):
    return _user(PERSONAS["secretariat"][0])


@pytest.fixture
def eurobats_officer(db):
    return _user(PERSONAS["eurobats_officer"][0])


@pytest.fixture
def nfp_kenya(db):
    return _user(PERSONAS["nfp_kenya"][0])


@pytest.fixture
def nfp_germany(db):
    return _user(PERSONAS["nfp_germany"][0])


@pytest.fixture
def birdlife_fp(db):
    return _user(PERSONAS["birdlife_fp"][0])


@pytest.fixture
def wwf_fp(db):
    return _user(EXTRA_PERSONAS["wwf_fp"])


@pytest.fixture
def nominated_kenya(db):
    return _user(EXTRA_PERSONAS["nominated_kenya"])


@pytest.fixture
def ended_nfp_germany(db):
    return _user(EXTRA_PERSONAS["ended_nfp_germany"])


@pytest.fixture
def contributor_kenya(db):
    return _user(EXTRA_PERSONAS["contributor_kenya"])


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def persona(request, db):
    """Parametrise a test with persona names: @pytest.mark.parametrize("persona", [...], indirect=True)."""
    if request.param == "anonymous":
        return AnonymousUser()
    if request.param in EXTRA_PERSONAS:
        return _user(EXTRA_PERSONAS[request.param])
    return _user(PERSONAS[request.param][0])


@pytest.fixture
def client_as(client):
    """client_as(user) -> a test client signed in as that user (anonymous stays signed out)."""

    def sign_in(user):
        if user.is_authenticated:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def kenya(db):
    return Party.objects.get(code="KE")


@pytest.fixture
def germany(db):
    return Party.objects.get(code="DE")


@pytest.fixture(autouse=True)
def _english_by_default():
    """A French request leaves French active in the thread; each test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _background_jobs_run_at_once(settings, tmp_path_factory):
    """A job runs inside the request that starts it (django-tasks' immediate backend), and its
    file goes to a temporary media folder; `core/jobs/tests` runs the real worker too."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
