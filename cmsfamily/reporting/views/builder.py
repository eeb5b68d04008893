"""Report templates and their versions: the list, a version's page, JSON export and import, and
the builder the Secretariat uses on a draft version (sections, questions, order, new versions)
and on the question bank."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cmsfamily.core.languages import LANGUAGES
from cmsfamily.core.views import (
    error_page,
    form_page,
    next_url,
    require_perm,
    run_service,
    show_errors_on_form,
)
from cmsfamily.reporting import exchange, selectors, services
from cmsfamily.reporting.forms import (
    ItemAddForm,
    ItemConditionsForm,
    QuestionEditForm,
    SectionAddForm,
    SectionConditionForm,
    SectionEditForm,
    TemplateCreateForm,
    TemplateImportForm,
)
from cmsfamily.reporting.models import Item, Section, Template
from cmsfamily.reporting.views.common import (
    template_for,
    template_version_for,
    template_version_to_change,
)


def template_list(request):
    templates = selectors.templates(request.user)
    return render(request, "reporting/template_list.html", {"templates": templates})


def template_version(request, slug, number):
    template = template_for(request, slug)
    version = template_version_for(template, number)
    if not version.is_frozen and not request.user.has_perm("reporting.change_template", template):
        raise Http404
    structure = selectors.structure(version)
    keeps = request.user.has_perm("reporting.change_template", template)
    return render(
        request,
        "reporting/template_version.html",
        {
            "template": template,
            "version": version,
            "structure": structure,
            "keeps": keeps,
            "editable": keeps and not version.is_frozen,
            "cycles": selectors.template_version_cycles(version),
            "conditions": selectors.version_conditions(structure),
        },
    )


def template_detail(request, slug):
    template = template_for(request, slug)
    latest = selectors.latest_template_version(template, request.user)
    if latest is None:
        raise Http404
    return redirect("reporting:version", slug=slug, number=latest.number)


def template_export(request, slug, number):
    """The version as a JSON file, to review, keep under version control or import elsewhere."""
    template = template_for(request, slug)
    version = template_version_for(template, number)
    if not version.is_frozen and not request.user.has_perm("reporting.change_template", template):
        raise Http404
    response = JsonResponse(
        exchange.export_version(version), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-v{number}.json"'
    return response


def _may_import(user, data) -> None:
    """An Agreement's secretariat imports templates of its own instrument only."""
    code = (data.get("template") or {}).get("instrument") if isinstance(data, dict) else None
    instrument = selectors.instrument_by_code(code)
    if instrument is not None:
        require_perm(user, "reporting.change_template", Template(instrument=instrument))


