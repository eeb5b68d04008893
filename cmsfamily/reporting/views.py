"""Pages of the reporting system: cycles, a report's overview, drafting a section (with autosave),
the workflow, submitted versions with their review comments, and the diff between versions."""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cmsfamily.core.numbers import reading_note
from cmsfamily.core.views import (
    bad_query_page,
    error_page,
    form_page,
    next_url,
    require_perm,
    show_errors_on_form,
)
from cmsfamily.reporting import display, exchange, exports, selectors, services
from cmsfamily.reporting import rules as who_rules
from cmsfamily.reporting.choices import (
    EDITABLE_STATUSES,
    NUMBER_KINDS,
    PICKER_KINDS,
    SENT_STATUSES,
    SPECIES_LOOPS,
    CycleStatus,
    SubmissionStatus,
    YesNo,
)
from cmsfamily.reporting.forms import (
    AnswerFileForm,
    AssignForm,
    CommentForm,
    CycleCreateForm,
    DiffForm,
    Field,
    ItemAddForm,
    LoopEntryForm,
    QuestionEditForm,
    ReturnForm,
    SectionAddForm,
    SectionEditForm,
    TemplateCreateForm,
    TemplateImportForm,
    field_name,
    read_edits,
)
from cmsfamily.reporting.models import (
    Cycle,
    Item,
    LoopEntry,
    Question,
    ReviewComment,
    Section,
    SectionAssignment,
    Submission,
    SubmissionVersion,
    Template,
    TemplateVersion,
)

LATEST_PUBLISHED = 10  # on the index; every published report is listed on its cycle's page
REPORTERS_PER_PAGE = 50


def index(request):
    """Reports the user drafts or contributes to, and the cycles they may see."""
    user = request.user
    own = []
    if user.is_authenticated:
        own = list(
            selectors.submissions(user).filter(
                Q(pk__in=Submission.objects.reported_by(user).values("pk"))
                | Q(pk__in=SectionAssignment.objects.filter(user=user).values("submission"))
            )
        )
    published = list(
        selectors.submissions(user)
        .filter(status=SubmissionStatus.PUBLISHED)
        .order_by("-published_at", "pk")[:LATEST_PUBLISHED]
    )
    return render(
        request,
        "reporting/index.html",
        {
            "own": own,
            "published": published,
            "published_cycles": list(selectors.published_cycles(user)),
            "cycles": list(selectors.cycles(user)),
        },
    )


def _cycle(request, slug) -> Cycle:
    return get_object_or_404(
        Cycle.objects.visible_to(request.user).select_related("version__template__instrument"),
        slug=slug,
    )


def cycle_detail(request, slug):
    """A cycle's page, public once the cycle opens: every expected reporter with the status of its
    report and, when published, the downloads of the published version; the Secretariat keeping
    the cycle also gets the timeliness table and the cycle-wide exports.

    What a reporter's row tells depends on who reads it. The status of a report that the reader
    may not see (a draft, a submitted or returned report, an accepted one awaiting publication)
    is part of the exchange between the reporter and the Secretariat: a return says the review
    found something to change. So such a row says "not published" only, without its dates; the
    public learns which reports are out, not how the others are doing. A reporter and the
    contributors assigned a section see their own report's real status; the Secretariat keeping
    the cycle sees every report's, as it chases the missing ones."""
    cycle = _cycle(request, slug)
    user = request.user
    keeps = user.has_perm("reporting.manage_cycle", cycle)
    descending = request.GET.get("order") == "desc"
    page = Paginator(
        selectors.cycle_reporters(cycle, descending=descending), REPORTERS_PER_PAGE
    ).get_page(request.GET.get("page"))
    rows = list(page)
    visible = set(
        Submission.objects.visible_to(user)
        .filter(pk__in=[row.pk for row in rows])
        .values_list("pk", flat=True)
    )
    # Who keeps the cycle follows every report's progress (`reporting.view_progress`, the same
    # rule as `manage_cycle` for a cycle's reports): a draft's row opens the page that says how far
    # it has got, without its answers.
    for row in rows:
        row.cycle = cycle  # read once, with its template's instrument
    follows = user.has_perm("reporting.view_progress", rows[0]) if keeps and rows else False
    for row in rows:
        row.visible = row.pk in visible
        row.disclosed = keeps or row.visible
        row.openable = row.visible or follows
        row.published = row.status == SubmissionStatus.PUBLISHED and row.latest_version is not None
    published_count = Submission.objects.filter(
        cycle=cycle, status=SubmissionStatus.PUBLISHED
    ).count()
    return render(
        request,
        "reporting/cycle_detail.html",
        {
            "cycle": cycle,
            "rows": rows,
            "page": page,
            "descending": descending,
            "published_count": published_count,
            "keeps": keeps,
            "export_formats": exports.FORMATS if keeps else (),
            "timeliness": selectors.timeliness(cycle) if keeps else None,
            "today": timezone.localdate(),
        },
    )


def _in_language(lines, language):
    """A streamed body is written after the view has returned: each chunk in the request's
    language, without leaving that language active between chunks."""
    iterator = iter(lines)
    while True:
        with translation.override(language):
            line = next(iterator, None)
        if line is None:
            return
        yield line


