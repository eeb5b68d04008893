"""Search across the Family (`/search/`): published answers, activities and progress texts,
contributions, people, organisations, Parties and instruments, each read through its own app's
scoped queryset or selector for the user, so that a search finds nothing the user could not open.

Prose (answers, activities, progress updates, contributions) is matched by PostgreSQL's full-text
search in the configuration of the page's language (websearch syntax, ranked, highlighted by
`ts_headline`); names (people, organisations, Parties, instruments) by their letters, where
stemming has nothing to do. On SQLite every source is matched by its letters, every word of the
query required, and highlighted here. Either way a snippet is escaped before it is marked.

Answers live in the immutable versions' snapshots: the versions that count for the user are
reporting's rule (`counted_reports`: published ones for the public, accepted ones too for the
cycle's keepers); a draft has no version and is never read.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from django import forms
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cmsfamily.contributions.models import Contribution
from cmsfamily.core.text import plain_text
from cmsfamily.directory import selectors as directory
from cmsfamily.directory.models import Appointment, Instrument, Region
from cmsfamily.reporting import selectors as reporting
from cmsfamily.reporting.choices import QuestionKind
from cmsfamily.workplans.models import Activity, ProgressUpdate

MIN_LENGTH, MAX_LENGTH = 2, 200
PER_SOURCE = 100  # matches read from each source, the best first
PER_PAGE = 20
SNIPPET = 240  # characters of context around a match on SQLite
CONFIGS = {"en": "english", "fr": "french", "es": "spanish"}
TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})
# ts_headline marks matches with these (private-use characters), replaced by <mark> once the
# snippet is escaped: text from the database never reaches the page unescaped.
START, STOP = "\ue000", "\ue001"

ANSWERS, ACTIVITIES, CONTRIBUTIONS = "answers", "activities", "contributions"
PEOPLE, ORGANISATIONS, PARTIES, INSTRUMENTS = "people", "organisations", "parties", "instruments"
KINDS = {
    ANSWERS: _("Report answers"),
    ACTIVITIES: _("Activities and progress"),
    CONTRIBUTIONS: _("Contributions"),
    PEOPLE: _("People"),
    ORGANISATIONS: _("Organisations"),
    PARTIES: _("Parties"),
    INSTRUMENTS: _("Instruments"),
}


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the CMS Family"),
        required=False,
        strip=True,
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        error_messages={
            "min_length": _("Type at least %(limit_value)d characters."),
            "max_length": _("Type at most %(limit_value)d characters."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind of result"),
        required=False,
        choices=[("", _("All kinds")), *KINDS.items()],
    )
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        required=False,
        queryset=Instrument.objects.none(),
        to_field_name="code",
        empty_label=_("All instruments"),
        help_text=_(
            "Keeps the answers to its reports, the contributions to it, the people appointed for "
            "it, its member Parties and the instrument itself."
        ),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.all(),
        to_field_name="code",
        empty_label=_("All regions"),
        help_text=_(
            "Keeps the answers and contributions of its Parties, the Parties themselves and the "
            "people and organisations based there."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["instrument"].queryset = Instrument.objects.visible_to(user).order_by("code")


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: SafeString
    context: str = ""
    rank: float = 0.0

    @property
    def kind_label(self):
        return KINDS[self.kind]


@dataclass
class Results:
    hits: list[Hit]

    @property
    def total(self) -> int:
        return len(self.hits)

    def page(self, number):
        return Paginator(self.hits, PER_PAGE).get_page(number)


# ---------------------------------------------------------------- matching


def postgres() -> bool:
    return connection.vendor == "postgresql"


def language() -> str:
    code = (get_language() or "en")[:2]
    return code if code in CONFIGS else "en"


def words(query: str) -> list[str]:
    """The words of a query on SQLite: quoted phrases kept whole, websearch's `or` and a leading
    `-` dropped (the fallback requires every word)."""
    try:
        parts = shlex.split(query)
    except ValueError:  # an unbalanced quote
        parts = query.replace('"', " ").split()
    found = []
    for part in parts:
        part = part.lstrip("-").strip()
        if part and part.lower() != "or" and part.casefold() not in found:
            found.append(part.casefold())
    return found


def _marked(text: str, *, markup: bool = False) -> SafeString:
    """`text` (without its markup if it may hold some) escaped, then its marks made <mark>."""
    escaped = escape(plain_text(text) if markup else text)  # first; then the marks, ours
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def highlight(text: str, terms: list[str], *, whole: bool = False) -> SafeString:
    """`text` escaped, then each term marked; a long text is cut to a window around the first
    match (unless `whole`)."""
    text = plain_text(text).replace(START, "").replace(STOP, "")
    if not terms:
        return _marked(text[:SNIPPET])
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    if not whole and len(text) > SNIPPET:
        first = pattern.search(text)
        begin = max(0, (first.start() if first else 0) - SNIPPET // 3)
        text = ("…" if begin else "") + text[begin : begin + SNIPPET] + "…"
    return _marked(pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", text))


def contains_all(text: str, terms: list[str]) -> bool:
    folded = text.casefold()
    return all(term in folded for term in terms)


def _letters(fields: list[str], terms: list[str]) -> Q:
    condition = Q()
    for term in terms:
        one = Q()
        for field in fields:
            one |= Q(**{f"{field}__icontains": term})
        condition &= one
    return condition


def _translated(field: str):
    """A translated field in the page's language, English where it has none."""
    code = language()
    if code == "en":
        return F(f"{field}_en")
    blank = NullIf(f"{field}_{code}", Value(""), output_field=TextField())
    return Coalesce(blank, f"{field}_en", output_field=TextField())


