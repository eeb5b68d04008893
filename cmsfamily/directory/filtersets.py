import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.filtersets import PageFilterSet, SearchFilter
from cmsfamily.directory import choices
from cmsfamily.directory.models import (
    Appointment,
    Expertise,
    Instrument,
    Organisation,
    Party,
    Person,
    Region,
)


class PartyFilter(PageFilterSet):
    q = SearchFilter(fields=["name_en", "name_fr", "name_es", "code", "iso3"])
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="code",
        label=_("CMS region"),
        empty_label=_("All regions"),
    )
    instrument = django_filters.ModelChoiceFilter(
        queryset=Instrument.objects.all(),
        to_field_name="code",
        label=_("Member of"),
        empty_label=_("Any instrument"),
        method="member_of",
    )

    class Meta:
        model = Party
        fields = ["q", "region", "instrument"]

    def member_of(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            memberships__instrument=value, memberships__end__isnull=True
        ).distinct()


class InstrumentFilter(PageFilterSet):
    q = SearchFilter(fields=["name_en", "name_fr", "name_es", "code", "taxa"])
    kind = django_filters.ChoiceFilter(
        choices=choices.InstrumentKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )

    class Meta:
        model = Instrument
        fields = ["q", "kind"]


class OrganisationFilter(PageFilterSet):
    q = SearchFilter(fields=["name_en", "name_fr", "name_es", "short_name"])
    kind = django_filters.ChoiceFilter(
        choices=choices.OrganisationKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind"]


class PersonFilter(PageFilterSet):
    q = SearchFilter(fields=["given_name", "family_name", "position", "organisation__short_name"])
    role = django_filters.ChoiceFilter(
        choices=choices.Role.choices,
        label=_("Current role"),
        empty_label=_("Any role"),
        method="current_role",
    )
    party = django_filters.ModelChoiceFilter(
        queryset=Party.objects.all(),
        to_field_name="code",
        label=_("Party"),
        empty_label=_("All Parties"),
        method="for_party",
    )

    class Meta:
        model = Person
        fields = ["q", "role", "party"]

    def current_role(self, queryset, name, value):
        from cmsfamily.directory.models import Appointment

        if not value:
            return queryset
        holders = Appointment.objects.current().filter(role=value).values("person_id")
        return queryset.filter(pk__in=holders)

    def for_party(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(appointments__party=value).distinct()


class ExpertiseFilter(PageFilterSet):
    q = SearchFilter(fields=["topic", "species_group", "notes", "organisation__short_name"])
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=choices.OrganisationKind.PARTNER_NGO),
        to_field_name="slug",
        label=_("Partner"),
        empty_label=_("All Partners"),
    )
    species_group = django_filters.CharFilter(lookup_expr="icontains", label=_("Species group"))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="code",
        label=_("Region"),
        empty_label=_("All regions"),
        method="in_region",
    )
    language = django_filters.CharFilter(
        field_name="languages", lookup_expr="icontains", label=_("Language")
    )
    availability = django_filters.ChoiceFilter(
        choices=choices.Availability.choices,
        label=_("Availability"),
        empty_label=_("Any availability"),
    )

    class Meta:
        model = Expertise
        fields = ["q", "organisation", "species_group", "region", "language", "availability"]

    def in_region(self, queryset, name, value):
        if not value:
            return queryset
        # Global expertise (no region) serves every region.
        return queryset.filter(Q(region=value) | Q(region__isnull=True))


class NominationFilter(PageFilterSet):
    role = django_filters.ChoiceFilter(
        choices=choices.Role.choices, label=_("Role"), empty_label=_("Any role")
    )
    party = django_filters.ModelChoiceFilter(
        queryset=Party.objects.all(),
        to_field_name="code",
        label=_("Party"),
        empty_label=_("All Parties"),
    )

    class Meta:
        model = Appointment
        fields = ["role", "party"]
