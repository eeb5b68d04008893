import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# A job in one of these is reused by an identical request; a failed one is retried instead.
LIVE = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE)


class Job(models.Model):
    """One piece of slow work and its result file.

    `key` is a hash of the kind and of what it renders (the version and its content hash, the
    programme's rows as they stand, the language): at most one live job per key, so identical
    requests share the job and its file. Whoever asked for it is in `requested_by`; the status
    page and the download also ask the kind's rule again (`kinds.JobKind.may_read`).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    key = models.CharField(_("key"), max_length=64, db_index=True)
    params = models.JSONField(_("parameters"), default=dict)
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(_("language"), max_length=12)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    step = models.PositiveIntegerField(_("step"), default=0)
    steps = models.PositiveIntegerField(_("steps"), default=0)
    step_label = models.CharField(_("step label"), max_length=200, blank=True)
    result = models.FileField(_("result"), upload_to="jobs/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    error = models.TextField(_("failure reason"), blank=True)
    # The task of the current attempt; a task of an earlier attempt finds the count moved on and
    # does nothing, so a job re-queued after its worker died writes its result once.
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(status__in=LIVE),
                name="core_job_one_live_per_key",
            )
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="core_job_status_beat")]

    def __str__(self):
        return f"{self.kind} {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