@login_required
def cycle_export(request, slug, fmt):
    """Every reporter's last submitted version of the cycle as rows, for the Secretariat keeping
    it; drafts are never exported."""
    if fmt not in exports.FORMATS:
        raise Http404
    cycle = _cycle(request, slug)
    require_perm(request.user, "reporting.manage_cycle", cycle)
    rows = exports.cycle_rows(cycle)
    filename = f"{cycle.slug}-reports.{fmt}"
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(
            _in_language(exports.csv_lines(rows), get_language()),
            content_type="text/csv; charset=utf-8",
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx(rows, title=cycle.slug),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = JsonResponse(
            exports.cycle_document(cycle, rows),
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _submission(request, pk) -> Submission:
    return get_object_or_404(
        Submission.objects.visible_to(request.user).select_related(
            "cycle__version__template__instrument", "party", "organisation"
        ),
        pk=pk,
    )


def _closed(submission) -> bool:
    return submission.cycle.status == CycleStatus.CLOSED


def refuse_if_closed(request, submission):
    """The page that says why nothing changes in a report of a closed cycle (or None when open)."""
    if not _closed(submission):
        return None
    if request.headers.get("HX-Request"):
        # The autosave of a page opened before the closing: say it beside the save button
        # (htmx swaps only 2xx answers).
        return HttpResponse(
            format_html('<strong class="error-text">{}</strong>', services.CYCLE_CLOSED)
        )
    return error_page(
        request,
        title=_("Not saved"),
        message=str(services.CYCLE_CLOSED),
        status=403,
        back=submission.get_absolute_url(),
    )


def reads_closed_draft(user, submission, structure) -> bool:
    """The reporter and the contributors of a report whose cycle closed before it was accepted
    still read what they drafted (the rule of the draft's readers), though they can no longer
    change it."""
    return (
        _closed(submission)
        and submission.status not in (SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED)
        and user.has_perm("reporting.view_draft_sections", submission)
    )


def _progress(structure, submission) -> tuple[int, int, list]:
    """How many questions of the draft are answered, in all and per section (counts only)."""
    loops = selectors.loop_items(structure, submission)
    done = selectors.completion(structure, selectors.answer_values(submission), loops)
    answered = sum(counts[0] for counts in done.values())
    expected = sum(counts[1] for counts in done.values())
    return answered, expected, [(node, done.get(node.section.pk)) for node in structure.nodes]


def submission_progress(request, pk):
    """A report the user may not read (a draft never submitted) whose progress they follow: the
    Secretariat keeping the cycle sees its status and how many questions are answered, never the
    answers, which become visible to it when the report is submitted."""
    submission = get_object_or_404(
        Submission.objects.select_related(
            "cycle__version__template__instrument", "party", "organisation"
        ),
        pk=pk,
    )
    if not request.user.has_perm("reporting.view_progress", submission):
        raise Http404
    structure = selectors.structure(submission.cycle.version)
    answered, expected, sections = _progress(structure, submission)
    return render(
        request,
        "reporting/submission_progress.html",
        {
            "submission": submission,
            "answered": answered,
            "expected": expected,
            "sections": sections,
        },
    )


def submission_detail(request, pk):
    if not Submission.objects.visible_to(request.user).filter(pk=pk).exists():
        return submission_progress(request, pk)
    submission = _submission(request, pk)
    user = request.user
    structure = selectors.structure(submission.cycle.version)
    reports = user.has_perm("reporting.submit_submission", submission) or user.has_perm(
        "reporting.recall_submission", submission
    )
    editable = selectors.editable_section_ids(submission, user, structure)
    closed = reads_closed_draft(user, submission, structure)
    drafter = bool(editable) or reports or closed
    shown_nodes = structure.nodes
    mine: set[int] = set()
    if not Submission.objects.reported_by(user).filter(pk=submission.pk).exists():
        mine = selectors.assigned_section_ids(submission, user, structure)
        if mine:
            shown_nodes = [node for node in structure.nodes if node.section.pk in mine]
    loops = selectors.loop_items(structure, submission)
    values = selectors.answer_values(submission) if drafter else {}
    versions = list(
        selectors.readable_versions(submission, user)
        .select_related("submitted_by")
        .order_by("-number")
    )
    # Publishing is the last step: the published version is the latest one.
    published = (
        versions[0] if versions and submission.status == SubmissionStatus.PUBLISHED else None
    )
    found = selectors.problems(structure, submission, values, loops) if drafter else []
    done = selectors.completion(structure, values, loops) if drafter else {}
    if mine:
        found = [problem for problem in found if problem.section and problem.section.pk in mine]
    assignments = list(
        SectionAssignment.objects.filter(submission=submission).select_related("section", "user")
    )
    # Who does not draft the report but may read all its versions (the reviewer, the reporter once
    # it is submitted) reads the answers of its last submitted version here, with the comments;
    # everyone else reads the published version only (`published`, below).
    latest = versions[0] if versions else None
    review = None
    can_comment = False
    if (
        not drafter
        and not mine
        and latest is not None
        and user.has_perm("reporting.view_all_versions", submission)
    ):
        can_comment = user.has_perm("reporting.comment_submission", submission)
        comments = _comments_by_answer(submission) if can_comment else {}
        review = version_sections(submission, latest, structure, comments=comments)
    # A returned report: its reporter is pointed to the Secretariat's comments beside the answers
    # (they are on the returned version's page, which the drafting page does not show).
    returned_comments = 0
    if drafter and submission.status == SubmissionStatus.RETURNED and latest is not None:
        returned_comments = ReviewComment.objects.filter(
            submission=submission, version=latest, parent=None
        ).count()
    # A report drafted again after a recall: the Secretariat sees how far, not the new answers.
    progress = None
    if (
        not drafter
        and submission.status in EDITABLE_STATUSES
        and not user.has_perm("reporting.view_draft", submission)
        and user.has_perm("reporting.view_progress", submission)
    ):
        progress = _progress(structure, submission)[:2]
    return render(
        request,
        "reporting/submission_detail.html",
        {
            "submission": submission,
            "structure": structure,
            "nodes": [
                (node, done.get(node.section.pk), node.section.pk in editable)
                for node in shown_nodes
            ],
            "drafter": drafter,
            "closed": closed,
            "problems": found,
            "versions": versions,
            "published": published,
            "published_sections": (
                version_sections(submission, published, structure) if published else []
            ),
            "latest": latest,
            "review": review,
            "progress": progress,
            "returned_comments": returned_comments,
            "can_comment": can_comment,
            "assignments": assignments,
            "can_edit": user.has_perm("reporting.edit_submission", submission),
            "can_submit": user.has_perm("reporting.submit_submission", submission),
            "can_recall": user.has_perm("reporting.recall_submission", submission),
            "can_review": user.has_perm("reporting.review_submission", submission),
            "can_publish": user.has_perm("reporting.publish_submission", submission),
            "can_assign": user.has_perm("reporting.assign_sections", submission),
        },
    )


def _fields(
    structure,
    node,
    submission,
    user,
    answers,
    loops,
    editable,
    *,
    values,
    errors=None,
    conflicts=None,
    posted=None,
):
    """The fields of one section: each item for each loop item, with value, revision and state.
    ``answers`` are the section's answers (with revisions); ``values`` all of the report's, for
    the conditions that look at other sections."""
    if posted:
        values = {**values, **posted}
    errors = errors or {}
    conflicts = {(c.code, c.key): c for c in conflicts or []}
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
                    shown=selectors.is_shown(item, values, loop.key),
                    required=selectors.is_required(item, values, loop.key),
                    editable=node.section.pk in editable,
                    errors=errors.get(spot, []),
                    conflict=conflict,
                    stored=answer.value if answer else None,
                    carried_from=answer.carried_from if answer else None,
                    typed=bool(posted) and spot in posted,
                )
            )
        groups.append((loop, fields))
    return groups


