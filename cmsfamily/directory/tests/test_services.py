import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import override_settings

from cmsfamily.core import hostile
from cmsfamily.core.models import Event
from cmsfamily.directory import services
from cmsfamily.directory.choices import AppointmentStatus, Role
from cmsfamily.directory.models import Appointment, Person

pytestmark = pytest.mark.django_db

PDF = hostile.pdf()


def new_person(name="Wanjiru"):
    return Person.objects.create(
        given_name=name, family_name="Test", email=f"{name.lower()}@example.org"
    )


def current_nfps(party):
    return Appointment.objects.current().filter(party=party, role=Role.NFP)


def test_confirming_a_new_nfp_ends_the_previous_one_and_keeps_history(
    kenya, nfp_kenya, secretariat
):
    previous = current_nfps(kenya).get()
    nomination = services.nominate(person=new_person(), role=Role.NFP, by=nfp_kenya, party=kenya)
    assert nomination.status == AppointmentStatus.NOMINATED
    assert current_nfps(kenya).get() == previous  # nothing changes before confirmation

    services.confirm(appointment=nomination, by=secretariat)

    assert current_nfps(kenya).get().pk == nomination.pk
    previous.refresh_from_db()
    assert previous.status == AppointmentStatus.ENDED
    assert previous.end is not None and previous.end >= previous.start
    assert previous.history.first().history_change_reason == "replaced"
    kinds = set(
        Event.objects.filter(target_type="directory.appointment").values_list("kind", flat=True)
    )
    assert {"appointment.nominated", "appointment.confirmed", "appointment.ended"} <= kinds


def test_the_event_is_written_in_the_transaction_of_the_change(kenya, nfp_kenya):
    events_before = Event.objects.count()
    with pytest.raises(ValidationError):
        services.nominate(
            person=new_person(),
            role=Role.NFP,
            by=nfp_kenya,
            party=kenya,
            start=None,
            end=kenya.entry_into_force,
        )  # ends before today's start
    assert Event.objects.count() == events_before


def test_an_appointment_cannot_end_before_it_starts(kenya, nfp_kenya):
    from datetime import date

    with pytest.raises(ValidationError) as error:
        services.nominate(
            person=new_person(),
            role=Role.SCIENTIFIC_COUNCILLOR,
            by=nfp_kenya,
            party=kenya,
            start=date(2024, 5, 1),
            end=date(2024, 4, 30),
        )
    assert "end" in error.value.message_dict
    assert not Appointment.objects.filter(role=Role.SCIENTIFIC_COUNCILLOR, party=kenya).exists()


def test_a_second_confirmed_nfp_is_refused_by_the_database(kenya):
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            person=new_person(), role=Role.NFP, party=kenya, status=AppointmentStatus.CONFIRMED
        )


def test_only_a_nomination_can_be_confirmed(kenya, secretariat):
    current = current_nfps(kenya).get()
    with pytest.raises(ValidationError):
        services.confirm(appointment=current, by=secretariat)


def test_roles_need_the_right_holder(kenya, nfp_kenya):
    with pytest.raises(ValidationError) as error:
        services.nominate(person=new_person(), role=Role.MOU_FOCAL_POINT, by=nfp_kenya, party=kenya)
    assert "instrument" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.nominate(
            person=new_person(), role=Role.PARTNER_FOCAL_POINT, by=nfp_kenya, party=kenya
        )
    assert "organisation" in error.value.message_dict


def test_a_confirming_letter_must_be_a_pdf(kenya, nfp_kenya):
    fake = SimpleUploadedFile("letter.pdf", b"this is not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.nominate(
            person=new_person(), role=Role.ALTERNATE_NFP, by=nfp_kenya, party=kenya, document=fake
        )
    assert "document" in error.value.message_dict


@override_settings(APPOINTMENT_DOCUMENT_MAX_BYTES=100)
def test_a_confirming_letter_has_a_size_limit(kenya, nfp_kenya):
    big = SimpleUploadedFile("letter.pdf", PDF + b"0" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.nominate(
            person=new_person(), role=Role.ALTERNATE_NFP, by=nfp_kenya, party=kenya, document=big
        )
    assert "limit" in str(error.value)


def test_a_pdf_letter_is_stored(kenya, nfp_kenya, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    letter = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    appointment = services.nominate(
        person=new_person(), role=Role.ALTERNATE_NFP, by=nfp_kenya, party=kenya, document=letter
    )
    assert appointment.document.name.endswith(".pdf")


def test_ending_an_appointment(kenya, secretariat):
    current = current_nfps(kenya).get()
    with pytest.raises(ValidationError):
        services.end(
            appointment=current,
            by=secretariat,
            on=current.start.replace(year=current.start.year - 1),
        )
    services.end(appointment=current, by=secretariat)
    assert not current_nfps(kenya).exists()
    with pytest.raises(ValidationError):
        services.end(appointment=current, by=secretariat)


def test_a_party_joins_an_instrument_once(kenya, secretariat):
    from cmsfamily.directory.models import Instrument

    aewa = Instrument.objects.get(code="aewa")
    services.add_membership(party=kenya, instrument=aewa, by=secretariat)
    with pytest.raises(ValidationError):
        services.add_membership(party=kenya, instrument=aewa, by=secretariat)
