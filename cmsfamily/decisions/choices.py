from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution")
    DECISION = "decision", _("Decision")
    RECOMMENDATION = "recommendation", _("Recommendation")


class Body(models.TextChoices):
    COP = "cop", _("Conference of the Parties")
    STANDING_COMMITTEE = "standing_committee", _("Standing Committee")
    MOP = "mop", _("Meeting of the Parties of an Agreement")
    REVIEW = "review", _("Review")


class DecisionStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    REPEALED = "repealed", _("Repealed")
    SUPERSEDED = "superseded", _("Superseded")
    # The seeds name many decisions without saying whether they are still in force.
    NOT_STATED = "not_stated", _("Not stated in the sources")


class AddresseeKind(models.TextChoices):
    PARTIES = "parties", _("Parties")
    SECRETARIAT = "secretariat", _("Secretariat")
    SCIENTIFIC_COUNCIL = "scientific_council", _("Scientific Council")
    STANDING_COMMITTEE = "standing_committee", _("Standing Committee")
    PARTNERS = "partners", _("Partners")
    INSTRUMENT = "instrument", _("An instrument")


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class EvidenceKind(models.TextChoices):
    ANSWER = "answer", _("A report answer")
    ACTIVITY = "activity", _("An activity")
    CONTRIBUTION = "contribution", _("A contribution")


class CommentVisibility(models.TextChoices):
    COMMENTERS = "commenters", _("All who may comment")
    SECRETARIAT = "secretariat", _("The Secretariat only")


class CommentKind(models.TextChoices):
    GENERAL = "general", _("General remark")
    PROPOSAL = "proposal", _("Proposed new text")


class Resolution(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PARTLY = "partly", _("Partly accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


class BlockKind(models.TextChoices):
    HEADING = "heading", _("Heading")
    PARAGRAPH = "paragraph", _("Paragraph")
    LIST_ITEM = "list_item", _("List item")