def _pickers(node) -> dict[str, list]:
    """The choices of the Party, species, target and activity pickers of a section (one query
    per kind present)."""
    kinds = {item.question.kind for item in node.items} & PICKER_KINDS
    names = display.Names()
    result = {}
    for kind in kinds:
        names.of(kind, None)
        result[kind] = sorted(names._names[kind].items(), key=lambda pair: str(pair[1]))
    return result


def _species_to_add(node, loops) -> list[tuple[int, str]]:
    """For a section repeated for the Party's species: the other species of the table, which the
    Party may add where the table lacks it as a range State (one query)."""
    if node.loop not in SPECIES_LOOPS or node.loop_section.pk != node.section.pk:
        return []
    from cmsfamily.species.models import Taxon

    listed = {item.key for item in loops.get(node.section.pk, [])}
    return [
        (pk, name)
        for pk, name in Taxon.objects.order_by("scientific_name").values_list(
            "pk", "scientific_name"
        )
        if f"taxon-{pk}" not in listed
    ]


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
            number = field.item.number + (f" ({field.loop.label})" if field.loop.label else "")
            notes.append(_("Question %(number)s: %(note)s") % {"number": number, "note": note})
    return notes


def section_edit(request, pk, section_id):
    submission = _submission(request, pk)
    user = request.user
    structure = selectors.structure(submission.cycle.version)
    node = structure.node(int(section_id))
    if node is None:
        raise Http404
    editable = selectors.editable_section_ids(submission, user, structure)
    closed = reads_closed_draft(user, submission, structure)
    if submission.status in SENT_STATUSES:
        # Sent: nothing changes; whoever reads its versions reads the section, without inputs.
        return section_read(request, submission, structure, node)
    if not user.has_perm("reporting.edit_submission", submission) and not closed:
        raise PermissionDenied
    if request.method == "POST" and closed:
        return refuse_if_closed(request, submission)
    if request.method == "POST" and node.section.pk not in editable:
        raise PermissionDenied
    if node.section.pk not in selectors.readable_section_ids(submission, user, structure):
        raise PermissionDenied  # a contributor sees the sections assigned to them only
    loops = selectors.loop_items(structure, submission)
    values = selectors.answer_values(submission)
    answers = selectors.answers_of(submission, codes=[item.question.code for item in node.items])
    groups = _fields(structure, node, submission, user, answers, loops, editable, values=values)
    context = {
        "species_to_add": _species_to_add(node, loops) if node.section.pk in editable else [],
        "closed": closed,
        "may_edit": node.section.pk in editable,
        # Items added by the reporter belong to the section that defines the loop.
        "may_remove": node.loop_section is not None and node.loop_section.pk in editable,
        "submission": submission,
        "node": node,
        "structure": structure,
        "names": display.Names(),
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
                structure=structure,
                loops=loops,
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
        groups = _fields(
            structure,
            node,
            submission,
            user,
            answers,
            loops,
            editable,
            errors=result.errors,
            conflicts=result.conflicts,
            values=values,
            posted=posted,
        )
        response = render(
            request,
            "reporting/section_edit.html",
            {**context, "groups": groups, "result": result},
            status=409 if result.conflicts else 400,
        )
        if request.headers.get("HX-Request"):
            response.status_code = 200  # htmx swaps only 2xx answers: the form with its messages
            response["HX-Retarget"] = "#section-form"
            response["HX-Reswap"] = "outerHTML"
            response["HX-Reselect"] = "#section-form"
        return response
    return render(request, "reporting/section_edit.html", {**context, "groups": groups})


# Actions confirmed on a page of their own first (a GET of the action's URL; its button POSTs):
# the status the report has once done, the question asked, and the button that does it.
CONFIRMED_ACTIONS = {
    "accept": (
        SubmissionStatus.ACCEPTED,
        gettext_lazy("Accept the report of %(reporter)s for %(cycle)s?"),
        gettext_lazy(
            "Accepting ends the review: the report can no longer be returned or recalled. "
            "It is then ready to be published."
        ),
        gettext_lazy("Accept the report of %(reporter)s"),
    ),
    "publish": (
        SubmissionStatus.PUBLISHED,
        gettext_lazy("Publish the report of %(reporter)s for %(cycle)s?"),
        gettext_lazy(
            "Anyone will be able to read the answers of its last submitted version, and its "
            "reporter is told by email."
        ),
        gettext_lazy("Publish the report of %(reporter)s"),
    ),
}
# What a second click (or another tab) finds when the action was already done.
ALREADY_DONE = {
    "submit": (SubmissionStatus.SUBMITTED, gettext_lazy("The report was already submitted.")),
    "recall": (SubmissionStatus.DRAFT, gettext_lazy("The report was already recalled.")),
    "accept": (SubmissionStatus.ACCEPTED, gettext_lazy("The report was already accepted.")),
    "publish": (SubmissionStatus.PUBLISHED, gettext_lazy("The report was already published.")),
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
    latest = submission.versions.select_related("submitted_by").order_by("-number").first()
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


@login_required
def submission_action(request, pk, action):
    """Submit, recall, accept or publish (POST). Accepting and publishing are asked first: a GET
    of their URL is the page that asks, whose button POSTs here."""
    submission = _submission(request, pk)
    user = request.user
    actions = {
        "submit": ("reporting.submit_submission", services.submit, _("The report was submitted.")),
        "recall": (
            "reporting.recall_submission",
            services.recall,
            _("The report was recalled: it is a draft again."),
        ),
        "accept": ("reporting.review_submission", services.accept, _("The report was accepted.")),
        "publish": (
            "reporting.publish_submission",
            services.publish,
            _("The report was published."),
        ),
    }
    if action not in actions:
        raise Http404
    if request.method not in ("GET", "POST") or (
        request.method == "GET" and action not in CONFIRMED_ACTIONS
    ):
        return HttpResponseNotAllowed(["POST"])
    perm, service, done = actions[action]
    if action in ("submit", "recall") and (refused := refuse_if_closed(request, submission)):
        return refused
    back = submission.get_absolute_url()
    if not user.has_perm(perm, submission):
        # A second click, or another tab, of someone who may do it: say it is done, do nothing.
        already, said = ALREADY_DONE[action]
        who = (
            who_rules.reports_for
            if action in ("submit", "recall")
            else who_rules.keeps_reporting_of
        )
        if submission.status == already and who(user, submission):
            messages.info(request, said)
            return redirect(back)
        raise PermissionDenied
    names = {"reporter": submission.reporter, "cycle": submission.cycle.title}
    if request.method == "GET":
        _status, question, explanation, button = CONFIRMED_ACTIONS[action]
        return render(
            request,
            "reporting/confirm_action.html",
            {
                "submission": submission,
                "title": question % names,
                "message": explanation,
                "button": button % names,
                "back": back,
            },
        )
    try:
        service(submission=submission, by=user)
    except ValidationError as error:
        if action == "submit":
            messages.error(
                request,
                _("The report was not submitted: %(count)s problems remain, listed below.")
                % {"count": len(error.messages)},
            )
        else:
            messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, done)
    return redirect(back)


@login_required
def submission_return(request, pk):
    """The form that returns a report for changes: it names the report, its button says what it
    does; a second click finds the report already returned and does nothing."""
    submission = _submission(request, pk)
    user = request.user
    back = submission.get_absolute_url()
    if not user.has_perm("reporting.review_submission", submission):
        if submission.status == SubmissionStatus.RETURNED and who_rules.keeps_reporting_of(
            user, submission
        ):
            messages.info(request, _("The report was already returned."))
            return redirect(back)
        raise PermissionDenied
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_submission(
                submission=submission, by=user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            show_errors_on_form(form, error)
        else:
            messages.success(
                request,
                _("The report was returned to %(reporter)s.") % {"reporter": submission.reporter},
            )
            return redirect(back)
    names = {"reporter": submission.reporter, "cycle": submission.cycle.title}
    return render(
        request,
        "reporting/return.html",
        {
            "submission": submission,
            "form": form,
            "title": _("Return the report of %(reporter)s for %(cycle)s") % names,
            "button": _("Return the report to %(reporter)s") % names,
            "back": back,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def assign(request, pk):
    submission = _submission(request, pk)
    if refused := refuse_if_closed(request, submission):
        return refused
    require_perm(request.user, "reporting.assign_sections", submission)
    form = AssignForm(
        request.POST or None, sections=Section.objects.filter(version=submission.cycle.version)
    )
    if request.method == "POST" and form.is_valid():
        services.assign_section(
            submission=submission,
            section=form.cleaned_data["section"],
            user=form.cleaned_data["email"],
            by=request.user,
        )
        messages.success(request, _("The section was assigned."))
        return redirect(submission.get_absolute_url())
    return form_page(
        request,
        form,
        title=_("Assign a section to a contributor"),
        back=submission.get_absolute_url(),
        intro=_("The contributor sees this report and edits only the sections assigned to them."),
    )


def _remove(request, *, remove, done, back, title, message, button):
    """A removal asked once more (the same POST again, with ``confirmed``), then done through
    its service, with what happened said on the page it returns to."""
    if not request.POST.get("confirmed"):
        return render(
            request,
            "reporting/confirm.html",
            {"title": title, "message": message, "button": button, "back": back},
        )
    try:
        remove()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, done)
    return redirect(back)


@require_POST
@login_required
def unassign(request, pk, assignment_id):
    submission = _submission(request, pk)
    if refused := refuse_if_closed(request, submission):
        return refused
    require_perm(request.user, "reporting.assign_sections", submission)
    back = submission.get_absolute_url()
    assignment = (
        SectionAssignment.objects.filter(pk=assignment_id, submission=submission)
        .select_related("section", "user", "submission__cycle")
        .first()
    )
    if assignment is None:  # a second click, or another tab, got there first
        messages.info(request, _("This contributor was already removed from the section."))
        return redirect(back)
    names = {
        "name": assignment.user.full_name or assignment.user.email,
        "section": f"{assignment.section.number} {assignment.section.title}",
    }
    return _remove(
        request,
        remove=lambda: services.unassign_section(assignment=assignment, by=request.user),
        done=_("%(name)s was removed from section %(section)s.") % names,
        back=back,
        title=_("Remove a contributor"),
        message=_(
            "Remove %(name)s from section %(section)s? They will no longer see or edit this "
            "report's section; the answers they gave stay in the report."
        )
        % names,
        button=_("Remove the contributor"),
    )


@require_POST
@login_required
def loop_entry_remove(request, pk, section_id, key):
    submission = _submission(request, pk)
    if refused := refuse_if_closed(request, submission):
        return refused
    require_perm(request.user, "reporting.edit_submission", submission)
    section = get_object_or_404(Section, pk=section_id, version=submission.cycle.version_id)
    structure = selectors.structure(submission.cycle.version)
    if section.pk not in selectors.editable_section_ids(submission, request.user, structure):
        raise PermissionDenied  # the same as adding: whoever may edit the section
    back = reverse("reporting:section", args=[submission.pk, section.pk])
    entry = LoopEntry.objects.filter(submission=submission, section=section, key=key).first()
    if entry is None:  # a second click, or another tab, got there first
        messages.info(request, _("This item was already removed."))
        return redirect(back)
    return _remove(
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
def loop_entry_add(request, pk, section_id):
    submission = _submission(request, pk)
    if refused := refuse_if_closed(request, submission):
        return refused
    require_perm(request.user, "reporting.edit_submission", submission)
    section = get_object_or_404(Section, pk=section_id, version=submission.cycle.version_id)
    structure = selectors.structure(submission.cycle.version)
    if section.pk not in selectors.editable_section_ids(submission, request.user, structure):
        raise PermissionDenied  # a contributor adds items to the sections assigned to them only
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


def _version(request, submission, number) -> SubmissionVersion:
    """A version the user may read: a version returned or recalled and never published does not
    exist for the public, nor for another Party (the rule the API and the exports follow)."""
    return get_object_or_404(
        selectors.readable_versions(submission, request.user).select_related("submitted_by"),
        number=number,
    )


def _readable(request, submission) -> None:
    """The submitted versions are for the reporter, the reviewers and, once published, everyone
    (the rule the API's `versions/` asks too)."""
    if not request.user.has_perm("reporting.view_versions", submission):
        raise PermissionDenied


def _comments_by_answer(submission) -> dict[tuple[str, str], list[ReviewComment]]:
    """The review comments of a report (with their replies) by question code and loop item."""
    comments: dict[tuple[str, str], list[ReviewComment]] = defaultdict(list)
    for comment in (
        ReviewComment.objects.filter(submission=submission, parent=None)
        .select_related("author", "question")
        .prefetch_related(
            Prefetch("replies", queryset=ReviewComment.objects.select_related("author"))
        )
    ):
        comments[(comment.question.code, comment.loop_key)].append(comment)
    return comments


def version_sections(submission, version, structure, *, nodes=None, comments=None) -> list[tuple]:
    """The answers of a submitted version, section by section in the order of the form (only
    `nodes` when given), each with the review comments on it: what the version page, the public
    page, the review on the report's page and the read-only section pages show."""
    comments = comments or {}
    wanted = None if nodes is None else {node.section.pk for node in nodes}
    names = display.Names()
    loops = selectors.loop_items(structure, submission)
    sections = []
    for node, answers in selectors.version_answers(structure, version.snapshot, loops):
        if wanted is not None and node.section.pk not in wanted:
            continue
        rows = []
        for answer in answers:
            link = ""
            if answer.answered and answer.item.question.kind == "file":
                link = (
                    reverse(
                        "reporting:answer-file", args=[submission.pk, answer.item.question.code]
                    )
                    + f"?version={version.number}&key={answer.key}"
                )
            rows.append(
                {
                    "item": answer.item,
                    "file_link": link,
                    "key": answer.key,
                    "loop_label": answer.loop_label,
                    "text": display.text(answer.item.question, answer.value, names=names),
                    "answered": answer.answered,
                    "anchor": answer.anchor,
                    "comments": comments.get((answer.item.question.code, answer.key), []),
                }
            )
        sections.append((node, rows))
    return sections


def version_detail(request, pk, number):
    submission = _submission(request, pk)
    _readable(request, submission)
    version = _version(request, submission, number)
    structure = selectors.structure(submission.cycle.version)
    can_comment = request.user.has_perm("reporting.comment_submission", submission)
    comments = _comments_by_answer(submission) if can_comment else {}
    return render(
        request,
        "reporting/version_detail.html",
        {
            "submission": submission,
            "version": version,
            "sections": version_sections(submission, version, structure, comments=comments),
            "can_comment": can_comment,
            "comment_form": CommentForm(),
            "versions": list(
                selectors.readable_versions(submission, request.user).values_list(
                    "number", flat=True
                )
            ),
        },
    )


@require_POST
@login_required
def comment_add(request, pk, number):
    submission = _submission(request, pk)
    require_perm(request.user, "reporting.comment_submission", submission)
    form = CommentForm(request.POST)
    anchor = ""
    if form.is_valid():
        data = form.cleaned_data
        parent = None
        if data.get("parent"):
            parent = get_object_or_404(ReviewComment, pk=data["parent"], submission=submission)
        try:
            services.comment(
                submission=submission,
                code=data["code"],
                key=data.get("key") or "",
                text=data["text"],
                parent=parent,
                by=request.user,
            )
            anchor = "#" + selectors.answer_anchor(data["code"], data.get("key") or "")
            messages.success(request, _("Your comment was added."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Write the comment."))
    if request.POST.get("back") == "report":  # made beside the answer on the report's page
        return redirect(f"{submission.get_absolute_url()}{anchor}")
    return redirect(f"{submission.get_absolute_url()}versions/{number}/{anchor}")


def _changes(structure, older: dict, newer: dict) -> list[dict]:
    """The answers two snapshots differ in, as text, for the diff tables; a question the
    structure no longer asks is left out."""
    names = display.Names()
    language = get_language() or "en"
    labels = {
        **selectors.snapshot_loop_labels(structure, older, language),
        **selectors.snapshot_loop_labels(structure, newer, language),
    }
    changes = []
    for change in selectors.diff(older, newer):
        item = structure.items_by_code.get(change.code)
        if item is None:
            continue
        changes.append(
            {
                "item": item,
                "loop_label": labels.get(change.key, change.key),
                "kind": change.kind,
                "before": display.text(item.question, change.before, names=names),
                "after": display.text(item.question, change.after, names=names),
            }
        )
    return changes


def version_diff(request, pk):
    submission = _submission(request, pk)
    _readable(request, submission)
    form = DiffForm(request.GET)
    if not form.is_valid():
        return error_page(
            request,
            title=_("Choose two versions"),
            message=_("Give the two version numbers to compare."),
            status=400,
            back=submission.get_absolute_url(),
        )
    older = _version(request, submission, form.cleaned_data["older"])
    newer = _version(request, submission, form.cleaned_data["newer"])
    structure = selectors.structure(submission.cycle.version)
    changes = _changes(structure, older.snapshot, newer.snapshot)
    return render(
        request,
        "reporting/diff.html",
        {"submission": submission, "older": older, "newer": newer, "changes": changes},
    )


def template_list(request):
    templates = (
        Template.objects.visible_to(request.user)
        .select_related("instrument")
        .prefetch_related("versions")
    )
    return render(request, "reporting/template_list.html", {"templates": templates})


def template_version(request, slug, number):
    template = get_object_or_404(Template.objects.visible_to(request.user), slug=slug)
    version = get_object_or_404(template.versions, number=number)
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
            "cycles": list(version.cycles.all()),
        },
    )


def template_detail(request, slug):
    template = get_object_or_404(Template.objects.visible_to(request.user), slug=slug)
    versions = template.versions.all()
    if not request.user.has_perm("reporting.change_template", template):
        versions = versions.filter(status="frozen")
    latest = versions.first()
    if latest is None:
        raise Http404
    return redirect("reporting:version", slug=slug, number=latest.number)


def template_export(request, slug, number):
    """The version as a JSON file, to review, keep under version control or import elsewhere."""
    template = get_object_or_404(Template.objects.visible_to(request.user), slug=slug)
    version = get_object_or_404(template.versions, number=number)
    if not version.is_frozen and not request.user.has_perm("reporting.change_template", template):
        raise Http404
    response = JsonResponse(
        exchange.export_version(version), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-v{number}.json"'
    return response


def _may_import(user, data) -> None:
    """An Agreement's secretariat imports templates of its own instrument only."""
    from cmsfamily.directory.models import Instrument

    code = (data.get("template") or {}).get("instrument") if isinstance(data, dict) else None
    instrument = Instrument.objects.filter(code=code).first() if isinstance(code, str) else None
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


# --- the template builder (Secretariat) --------------------------------------------------------


def _editable_version(request, slug, number) -> TemplateVersion:
    template = get_object_or_404(Template.objects.visible_to(request.user), slug=slug)
    require_perm(request.user, "reporting.change_template", template)
    return get_object_or_404(template.versions.select_related("template"), number=number)


@login_required
def template_create(request):
    from cmsfamily.directory.models import Instrument
    from cmsfamily.directory.scope import scope_of

    require_perm(request.user, "reporting.add_template")
    scope = scope_of(request.user)
    instruments = Instrument.objects.order_by("name")
    if not scope.cms_secretariat:
        instruments = instruments.filter(pk__in=scope.secretariat_instruments)
    form = TemplateCreateForm(request.POST or None, instruments=instruments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = services.create_template(
                slug=data["slug"],
                instrument=data["instrument"],
                reporter_kind=data["reporter_kind"],
                by=request.user,
                **{f"title_{lang}": data[f"title_{lang}"] for lang in ("en", "fr", "es")},
            )
        except ValidationError as error:
            show_errors_on_form(form, error)
        else:
            return redirect("reporting:version", slug=template.slug, number=1)
    return form_page(
        request, form, title=_("New report template"), back=reverse("reporting:template-list")
    )


@login_required
def section_add(request, slug, number):
    version = _editable_version(request, slug, number)
    form = SectionAddForm(request.POST or None, sections=version.sections.all())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_section(
                version=version,
                number=data["number"],
                parent=data["parent"],
                loop=data["loop"] or "",
                loop_items=data["loop_items"],
                by=request.user,
                **{f"title_{lang}": data[f"title_{lang}"] for lang in ("en", "fr", "es")},
            )
        except ValidationError as error:
            show_errors_on_form(form, error)
        else:
            messages.success(request, _("The section was added."))
            return redirect(version.get_absolute_url())
    return form_page(request, form, title=_("Add a section"), back=version.get_absolute_url())


@login_required
def item_add(request, slug, number, section_id):
    version = _editable_version(request, slug, number)
    section = get_object_or_404(Section, pk=section_id, version=version)
    form = ItemAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if data["existing"]:
                    question = Question.objects.filter(code=data["existing"]).first()
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
                            for lang in ("en", "fr", "es")
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
    version = _editable_version(request, slug, number)
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
    lookup = {"version": version} if model is Section else {"section__version": version}
    obj = get_object_or_404(model, pk=request.POST.get("id") or 0, **lookup)
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
    template = get_object_or_404(Template.objects.visible_to(request.user), slug=slug)
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
def cycle_create(request, slug, number):
    version = _editable_version(request, slug, number)
    form = CycleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        deadline, rule = data["deadline"], ""
        if not deadline:
            deadline = services.deadline_before_meeting(data["meeting_opens"])
            rule = _("Six months before the meeting opening on %(date)s (Resolution 12.5).") % {
                "date": data["meeting_opens"].isoformat()
            }
        try:
            cycle = services.create_cycle(
                slug=data["slug"],
                version=version,
                period_start=data["period_start"],
                period_end=data["period_end"],
                opens_on=data["opens_on"],
                deadline=deadline,
                deadline_rule=rule,
                expected=data["expected"],
                parties=list(data["parties"]),
                organisations=list(data["organisations"]),
                by=request.user,
                **{f"title_{lang}": data[f"title_{lang}"] for lang in ("en", "fr", "es")},
            )
        except ValidationError as error:
            show_errors_on_form(form, error)
        else:
            messages.success(
                request,
                _("The cycle was created with %(count)s reporters.")
                % {"count": cycle.submissions.count()},
            )
            return redirect(cycle.get_absolute_url())
    return form_page(
        request,
        form,
        title=_("New reporting cycle on %(version)s") % {"version": version},
        back=version.get_absolute_url(),
        intro=_(
            "Creating a cycle freezes this template version: later changes go into a new version."
        ),
    )


@require_POST
@login_required
def cycle_status(request, slug):
    cycle = _cycle(request, slug)
    require_perm(request.user, "reporting.manage_cycle", cycle)
    try:
        services.set_cycle_status(
            cycle=cycle, status=request.POST.get("status", ""), by=request.user
        )
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect(cycle.get_absolute_url())


def answer_file(request, pk, code):
    """A file given as an answer: from a submitted version (``?version=N``) for whoever reads the
    versions, or from the draft for its drafters."""
    from django.core.files.storage import default_storage
    from django.http import FileResponse

    submission = _submission(request, pk)
    query = AnswerFileForm(request.GET)
    if not query.is_valid():
        return bad_query_page(
            request,
            query,
            title=_("This link to a file is not valid"),
            back=submission.get_absolute_url(),
        )
    key, number = query.cleaned_data["key"], query.cleaned_data["version"]
    if number is not None:
        _readable(request, submission)
        value = (
            _version(request, submission, number).snapshot.get("answers", {}).get(code, {}).get(key)
        )
    else:
        structure = selectors.structure(submission.cycle.version)
        if code not in selectors.readable_codes(submission, request.user, structure):
            raise PermissionDenied  # a contributor reads the files of their own sections only
        value = (
            submission.answers.filter(question__code=code, loop_key=key)
            .values_list("value", flat=True)
            .first()
        )
    if not isinstance(value, dict) or not default_storage.exists(value.get("path", "")):
        raise Http404
    return FileResponse(
        default_storage.open(value["path"], "rb"), as_attachment=True, filename=value["name"]
    )


@login_required
def section_edit_texts(request, slug, number, section_id):
    version = _editable_version(request, slug, number)
    section = get_object_or_404(Section, pk=section_id, version=version)
    names = [f"{name}_{lang}" for name in ("title", "intro") for lang in ("en", "fr", "es")]
    form = SectionEditForm(request.POST or None, initial={n: getattr(section, n) for n in names})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_section(
                section=section, by=request.user, **{n: form.cleaned_data[n] for n in names}
            )
        except ValidationError as error:
            show_errors_on_form(form, error)
        else:
            messages.success(
                request, _("Section %(number)s was saved.") % {"number": section.number}
            )
            return redirect(version.get_absolute_url())
    return form_page(
        request,
        form,
        title=_("Edit section %(number)s") % {"number": section.number},
        back=version.get_absolute_url(),
    )


@login_required
def question_edit(request, code):
    """A question of the bank: all of it while no cycle uses it, then its French and Spanish only."""
    question = get_object_or_404(Question, code=code)
    require_perm(request.user, "reporting.change_question")
    frozen = services.is_frozen_question(question)
    texts = [f"{name}_{lang}" for name in ("text", "help_text") for lang in ("en", "fr", "es")]
    initial = {n: getattr(question, n) for n in texts}
    initial.update(
        min_value=question.min_value,
        max_value=question.max_value,
        targets=list(question.targets.all()),
    )
    form = QuestionEditForm(request.POST or None, initial=initial, frozen=frozen)
    back = next_url(request, reverse("reporting:template-list"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {n: data[n] for n in texts if not form.fields[n].disabled}
        extra = {}
        if not frozen:
            values.update(min_value=data["min_value"], max_value=data["max_value"])
            extra["targets"] = list(data["targets"])
        try:
            services.update_question(question=question, by=request.user, **values, **extra)
        except ValidationError as error:
            show_errors_on_form(form, error)
        else:
            messages.success(request, _("Question %(code)s was saved.") % {"code": question.code})
            return redirect(back)
    intro = (
        _(
            "A reporting cycle uses this question: only its French and Spanish texts may still change."
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


@login_required
def timeliness_overview(request):
    """Reporting and on-time rates of every cycle the user keeps, by instrument."""
    from cmsfamily.directory.scope import scope_of

    scope = scope_of(request.user)
    if not scope.is_secretariat:
        raise PermissionDenied
    cycles = selectors.cycles(request.user)
    if not scope.cms_secretariat:
        cycles = cycles.filter(version__template__instrument__in=scope.secretariat_instruments)
    rows = selectors.timeliness_by_cycle(cycles)
    return render(request, "reporting/timeliness.html", {"rows": rows})


@require_POST
@login_required
def confirm_carried(request, pk, section_id):
    submission = _submission(request, pk)
    if refused := refuse_if_closed(request, submission):
        return refused
    require_perm(request.user, "reporting.edit_submission", submission)
    section = get_object_or_404(Section, pk=section_id, version=submission.cycle.version_id)
    structure = selectors.structure(submission.cycle.version)
    if section.pk not in selectors.editable_section_ids(submission, request.user, structure):
        raise PermissionDenied
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


def since_previous(request, pk):
    """What the draft changes in the answers of the reporter's last accepted report."""
    submission = _submission(request, pk)
    require_perm(request.user, "reporting.view_draft", submission)
    previous = services.previous_versions([submission]).get(submission.pk)
    structure = selectors.structure(submission.cycle.version)
    changes = []
    if previous is not None:
        current = selectors.snapshot(structure, submission, selectors.answer_values(submission))
        changes = _changes(structure, previous.snapshot, current)
    return render(
        request,
        "reporting/since_previous.html",
        {"submission": submission, "previous": previous, "changes": changes},
    )


def _print_context(request, pk, number, *, for_pdf=False) -> dict:
    """The version as a document. The answers, the questions they answer and the report's titles
    are read in the language the version was submitted in; the page around them (headings,
    facts, links) stays in the reader's language."""
    submission = _submission(request, pk)
    _readable(request, submission)
    version = _version(request, submission, number)
    structure = selectors.structure(submission.cycle.version)
    with translation.override(version.language):
        names = display.Names()
        loops = selectors.loop_items(structure, submission)
        sections = []
        for section in selectors.printed(structure, version.snapshot, loops):
            node = section.node
            sections.append(
                {
                    "pk": node.section.pk,
                    "heading": f"{node.section.number} {node.section.title}",
                    "loop": node.loop_section is not None,
                    "rows": [
                        (
                            item.number,
                            str(item.question.text),
                            display.text(item.question, value, names=names),
                        )
                        for item, value in section.rows
                    ],
                    "columns": [f"{item.number} {item.question.text}" for item in node.items],
                    "table": [
                        (
                            label,
                            [
                                display.text(item.question, value, names=names)
                                for item, value in zip(node.items, values, strict=True)
                            ],
                        )
                        for label, values in section.loop_items
                    ],
                }
            )
        document = {
            "kind": str(submission.cycle.version.template.title),
            "reporter": str(submission.reporter),
            "cycle": str(submission.cycle.title),
        }
    return {
        "submission": submission,
        "version": version,
        "document": document,
        "language_name": dict(settings.LANGUAGES).get(version.language, version.language),
        "sections": sections,
        "for_pdf": for_pdf,
        "generated": timezone.now(),
    }


def version_print(request, pk, number):
    """The submitted version as a document: the reader's language around the answers, which are
    shown as submitted."""
    context = _print_context(request, pk, number)
    return render(request, "reporting/version_print.html", context)


def version_pdf(request, pk, number):
    from cmsfamily.core.documents import PdfUnavailable, html_to_pdf

    context = _print_context(request, pk, number, for_pdf=True)
    version = context["version"]
    html = render_to_string("reporting/version_print.html", context, request=request)
    try:
        pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    except PdfUnavailable:
        return error_page(
            request,
            title=_("PDF not available"),
            message=_(
                "Making a PDF needs the Pango library, which is not installed on this server. "
                "The report can be read as a web page and printed from it."
            ),
            status=503,
            back=reverse("reporting:version-print", args=[pk, number]),
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, _version_filename(context["submission"], version, "pdf")
    )
    return response


def _version_filename(submission, version, extension: str) -> str:
    code = exports.reporter_code(submission)
    return f"{submission.cycle.slug}-{code}-v{version.number}.{extension}"


def version_json(request, pk, number):
    """The submitted version as data, for whoever may read it (everyone once published)."""
    submission = _submission(request, pk)
    _readable(request, submission)
    version = _version(request, submission, number)
    version.submission = submission
    response = JsonResponse(
        exports.version_document(version), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = content_disposition_header(
        True, _version_filename(submission, version, "json")
    )
    return response
