"""The tree of a template version (read in a constant number of queries, whatever its size) and
the items each repeated section runs over for a reporter.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import get_language

from cmsfamily.reporting import conditions
from cmsfamily.reporting.choices import (
    SPECIES_LOOPS,
    LoopKind,
)
from cmsfamily.reporting.models import (
    Item,
    LoopEntry,
    Option,
    Section,
    Submission,
    TemplateVersion,
    ValidationRule,
)


@dataclass
class Node:
    """A section with its depth, its items and the loop it repeats over (its own or inherited)."""

    section: Section
    depth: int
    items: list[Item] = field(default_factory=list)
    loop: str = LoopKind.NONE
    loop_section: Section | None = None

    @property
    def anchor(self) -> str:
        return f"section-{self.section.pk}"


@dataclass
class Structure:
    version: TemplateVersion
    nodes: list[Node]
    items_by_code: dict[str, Item]
    node_of_item: dict[int, Node]
    rules: list[ValidationRule]
    # What relevance reads: every section and item with its "shown when" tree, and the sections
    # that define a loop (their node id -> section id), whose loop keys each report supplies.
    condition_nodes: list[conditions.Node] = field(default_factory=list)
    loop_nodes: dict[str, int] = field(default_factory=dict)

    def node(self, section_id: int) -> Node | None:
        return next((node for node in self.nodes if node.section.pk == section_id), None)

    @property
    def question_count(self) -> int:
        return len(self.items_by_code)


_STRUCTURES: dict[int, tuple[tuple, Structure]] = {}


_CACHED_VERSIONS = 32


def structure(version: TemplateVersion) -> Structure:
    """The tree of a version, read once per process for a frozen version (which never changes
    but for its questions' translations: the cache key has the bank's last change)."""
    if not version.is_frozen:
        return _structure(version)
    from django.db.models import Max

    from cmsfamily.reporting.models import Question

    stamp = (version.frozen_at, Question.objects.aggregate(last=Max("modified"))["last"])
    cached = _STRUCTURES.get(version.pk)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    built = _structure(version)
    if len(_STRUCTURES) >= _CACHED_VERSIONS:
        _STRUCTURES.pop(next(iter(_STRUCTURES)))
    _STRUCTURES[version.pk] = (stamp, built)
    return built


def _structure(version: TemplateVersion) -> Structure:
    """The tree of a version: sections, items with their questions and options, and rules."""
    sections = list(version.sections.all())
    items = list(
        Item.objects.filter(section__version=version)
        .select_related("question")
        .prefetch_related(
            Prefetch("question__options", queryset=Option.objects.order_by("order", "pk"))
        )
        .order_by("order", "pk")
    )
    rules = list(version.rules.all())
    children: dict[int | None, list[Section]] = defaultdict(list)
    for section in sections:
        children[section.parent_id].append(section)
    nodes: list[Node] = []

    def walk(parent_id, depth, inherited: Node | None):
        for section in sorted(children.get(parent_id, []), key=lambda s: (s.order, s.pk)):
            node = Node(section=section, depth=depth)
            if section.loop:
                node.loop, node.loop_section = section.loop, section
            elif inherited is not None:
                node.loop, node.loop_section = inherited.loop, inherited.loop_section
            nodes.append(node)
            walk(section.pk, depth + 1, node if node.loop else inherited)

    walk(None, 0, None)
    by_section = {node.section.pk: node for node in nodes}
    node_of_item: dict[int, Node] = {}
    for item in items:
        node = by_section[item.section_id]
        node.items.append(item)
        node_of_item[item.pk] = node
    condition_nodes = [
        conditions.Node(
            id=section_node_id(node.section.pk),
            condition=node.section.shown_when_tree or None,
            within=section_node_id(node.section.parent_id) if node.section.parent_id else None,
        )
        for node in nodes
    ] + [
        conditions.Node(
            id=item.question.code,
            condition=item.shown_when_tree or None,
            within=section_node_id(item.section_id),
        )
        for node in nodes
        for item in node.items
    ]
    return Structure(
        version=version,
        nodes=nodes,
        items_by_code={item.question.code: item for item in items},
        node_of_item=node_of_item,
        rules=rules,
        condition_nodes=condition_nodes,
        loop_nodes={
            section_node_id(node.section.pk): node.section.pk for node in nodes if node.section.loop
        },
    )


def section_node_id(section_pk: int) -> str:
    """The id of a section among the nodes of relevance (no question code holds a colon)."""
    return f"section:{section_pk}"


@dataclass(frozen=True)
class LoopItem:
    key: str
    label: str
    added_by_reporter: bool = False


def _label(labels: dict, language: str) -> str:
    return labels.get(language) or labels.get("en") or next(iter(labels.values()), "")


def loop_items(structure: Structure, submission: Submission) -> dict[int, list[LoopItem]]:
    """The items each repeated section runs over for this reporter, by the id of the section
    that defines the loop (at most four queries, whatever the number of loops)."""
    language = get_language() or "en"
    result: dict[int, list[LoopItem]] = {}
    loops = {
        node.loop_section.pk: node.loop_section for node in structure.nodes if node.loop_section
    }
    if not loops:
        return result
    entries: dict[int, list[LoopItem]] = defaultdict(list)
    for entry in LoopEntry.objects.filter(submission=submission, section__in=loops):
        entries[entry.section_id].append(LoopItem(entry.key, entry.label, True))
    species = None
    for section_id, section in loops.items():
        if section.loop == LoopKind.FIXED:
            items = fixed_items(section, language)
        elif section.loop in SPECIES_LOOPS:
            if species is None:
                species = _range_species(submission)
            items = [
                item
                for item, appendices in species
                if section.loop == LoopKind.RANGE_SPECIES or "I" in appendices
            ]
        elif section.loop == LoopKind.ACTIVITY:
            items = _activities(section)
        else:
            items = []
        result[section_id] = items + entries.get(section_id, [])
    return result


def fixed_items(section: Section, language: str) -> list[LoopItem]:
    """The items of a section repeated over a fixed list (taxonomic groups), in the language."""
    return [
        LoopItem(str(entry["key"]), _label(entry.get("label") or {}, language))
        for entry in section.loop_items
    ]


def snapshot_loop_labels(structure: Structure, content: dict, language: str) -> dict[str, str]:
    """The loop item labels of a snapshot, with the fixed lists' items (taxonomic groups) in the
    language asked for: the snapshot keeps them in the language of the submitter's screen. The
    labels a reporter typed and species names are kept as stored."""
    labels = dict(content.get("loop_items", {}))
    seen = set()
    for node in structure.nodes:
        section = node.loop_section
        if section is None or section.loop != LoopKind.FIXED or section.pk in seen:
            continue
        seen.add(section.pk)
        for item in fixed_items(section, language):
            if item.key in labels:
                labels[item.key] = item.label
    return labels


def _range_species(submission: Submission) -> list[tuple[LoopItem, set[str]]]:
    """The Party's range species with the Appendices each is listed in (two queries)."""
    if not submission.party_id:
        return []
    from cmsfamily.species.models import Listing
    from cmsfamily.species.selectors import species_of_party

    appendices: dict[int, set[str]] = defaultdict(set)
    for taxon_id, appendix in Listing.objects.filter(
        taxon__range_states__party=submission.party_id
    ).values_list("taxon_id", "appendix"):
        appendices[taxon_id].add(appendix)
    return [
        (LoopItem(f"taxon-{taxon.pk}", taxon.scientific_name), appendices[taxon.pk])
        for taxon in species_of_party(submission.party)
    ]


