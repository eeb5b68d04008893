"""A section of a report: drafting it (saved by the button or the autosave), reading it once the
report is sent, the items of its loop (species, sites...), and confirming the answers carried
forward from the previous report."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cmsfamily.core.numbers import reading_note
from cmsfamily.core.views import error_page, require_perm
from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.answers import Pickers
from cmsfamily.reporting.choices import (
    NUMBER_KINDS,
    PICKER_KINDS,
    SENT_STATUSES,
    YesNo,
)
from cmsfamily.reporting.forms import Field, LoopEntryForm, field_name, read_edits
from cmsfamily.reporting.views.common import (
    confirm_removal,
    refuse_if_closed,
    submission_for,
    version_sections,
)


def _fields(state: selectors.SectionState, *, errors=None, conflicts=None, posted=None):
    """The fields of one section: each item for each loop item, with value, revision and state.
    The state's ``answers`` are the section's (with revisions), its ``values`` all of the
    report's, for the conditions that look at other sections; ``posted`` are the values sent."""
    node, answers, loops, editable = state.node, state.answers, state.loops, state.editable
    values = {**state.values, **posted} if posted else state.values
    errors = errors or {}
    conflicts = {(c.code, c.key): c for c in conflicts or []}
    relevant = selectors.relevance(state.structure, values, loops)
    groups = []
    for loop in selectors.ordered_loop_items(node, loops):
        fields = []
        for item in node.items:
            spot = (item.question.code, loop.key)
            answer = answers.get(spot)
            conflict = conflicts.get(spot)
            fields.append(
                Field(
                    item=item,
                    loop=loop,
                    value=values.get(spot),
                    revision=conflict.their_revision
                    if conflict
                    else (answer.revision if answer else 0),
                    shown=relevant.shown(item, loop.key),
                    required=relevant.required(item, loop.key),
                    editable=node.section.pk in editable,
                    errors=errors.get(spot, []),
                    conflict=conflict,
                    stored=answer.value if answer else None,
                    carried_from=answer.carried_from if answer else None,
                    typed=bool(posted) and spot in posted,
                    label=selectors.item_name(state.structure, item),
                )
            )
        groups.append((loop, fields))
    return groups


def _pickers(node) -> dict[str, list]:
    """The choices of the Party, species, target and activity pickers of a section (one query
    per kind present)."""
    kinds = {item.question.kind for item in node.items} & PICKER_KINDS
    names = Pickers()
    result = {}
    for kind in kinds:
        result[kind] = sorted(names.names(kind).items(), key=lambda pair: str(pair[1]))
    return result


def _reading_notes(edits, result, fields) -> list[str]:
    """How each saved number that means different things in different languages was read
    ("1,234" is 1234 on an English page, 1.234 on a French one), question by question."""
    language = get_language() or "en"
    numbers = {(f.item.question.code, f.loop.key): f for f in fields if f.kind in NUMBER_KINDS}
    notes = []
    for edit in edits:
        spot = (edit.code, edit.key)
        field = numbers.get(spot)
        if field is None or spot not in result.values or not isinstance(edit.value, str):
            continue
        note = reading_note(edit.value.strip().removesuffix("%"), result.values[spot], language)
        if note:
            number = field.label + (f" ({field.loop.label})" if field.loop.label else "")
            notes.append(_("Question %(number)s: %(note)s") % {"number": number, "note": note})
    return notes


def section_edit(request, pk, section_id):
    submission = submission_for(request, pk)
    user = request.user
    state = selectors.report_state(submission, user).section(int(section_id))
    if state is None:
        raise Http404
    structure, node, closed = state.structure, state.node, state.closed
    if submission.status in SENT_STATUSES:
        # Sent: nothing changes; whoever reads its versions reads the section, without inputs.
        return section_read(request, submission, structure, node)
    if not user.has_perm("reporting.edit_submission", submission) and not closed:
        raise PermissionDenied
    if request.method == "POST" and closed:
        return refuse_if_closed(request, submission)
    if request.method == "POST" and not state.may_edit:
        raise PermissionDenied
    if not state.may_read:
        raise PermissionDenied  # a contributor sees the sections assigned to them only
    groups = _fields(state)
    readable = (
        None
        if state.report.readable >= {n.section.pk for n in structure.nodes}
        else state.report.readable_codes
    )
    context = {
        "species_to_add": selectors.species_to_add(node, state.loops) if state.may_edit else [],
        "closed": closed,
        "may_edit": state.may_edit,
        "may_remove": state.may_remove,
        "submission": submission,
        "node": node,
        "structure": structure,
        "names": Pickers(),
        "yes_no": YesNo.choices,
        "pickers": _pickers(node),
        "carried": sum(
            1
            for _loop, fields in groups
            for field in fields
            if field.carried_from and field.editable
        ),
        # Sent with each save until one is acknowledged: a save sent again after its answer was
        # lost (the page still showing the revision before it) is then not a conflict.
        "write_key": uuid.uuid4().hex,
    }
    if request.method == "POST":
        all_fields = [field for _loop, fields in groups for field in fields]
        edits, early = read_edits(request, all_fields, submission)
        try:
            result = services.save_answers(
                submission=submission,
                edits=edits,
                by=user,
                state=state,
                language=get_language() or "en",
                numbers=get_language() or "en",
                write_key=request.POST.get("write_key", ""),
            )
        except ValidationError as error:
            return error_page(
                request,
                title=_("Not saved"),
                message=" ".join(error.messages),
                status=409,
                back=submission.get_absolute_url(),
            )
        result.errors.update(early)
        if result.ok:
            notes = _reading_notes(edits, result, all_fields)
            if request.headers.get("HX-Request"):
                return render(
                    request,
                    "reporting/_saved.html",
                    {
                        "saved": [
                            (
                                selectors.answer_anchor(code, key),
                                field_name(code, key),
                                rev,
                                selectors.value_hash(result.values.get((code, key))),
                            )
                            for (code, key), rev in result.saved.items()
                        ],
                        "at": timezone.localtime(),
                        "notes": notes,
                        "write_key": context["write_key"],
                    },
                )
            messages.success(
                request, _("Section %(number)s saved.") % {"number": node.section.number}
            )
            for note in notes:
                messages.info(request, note)
            return redirect(request.path)
        posted = {(e.code, e.key): e.value for e in edits}
        groups = _fields(state, errors=result.errors, conflicts=result.conflicts, posted=posted)
        response = render(
            request,
            "reporting/section_edit.html",
            {**context, **_live(state, readable), "groups": groups, "result": result},
            status=409 if result.conflicts else 400,
        )
        if request.headers.get("HX-Request"):
            response.status_code = 200  # htmx swaps only 2xx answers: the form with its messages
            response["HX-Retarget"] = "#section-form"
            response["HX-Reswap"] = "outerHTML"
            response["HX-Reselect"] = "#section-form"
        return response
    return render(
        request,
        "reporting/section_edit.html",
        {**context, **_live(state, readable), "groups": groups},
    )


