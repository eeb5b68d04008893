"""The admin shows a frozen template version, its sections and items, and changes none of them:
the reports of its cycles and their submitted versions are answers to exactly that text."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cmsfamily.reporting.models import Item, Section, TemplateVersion
from cmsfamily.reporting.testing import build_template, open_cycle


@pytest.fixture
def admin_client_(client, db):
    user = get_user_model().objects.create_superuser(email="root@example.org", password="x")
    client.force_login(user)
    return client


@pytest.fixture
def frozen(db):
    _template, version = build_template()
    open_cycle(version)
    version.refresh_from_db()
    assert version.is_frozen
    return version


def _objects(version):
    section = version.sections.get(number="I")
    item = section.items.order_by("order").first()
    return [
        ("templateversion", version, {"template": version.template_id, "number": 7}),
        ("section", section, {"version": version.pk, "number": "IX", "title_en": "Changed"}),
        ("item", item, {"section": section.pk, "question": item.question_id, "number": "99"}),
    ]


def _snapshot(obj):
    return type(obj).objects.filter(pk=obj.pk).values().get()


def test_a_frozen_version_its_sections_and_items_are_read_only(admin_client_, frozen):
    for model, obj, data in _objects(frozen):
        before = _snapshot(obj)
        change = reverse(f"admin:reporting_{model}_change", args=[obj.pk])
        page = admin_client_.get(change)
        assert page.status_code == 200  # still shown
        assert 'name="_save"' not in page.content.decode()
        assert admin_client_.post(change, data).status_code == 403
        delete = reverse(f"admin:reporting_{model}_delete", args=[obj.pk])
        assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
        assert _snapshot(obj) == before


def test_a_bulk_delete_of_frozen_rows_is_refused(admin_client_, frozen):
    items = Item.objects.filter(section__version=frozen)
    count = items.count()
    response = admin_client_.post(
        reverse("admin:reporting_item_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [item.pk for item in items],
            "post": "yes",
        },
    )
    assert response.status_code == 403
    assert items.count() == count


def test_no_section_is_added_to_a_frozen_version(admin_client_, frozen):
    response = admin_client_.post(
        reverse("admin:reporting_section_add"),
        {"version": frozen.pk, "number": "IX", "title_en": "Added late", "order": 99},
    )
    assert response.status_code == 200  # the form again, with the error at the version
    assert "Select a valid choice" in response.content.decode()
    assert not Section.objects.filter(version=frozen, number="IX").exists()


def test_a_draft_version_still_changes_in_the_admin(admin_client_, frozen):
    draft = TemplateVersion.objects.create(template=frozen.template, number=2)
    section = Section.objects.create(version=draft, number="I", title_en="Draft", order=10)
    change = reverse("admin:reporting_section_change", args=[section.pk])
    assert 'name="_save"' in admin_client_.get(change).content.decode()
