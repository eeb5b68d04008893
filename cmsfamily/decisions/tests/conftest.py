import pytest

from cmsfamily.decisions import services
from cmsfamily.decisions.choices import Body, DecisionKind
from cmsfamily.decisions.reference import load_decisions_data


@pytest.fixture
def register(db):
    load_decisions_data()


@pytest.fixture
def resolution(db):
    """A small Resolution with one paragraph for the Parties, one for the Secretariat, one for
    the Partners."""
    return services.record_decision(
        by=None,
        slug="cms-res-test-1",
        kind=DecisionKind.RESOLUTION,
        number="14.99",
        title="Test resolution",
        body=Body.COP,
        meeting="COP14",
        paragraphs=[
            {"number": "1", "text": "Urges Parties to act.", "addressees": ["parties"]},
            {"number": "2", "text": "Requests the Secretariat.", "addressees": ["secretariat"]},
            {"number": "3", "text": "Invites Partners.", "addressees": ["partners"]},
        ],
    )


def addressee_of(decision, number):
    return decision.paragraphs.get(number=number).addressees.get()