def _live(state: selectors.SectionState, readable) -> dict:
    """What only a drawn page needs (a save answered to htmx does not): what its script
    recomputes relevance from as answers change (conditions.js), with its "valid when", and the
    answers that will not be included. A contributor's page holds no answer of a section they
    may not read. Relevance put into words cost a save about 60 ms on the benchmark's form."""
    structure, node = state.structure, state.node
    return {
        "conditions": {
            **selectors.page_conditions(structure, node, state.values, state.loops, readable),
            **selectors.live_checks(structure, node, state.values, state.loops, readable),
        },
        "left_out": selectors.left_out(structure, node, state.values, state.loops),
    }


def section_read(request, submission, structure, node):
    """A section of a submitted, accepted or published report: the answers of its last submitted
    version (what the report holds while it cannot change), for who may read its versions. A
    save sent from a page opened before the report was submitted is refused with the reason."""
    if request.method == "POST":
        if not request.user.has_perm("reporting.view_draft_sections", submission):
            raise PermissionDenied
        reason = _("This report is %(status)s: it can no longer be changed.") % {
            "status": submission.get_status_display().lower()
        }
        if request.headers.get("HX-Request"):
            return HttpResponse(format_html('<strong class="error-text">{}</strong>', reason))
        return error_page(
            request,
            title=_("Not saved"),
            message=reason,
            status=409,
            back=submission.get_absolute_url(),
        )
    if not request.user.has_perm("reporting.view_versions", submission):
        raise PermissionDenied
    latest = selectors.latest_version(submission)
    if latest is None:
        raise Http404
    return render(
        request,
        "reporting/section_read.html",
        {
            "submission": submission,
            "structure": structure,
            "node": node,
            "version": latest,
            "sections": version_sections(submission, latest, structure, nodes=[node]),
        },
    )


def _section_to_change(request, submission, section_id) -> selectors.SectionState:
    """The section of the report the user may change now (a contributor: those assigned to
    them), or 404 when the report's form has no such section, 403 when the user may not."""
    require_perm(request.user, "reporting.edit_submission", submission)
    state = selectors.report_state(submission, request.user).section(int(section_id))
    if state is None:
        raise Http404
    if not state.may_edit:
        raise PermissionDenied
    return state


@require_POST
@login_required
def loop_entry_add(request, pk, section_id):
    submission = submission_for(request, pk)
    if refused := refuse_if_closed(request, submission):
        return refused
    section = _section_to_change(request, submission, section_id).node.section
    form = LoopEntryForm(request.POST)
    if form.is_valid():
        try:
            services.add_loop_entry(
                submission=submission,
                section=section,
                label=form.cleaned_data["label"],
                key=form.cleaned_data["taxon"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Give the item a name."))
    return redirect("reporting:section", pk=submission.pk, section_id=section.pk)


@require_POST
@login_required
def loop_entry_remove(request, pk, section_id, key):
    submission = submission_for(request, pk)
    if refused := refuse_if_closed(request, submission):
        return refused
    section = _section_to_change(request, submission, section_id).node.section
    back = reverse("reporting:section", args=[submission.pk, section.pk])
    entry = selectors.loop_entry(submission, section, key)
    if entry is None:  # a second click, or another tab, got there first
        messages.info(request, _("This item was already removed."))
        return redirect(back)
    return confirm_removal(
        request,
        remove=lambda: services.remove_loop_entry(entry=entry, by=request.user),
        done=_("“%(label)s” was removed.") % {"label": entry.label},
        back=back,
        title=_("Remove an item"),
        message=_(
            "Remove “%(label)s” from section %(section)s? Its answers in this section are "
            "deleted with it."
        )
        % {"label": entry.label, "section": section.number},
        button=_("Remove the item and its answers"),
    )


@require_POST
@login_required
def confirm_carried(request, pk, section_id):
    submission = submission_for(request, pk)
    if refused := refuse_if_closed(request, submission):
        return refused
    section = _section_to_change(request, submission, section_id).node.section
    count = services.confirm_carried(submission=submission, section=section, by=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s carried-forward answer was confirmed.",
            "%(count)s carried-forward answers were confirmed.",
            count,
        )
        % {"count": count},
    )
    return redirect("reporting:section", pk=submission.pk, section_id=section.pk)
