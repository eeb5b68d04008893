import django_tables2 as tables
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.tables import IsoDateColumn
from cmsfamily.directory.models import (
    Appointment,
    Expertise,
    Instrument,
    Organisation,
    Party,
    Person,
)


class PartyTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Party"))
    code = tables.Column(verbose_name=_("ISO code"))
    iso3 = tables.Column(verbose_name=_("ISO alpha-3"), default="—")
    region = tables.Column(verbose_name=_("CMS region"), order_by=("region__order",))
    entry_into_force = IsoDateColumn(verbose_name=_("Entry into force"), default=_("not known"))
    party_number = tables.Column(verbose_name=_("Party No."), default="—")

    class Meta:
        model = Party
        fields = ("name", "code", "iso3", "region", "entry_into_force", "party_number")
        attrs = {"class": "data-table"}
        order_by = ("name",)

    # Unknown dates and numbers go last in both directions, on SQLite and PostgreSQL alike.
    def order_entry_into_force(self, queryset, is_descending):
        return _nulls_last(queryset, "entry_into_force", is_descending), True

    def order_party_number(self, queryset, is_descending):
        return _nulls_last(queryset, "party_number", is_descending), True


def _nulls_last(queryset, field, is_descending):
    expression = F(field).desc(nulls_last=True) if is_descending else F(field).asc(nulls_last=True)
    return queryset.order_by(expression, "code")


class InstrumentTable(tables.Table):
    # The acronym readers know an instrument by; the platform's slug is never shown as a name.
    code = tables.Column(linkify=True, verbose_name=_("Acronym"), accessor="code", default="—")
    name = tables.Column(linkify=True)
    kind = tables.Column()
    in_effect = IsoDateColumn(default=_("not known"))
    secretariat_name = tables.Column(verbose_name=_("Secretariat"))
    member_count = tables.Column(verbose_name=_("Members recorded"), orderable=True)

    def render_code(self, record):
        return record.acronym or "—"

    def value_code(self, record):
        return record.code

    class Meta:
        model = Instrument
        fields = ("code", "name", "kind", "in_effect", "secretariat_name", "member_count")
        attrs = {"class": "data-table"}


class OrganisationTable(tables.Table):
    short_name = tables.Column(linkify=True, verbose_name=_("Organisation"))
    name = tables.Column(verbose_name=_("Full name"))
    kind = tables.Column()

    class Meta:
        model = Organisation
        fields = ("short_name", "name", "kind")
        attrs = {"class": "data-table"}


class PersonTable(tables.Table):
    family_name = tables.Column(
        linkify=True, verbose_name=_("Name"), order_by=("family_name", "given_name")
    )
    position = tables.Column()
    organisation = tables.Column(order_by=("organisation__short_name",))

    class Meta:
        model = Person
        fields = ("family_name", "position", "organisation")
        attrs = {"class": "data-table"}

    def render_family_name(self, record):
        label = str(record)
        return f"{label} (demo)" if record.is_demo else label

    def value_family_name(self, record):
        return str(record)


class ExpertiseTable(tables.Table):
    organisation = tables.Column(
        linkify=True, verbose_name=_("Partner"), order_by=("organisation__short_name",)
    )
    topic = tables.Column()
    species_group = tables.Column()
    region = tables.Column(default=_("Global"), order_by=("region__order",))
    languages = tables.Column()
    availability = tables.Column()
    contact_name = tables.Column(verbose_name=_("Contact"))
    public_contact = tables.EmailColumn(verbose_name=_("Email"))

    class Meta:
        model = Expertise
        fields = (
            "organisation",
            "topic",
            "species_group",
            "region",
            "languages",
            "availability",
            "contact_name",
            "public_contact",
        )
        attrs = {"class": "data-table"}


class AppointmentTable(tables.Table):
    person = tables.Column(linkify=True, order_by=("person__family_name",))
    role = tables.Column()
    holder = tables.Column(verbose_name=_("For"), accessor="holder", orderable=False)
    start = IsoDateColumn()
    status = tables.Column()
    review = tables.LinkColumn(
        "directory:appointment-detail",
        args=[tables.A("pk")],
        text=_("Review"),
        orderable=False,
        verbose_name="",
    )

    class Meta:
        model = Appointment
        fields = ("person", "role", "holder", "start", "status", "review")
        attrs = {"class": "data-table"}