def _activities(section: Section) -> list[LoopItem]:
    if section.loop_programme_id is None:
        return []
    from cmsfamily.workplans.models import Activity

    return [
        LoopItem(f"activity-{pk}", f"{number} {title}")
        for pk, number, title in Activity.objects.filter(programme=section.loop_programme_id)
        .order_by("sort_key")
        .values_list("pk", "number", "title")
    ]


def keys_of(node: Node, loops: dict[int, list[LoopItem]]) -> list[LoopItem]:
    """The loop items of a section, or one unnamed item when the section is not repeated."""
    if node.loop_section is None:
        return [LoopItem("", "")]
    return loops.get(node.loop_section.pk, [])


def ordered_loop_items(node: Node, loops: dict[int, list[LoopItem]], content=None):
    """The loop items of a section in the one order the form, the version pages and the print
    view share: the order of their source (the template's list, the Party's species by group and
    name, the programme's activities, then the items the reporter added). With a version's
    ``content``, only the items it holds, named as now (a fixed list in the reader's language)
    or else as submitted; items the version holds that the source no longer has come last, by
    name."""
    live = keys_of(node, loops)
    if content is None:
        return live
    if node.loop_section is None:
        return [LoopItem("", "")]
    answers = content.get("answers", {})
    labels = content.get("loop_items", {})
    present = {key for item in node.items for key in answers.get(item.question.code, {})}
    ordered = [
        LoopItem(loop.key, loop.label or labels.get(loop.key, loop.key), loop.added_by_reporter)
        for loop in live
        if loop.key in present
    ]
    rest = present - {loop.key for loop in ordered}
    for key in sorted(rest, key=lambda key: (sort_key(labels.get(key, key)), key)):
        ordered.append(LoopItem(key, labels.get(key, key)))
    return ordered


def sort_key(name: str) -> str:
    """A name as it is alphabetised: without accents or case."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def species_to_add(node: Node, loops: dict[int, list[LoopItem]]) -> list[tuple[int, str]]:
    """For a section repeated for the Party's species: the other species of the table, which the
    Party may add where the table lacks it as a range State (one query)."""
    if node.loop not in SPECIES_LOOPS or node.loop_section is None:
        return []
    if node.loop_section.pk != node.section.pk:
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


def loop_entry(submission: Submission, section: Section, key: str) -> LoopEntry | None:
    """An item the reporter added to a section's loop (None once removed)."""
    return LoopEntry.objects.filter(submission=submission, section=section, key=key).first()