@login_required
def template_import(request):
    require_perm(request.user, "reporting.add_template")
    form = TemplateImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        _may_import(request.user, form.cleaned_data["file"])
        try:
            version = exchange.import_template(form.cleaned_data["file"], by=request.user)
        except exchange.ImportErrors as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _("The template was imported as version %(number)s (a draft).")
                % {"number": version.number},
            )
            return redirect(version.get_absolute_url())
    return render(
        request,
        "reporting/template_import.html",
        {"form": form, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def template_create(request):
    require_perm(request.user, "reporting.add_template")
    instruments = selectors.template_instruments(request.user)
    form = TemplateCreateForm(request.POST or None, instruments=instruments)
    if done := run_service(
        request,
        form,
        lambda: services.create_template(
            slug=form.cleaned_data["slug"],
            instrument=form.cleaned_data["instrument"],
            reporter_kind=form.cleaned_data["reporter_kind"],
            by=request.user,
            **{f"title_{lang}": form.cleaned_data[f"title_{lang}"] for lang in LANGUAGES},
        ),
        success=None,
        then=lambda template: reverse(
            "reporting:version", kwargs={"slug": template.slug, "number": 1}
        ),
    ):
        return done
    return form_page(
        request, form, title=_("New report template"), back=reverse("reporting:template-list")
    )


@login_required
def section_add(request, slug, number):
    version = template_version_to_change(request, slug, number)
    form = SectionAddForm(request.POST or None, sections=selectors.template_sections(version))

    def add():
        data = form.cleaned_data
        return services.add_section(
            version=version,
            number=data["number"],
            parent=data["parent"],
            loop=data["loop"] or "",
            loop_items=data["loop_items"],
            by=request.user,
            **{f"title_{lang}": data[f"title_{lang}"] for lang in LANGUAGES},
        )

    if done := run_service(
        request, form, add, success=_("The section was added."), then=version.get_absolute_url()
    ):
        return done
    return form_page(request, form, title=_("Add a section"), back=version.get_absolute_url())


def _section(version, section_id) -> Section:
    section = selectors.template_section(version, section_id)
    if section is None:
        raise Http404
    return section


@login_required
def item_add(request, slug, number, section_id):
    version = template_version_to_change(request, slug, number)
    section = _section(version, section_id)
    form = ItemAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if data["existing"]:
                    question = selectors.bank_question(data["existing"])
                    if question is None:
                        raise ValidationError(
                            {"existing": [_("The bank has no question with this code.")]}
                        )
                else:
                    question = services.create_question(
                        code=data["code"],
                        kind=data["kind"],
                        by=request.user,
                        options=data["options"] or None,
                        min_value=data["min_value"],
                        max_value=data["max_value"],
                        **{
                            f"{name}_{lang}": data[f"{name}_{lang}"]
                            for name in ("text", "unit")
                            for lang in LANGUAGES
                        },
                    )
                services.add_item(
                    section=section,
                    question=question,
                    number=data["number"],
                    required=data["required"],
                    by=request.user,
                )
        except ValidationError as error:
            show_errors_on_form(form, error)
        else:
            messages.success(
                request,
                _("The question was added to section %(number)s.") % {"number": section.number},
            )
            return redirect(version.get_absolute_url())
    return form_page(
        request,
        form,
        title=_("Add a question to section %(number)s") % {"number": section.number},
        back=version.get_absolute_url(),
    )


@require_POST
@login_required
def structure_change(request, slug, number):
    """Move a section or question up or down, or remove a question (htmx: the outline again)."""
    version = template_version_to_change(request, slug, number)
    what, action = request.POST.get("what"), request.POST.get("action")
    model = {"section": Section, "item": Item}.get(what or "")
    if model is None or action not in ("up", "down", "remove"):
        return error_page(
            request,
            title=_("Not changed"),
            message=_("Unknown change."),
            status=400,
            back=version.get_absolute_url(),
        )
    obj = selectors.outline_entry(version, what or "", request.POST.get("id") or 0)
    if obj is None:
        raise Http404
    try:
        if action == "remove":
            if model is not Item:
                raise ValidationError(_("Sections are removed in a new version only."))
            services.remove_item(item=obj, by=request.user)
        else:
            services.move(obj=obj, direction=-1 if action == "up" else 1, by=request.user)
    except ValidationError as error:
        return error_page(
            request,
            title=_("Not changed"),
            message=" ".join(error.messages),
            status=409,
            back=version.get_absolute_url(),
        )
    return redirect(version.get_absolute_url())


@require_POST
@login_required
def version_new(request, slug):
    template = template_for(request, slug)
    require_perm(request.user, "reporting.change_template", template)
    try:
        version = services.new_version(template=template, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(template.get_absolute_url())
    messages.success(
        request, _("Version %(number)s was made: a draft to edit.") % {"number": version.number}
    )
    return redirect(version.get_absolute_url())


@login_required
def section_edit_texts(request, slug, number, section_id):
    version = template_version_to_change(request, slug, number)
    section = _section(version, section_id)
    names = [f"{name}_{lang}" for name in ("title", "intro") for lang in LANGUAGES]
    form = SectionEditForm(request.POST or None, initial={n: getattr(section, n) for n in names})
    if done := run_service(
        request,
        form,
        lambda: services.update_section(
            section=section, by=request.user, **{n: form.cleaned_data[n] for n in names}
        ),
        success=lambda _saved: _("Section %(number)s was saved.") % {"number": section.number},
        then=version.get_absolute_url(),
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Edit section %(number)s") % {"number": section.number},
        back=version.get_absolute_url(),
    )


EXPRESSIONS = gettext_lazy(
    "Write each condition as an XLSForm expression: ${code} names a question by its code; "
    "= != < <= > >=, and, or, not(...), selected(${code}, 'option'), count-selected(${code}); "
    "${code} = '' is “not answered”. A condition may only read questions asked before it."
)


@login_required
def item_conditions(request, slug, number, item_id):
    """A question's "shown when", "required when" and "valid when" in a draft version."""
    version = template_version_to_change(request, slug, number)
    item = selectors.outline_entry(version, "item", item_id)
    if item is None:
        raise Http404
    initial = {name: getattr(item, name) for name in services.ITEM_CONDITIONS}
    initial.update(
        {f"valid_message_{lang}": item.valid_message.get(lang, "") for lang in LANGUAGES}
    )
    form = ItemConditionsForm(request.POST or None, initial=initial)
    name = selectors.item_name(selectors.structure(version), item)

    def save():
        data = form.cleaned_data
        return services.set_item_conditions(
            item=item,
            by=request.user,
            **{name: data[name] for name in services.ITEM_CONDITIONS},
            valid_message={lang: data[f"valid_message_{lang}"] for lang in LANGUAGES},
        )

    if done := run_service(
        request,
        form,
        save,
        success=_("The conditions of question %(number)s were saved.") % {"number": name},
        then=version.get_absolute_url(),
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Conditions of question %(number)s") % {"number": name},
        back=version.get_absolute_url(),
        intro=EXPRESSIONS,
    )


@login_required
def section_condition(request, slug, number, section_id):
    """A section's "shown when" in a draft version."""
    version = template_version_to_change(request, slug, number)
    section = _section(version, section_id)
    form = SectionConditionForm(request.POST or None, initial={"shown_when": section.shown_when})
    if done := run_service(
        request,
        form,
        lambda: services.set_section_condition(
            section=section, by=request.user, shown_when=form.cleaned_data["shown_when"]
        ),
        success=_("The condition of section %(number)s was saved.") % {"number": section.number},
        then=version.get_absolute_url(),
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Condition of section %(number)s") % {"number": section.number},
        back=version.get_absolute_url(),
        intro=EXPRESSIONS,
    )


@login_required
def question_edit(request, code):
    """A question of the bank: all of it while no cycle uses it, then its French and Spanish only."""
    question = selectors.bank_question(code)
    if question is None:
        raise Http404
    require_perm(request.user, "reporting.change_question")
    frozen = services.is_frozen_question(question)
    texts = [f"{name}_{lang}" for name in ("text", "help_text") for lang in LANGUAGES]
    initial = {n: getattr(question, n) for n in texts}
    initial.update(
        min_value=question.min_value,
        max_value=question.max_value,
        targets=selectors.question_targets(question),
        **{f"meaning_{value}": meaning for value, meaning in question.meanings.items()},
    )
    form = QuestionEditForm(
        request.POST or None,
        initial=initial,
        frozen=frozen,
        options=selectors.option_values(question),
    )
    back = next_url(request, reverse("reporting:template-list"))

    @transaction.atomic
    def save():
        data = form.cleaned_data
        values = {n: data[n] for n in texts if not form.fields[n].disabled}
        extra = {}
        if not frozen:
            values.update(min_value=data["min_value"], max_value=data["max_value"])
            extra["targets"] = list(data["targets"])
        saved = services.update_question(question=question, by=request.user, **values, **extra)
        return services.set_meanings(question=saved, meanings=form.meanings(), by=request.user)

    if done := run_service(
        request,
        form,
        save,
        success=lambda _saved: _("Question %(code)s was saved.") % {"code": question.code},
        then=back,
    ):
        return done
    intro = (
        _(
            "A reporting cycle uses this question: only its French and Spanish texts, and what its "
            "options mean for its targets (how answers are read, not what is asked), may still change."
        )
        if frozen
        else _(
            "This question is in the shared bank: the change applies to every template that asks it."
        )
    )
    return form_page(
        request,
        form,
        title=_("Edit question %(code)s") % {"code": question.code},
        back=back,
        intro=intro,
    )