class Matcher:
    """One query, matched the same way against every source."""

    def __init__(self, query: str):
        self.query = query
        self.terms = words(query)
        self.config = CONFIGS[language()]
        self.full_text = postgres()

    def prose(
        self, queryset: QuerySet, fields: list[str], headline_field: str, *, translated=True
    ) -> list:
        """Records whose `fields` (in the page's language where `translated`) match, best
        first, each with `.snippet`."""
        column = _translated if translated else F
        if not self.full_text:
            local = (
                list({f"{f}_{language()}" for f in fields} | {f"{f}_en" for f in fields})
                if translated
                else fields
            )
            rows = list(queryset.filter(_letters(local, self.terms))[:PER_SOURCE])
            for row in rows:
                row.snippet = highlight(getattr(row, headline_field) or "", self.terms)
            return rows
        query = SearchQuery(self.query, search_type="websearch", config=self.config)
        vector = SearchVector(*(column(field) for field in fields), config=self.config)
        rows = list(
            queryset.annotate(search=vector)
            .filter(search=query)
            .annotate(
                rank=SearchRank(vector, query),
                headline=SearchHeadline(
                    column(headline_field),
                    query,
                    config=self.config,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=40,
                    min_words=15,
                ),
            )
            .order_by("-rank", "pk")[:PER_SOURCE]
        )
        for row in rows:
            row.snippet = _marked(row.headline or "", markup=True)
        return rows

    def names(self, queryset: QuerySet, fields: list[str]) -> list:
        return list(queryset.filter(_letters(fields, self.terms))[:PER_SOURCE])

    def texts(self, texts: list[str]) -> dict[int, SafeString]:
        """Which of these texts match, by position, with their snippets: one statement on
        PostgreSQL (the texts and the query as parameters, the configuration from `CONFIGS`)."""
        if not texts:
            return {}
        if not self.full_text:
            return {
                index: highlight(text, self.terms)
                for index, text in enumerate(texts)
                if contains_all(text, self.terms)
            }
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT x.i - 1, ts_headline(%s::regconfig, x.t, q, %s) "
                "FROM unnest(%s::text[]) WITH ORDINALITY AS x(t, i), "
                "websearch_to_tsquery(%s::regconfig, %s) AS q "
                "WHERE to_tsvector(%s::regconfig, x.t) @@ q ORDER BY x.i",
                [
                    self.config,
                    f"StartSel={START}, StopSel={STOP}, MaxWords=40, MinWords=15",
                    texts,
                    self.config,
                    self.query,
                    self.config,
                ],
            )
            return {index: _marked(headline, markup=True) for index, headline in cursor.fetchall()}


# ---------------------------------------------------------------- sources


def _answers(user, matcher: Matcher, instrument, region) -> list[Hit]:
    cycles = reporting.analysable_cycles(user)
    if instrument is not None:
        cycles = [c for c in cycles if c.version.template.instrument_id == instrument.pk]
    found = []  # (report, item, key, text)
    texts = {  # only the answers a search can find are read
        code
        for cycle in cycles
        for code, item in reporting.structure(cycle.version).items_by_code.items()
        if item.question.kind in TEXT_KINDS
    }
    for report in reporting.counted_reports(cycles, user, codes=texts).counted:
        party = report.submission.party
        if region is not None and (party is None or party.region_id != region.pk):
            continue
        for code, by_key in report.answers.items():
            item = report.form.items_by_code.get(code)
            if item is None or item.question.kind not in TEXT_KINDS:
                continue
            for key, value in by_key.items():
                text = plain_text(value) if isinstance(value, str) else ""
                if text.strip():
                    found.append((report, item, key, text))
    snippets = matcher.texts([text for *_rest, text in found])
    hits = []
    for index, snippet in list(snippets.items())[:PER_SOURCE]:
        report, item, key, _text = found[index]
        label = reporting.item_name(report.form, item)
        loop = report.loop_labels.get(key, "") if key else ""
        hits.append(
            Hit(
                ANSWERS,
                f"{report.reporter} — {label} {plain_text(str(item.question.text))}"
                + (f" ({loop})" if loop else ""),
                f"{report.url}#{reporting.answer_anchor(item.question.code, key)}",
                snippet,
                context=f"{report.cycle.title} · v{report.version.number}",
            )
        )
    return hits


