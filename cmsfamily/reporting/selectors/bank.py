"""The question bank and the report templates as the builder's pages read them: the templates a
user sees, a version of one, the sections and questions the builder changes, and the instruments
a user may make templates for. Each returns None (or an empty queryset) where nothing matches;
the page says 404.
"""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cmsfamily.reporting import conditions
from cmsfamily.reporting.models import (
    Item,
    Question,
    Section,
    Template,
    TemplateVersion,
)
from cmsfamily.reporting.selectors.labels import condition_labels
from cmsfamily.reporting.selectors.tree import Structure


def templates(user):
    """The templates the user sees, with their instrument and versions, for the list."""
    return (
        Template.objects.visible_to(user).select_related("instrument").prefetch_related("versions")
    )


def template(user, slug: str) -> Template | None:
    """A template the user sees (frozen ones are public; drafts are their keepers')."""
    return Template.objects.visible_to(user).filter(slug=slug).first()


def template_version(template: Template, number) -> TemplateVersion | None:
    """A version of the template by number, with the template read along."""
    return template.versions.select_related("template").filter(number=number).first()


def latest_template_version(template: Template, user) -> TemplateVersion | None:
    """The version a template's address opens: its latest, or for who does not keep the
    template its latest frozen one."""
    versions = template.versions.all()
    if not user.has_perm("reporting.change_template", template):
        versions = versions.filter(status="frozen")
    return versions.first()


def template_section(version: TemplateVersion, section_id) -> Section | None:
    """A section of this template version."""
    return Section.objects.filter(pk=section_id, version=version).first()


def outline_entry(version: TemplateVersion, what: str, pk) -> Section | Item | None:
    """A section (``what`` "section") or question (``what`` "item") of this template version,
    as the builder's outline names them."""
    if what == "section":
        return Section.objects.filter(pk=pk, version=version).first()
    if what == "item":
        return Item.objects.filter(pk=pk, section__version=version).first()
    return None


def bank_question(code: str) -> Question | None:
    """A question of the shared bank by its code."""
    return Question.objects.filter(code=code).first()


def question_targets(question: Question) -> list:
    """The Strategic Plan targets a bank question is tagged with."""
    return list(question.targets.all())


def instrument_by_code(code):
    """The instrument a template file names (None for a code not in the registry)."""
    from cmsfamily.directory.models import Instrument

    if not isinstance(code, str):
        return None
    return Instrument.objects.filter(code=code).first()


def template_instruments(user):
    """The instruments the user may make a template for: every one for the CMS Secretariat, the
    instruments an Agreement's secretariat serves otherwise."""
    from cmsfamily.directory.models import Instrument
    from cmsfamily.directory.scope import scope_of

    scope = scope_of(user)
    instruments = Instrument.objects.order_by("name")
    if not scope.cms_secretariat:
        instruments = instruments.filter(pk__in=scope.secretariat_instruments)
    return instruments


def template_sections(version: TemplateVersion):
    """The sections of a template version (the choices of a form)."""
    return Section.objects.filter(version=version)


def template_version_cycles(version: TemplateVersion) -> list:
    """The reporting cycles run on a template version."""
    return list(version.cycles.all())


def version_conditions(structure: Structure) -> dict[str, list[str]]:
    """The conditions of a version's sections and questions in words, in the reader's language,
    as the version's page lists them: by ``"section-<pk>"`` and ``"item-<pk>"``, each as
    sentences ("Shown when 2.1 is Yes and 2.3 is not answered")."""
    language = get_language() or "en"
    labels: dict[str, conditions.Label] | None = None
    found: dict[str, list[str]] = {}

    def said(tree, phrase) -> str:
        nonlocal labels
        if labels is None:
            labels = condition_labels(structure)
        return phrase % {"condition": conditions.words(tree, labels, language)}

    for node in structure.nodes:
        section = node.section
        if section.shown_when_tree:
            found[f"section-{section.pk}"] = [
                said(section.shown_when_tree, _("Shown when %(condition)s."))
            ]
        for item in node.items:
            sentences = []
            if item.shown_when_tree:
                sentences.append(said(item.shown_when_tree, _("Shown when %(condition)s.")))
            if item.required_when_tree:
                sentences.append(said(item.required_when_tree, _("Required when %(condition)s.")))
            if item.valid_when_tree:
                sentences.append(said(item.valid_when_tree, _("Valid when %(condition)s.")))
                message = item.valid_message.get(language) or item.valid_message.get("en")
                if message:
                    sentences.append(_("Otherwise: “%(message)s”") % {"message": message})
            if sentences:
                found[f"item-{item.pk}"] = sentences
    return found