def _activities(user, matcher: Matcher, instrument, region) -> list[Hit]:
    if instrument is not None or region is not None:
        return []
    activities = matcher.prose(
        Activity.objects.visible_to(user).select_related("programme"),
        ["title", "description"],
        "description",
    )
    updates = matcher.prose(
        ProgressUpdate.objects.visible_to(user).select_related("activity__programme"),
        ["text"],
        "text",
    )
    hits = [
        Hit(
            ACTIVITIES,
            str(activity),
            activity.get_absolute_url(),
            activity.snippet or highlight(activity.title, matcher.terms),
            context=str(activity.programme.title),
            rank=getattr(activity, "rank", 0.0),
        )
        for activity in activities
    ]
    hits += [
        Hit(
            ACTIVITIES,
            f"{update.activity} — {update.get_kind_display()}",
            update.activity.get_absolute_url() + "#updates-heading",
            update.snippet,
            context=update.date.isoformat() if update.date else "",
            rank=getattr(update, "rank", 0.0),
        )
        for update in updates
    ]
    return hits


def _contributions(user, matcher: Matcher, instrument, region) -> list[Hit]:
    queryset = Contribution.objects.visible_to(user).select_related(
        "contributor_organisation", "contributor_party", "instrument"
    )
    if instrument is not None:
        queryset = queryset.filter(instrument=instrument)
    if region is not None:
        queryset = queryset.filter(
            Q(contributor_party__region=region) | Q(contributor_organisation__party__region=region)
        )
    rows = matcher.prose(queryset, ["description"], "description", translated=False)
    return [
        Hit(
            CONTRIBUTIONS,
            str(row),
            row.get_absolute_url(),
            row.snippet,
            context=str(row.instrument or ""),
            rank=getattr(row, "rank", 0.0),
        )
        for row in rows
    ]


def _people(user, matcher: Matcher, instrument, region) -> list[Hit]:
    """What the registry shows of a person (name, position, organisation), never a contact."""
    queryset = directory.people(user)
    if instrument is not None:
        appointed = Appointment.objects.visible_to(user).filter(
            person=OuterRef("pk"), instrument=instrument
        )
        queryset = queryset.filter(Exists(appointed))
    if region is not None:
        queryset = queryset.filter(organisation__party__region=region)
    rows = matcher.names(queryset, ["given_name", "family_name", "position"])
    return [
        Hit(
            PEOPLE,
            str(person),
            person.get_absolute_url(),
            highlight(f"{person.given_name} {person.family_name}", matcher.terms, whole=True),
            context=" · ".join(
                str(part) for part in (person.position, person.organisation) if part
            ),
        )
        for person in rows
    ]


def _organisations(user, matcher: Matcher, instrument, region) -> list[Hit]:
    if instrument is not None:
        return []
    queryset = directory.organisations(user)
    if region is not None:
        queryset = queryset.filter(party__region=region)
    names = ["short_name", "name_en", "name_fr", "name_es"]
    return [
        Hit(
            ORGANISATIONS,
            organisation.short_name,
            organisation.get_absolute_url(),
            highlight(organisation.name, matcher.terms, whole=True),
            context=str(organisation.party or ""),
        )
        for organisation in matcher.names(queryset, names)
    ]


def _parties(user, matcher: Matcher, instrument, region) -> list[Hit]:
    queryset = directory.parties(user)
    if instrument is not None:
        queryset = queryset.filter(
            memberships__instrument=instrument, memberships__end__isnull=True
        ).distinct()
    if region is not None:
        queryset = queryset.filter(region=region)
    names = ["name_en", "name_fr", "name_es", "code", "iso3"]
    return [
        Hit(
            PARTIES,
            party.name,
            party.get_absolute_url(),
            highlight(party.name, matcher.terms, whole=True),
            context=f"{party.code} · {party.region}",
        )
        for party in matcher.names(queryset, names)
    ]


def _instruments(user, matcher: Matcher, instrument, region) -> list[Hit]:
    if region is not None:
        return []
    queryset = Instrument.objects.visible_to(user)
    if instrument is not None:
        queryset = queryset.filter(pk=instrument.pk)
    names = ["name_en", "name_fr", "name_es", "code", "taxa"]
    return [
        Hit(
            INSTRUMENTS,
            one.name,
            one.get_absolute_url(),
            highlight(one.name, matcher.terms, whole=True),
            context=one.code,
        )
        for one in matcher.names(queryset, names)
    ]


SOURCES = {
    ANSWERS: _answers,
    ACTIVITIES: _activities,
    CONTRIBUTIONS: _contributions,
    PEOPLE: _people,
    ORGANISATIONS: _organisations,
    PARTIES: _parties,
    INSTRUMENTS: _instruments,
}


def search(user, *, query: str, kind: str = "", instrument=None, region=None) -> Results:
    """Every match the user may open, kind by kind (registry names first, then prose, each
    best first); a bounded number of statements whatever the number of matches."""
    matcher = Matcher(query)
    if not matcher.terms:
        return Results([])
    order = [PARTIES, INSTRUMENTS, ORGANISATIONS, PEOPLE, ANSWERS, ACTIVITIES, CONTRIBUTIONS]
    hits: list[Hit] = []
    for name in order:
        if not kind or name == kind:
            hits += SOURCES[name](user, matcher, instrument, region)
    return Results(hits)
