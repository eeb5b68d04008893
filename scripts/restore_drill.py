"""The backup and restore drill: a small Family generated, backed up (scripts/backup.sh), restored
into an empty database (scripts/restore.sh), then every submission version's content hash, every
published report's document, every media file and every table's rows compared, source against
restored. Prints what it compared; exits 1 on any difference. CI may run it (PostgreSQL needed).

    DRILL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cms_drill python scripts/restore_drill.py

Two databases are made from that URL, <name>_source and <name>_restored (the name must contain
"drill": both are dropped first). The generated Family: the real registry (load_reference), a
the demo accounts' people and appointments (load_demo), a reporting template with every kind of question, a cycle with eight Parties' reports answered and
submitted, one of them recalled and submitted again (two versions), five accepted and published,
and three confirming letters (PDFs) in the media.
"""

import hashlib
import json
import os
import shutil
import subprocess  # runs our own tools and scripts, never input; bandit: # nosec B404
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASH = shutil.which("bash") or "/bin/bash"
PARTIES = ("KE", "DE", "FR", "GB", "IT", "ES", "SN", "GH")
PUBLISHED = 5
ANSWERS = [
    ("t.departments", "", "Ministry of Environment"),
    ("t.narrative", "", "<p>Joint <em>work</em> &amp; more</p><p>Second</p>"),
    ("t.threats", "", ["bycatch", "habitat"]),
    ("t.partner-party", "", "DE"),
    ("t.staff", "", 12),
    ("t.obstacles", "birds", "yes"),
    ("t.actions", "birds", "<p>Power lines insulated.</p>"),
    ("t.obstacles", "aquatic-mammals", "no"),
]


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def generate() -> None:
    _django()
    import io

    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.test.utils import override_settings
    from pypdf import PdfWriter

    from cmsfamily.directory.models import Appointment
    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import Submission
    from cmsfamily.reporting.services import Edit
    from cmsfamily.reporting.testing import build_template, open_cycle

    def answer(submission, answers):
        seen = {(a.question.code, a.loop_key): a.revision for a in submission.answers.all()}
        result = services.save_answers(
            submission=submission,
            edits=[
                Edit(code, key, value, seen.get((code, key), 0)) for code, key, value in answers
            ],
            by=None,
        )
        assert result.ok, result.errors

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        cycle = open_cycle(build_template()[1], slug="drill-cycle", parties=PARTIES)
        submissions = list(
            Submission.objects.filter(cycle=cycle)
            .order_by("party__code")
            .prefetch_related("answers__question")
        )
        for n, submission in enumerate(submissions):
            answer(
                submission,
                [
                    (c, k, f"{v} ({submission.party.code})" if c == "t.departments" else v)
                    for c, k, v in ANSWERS
                ],
            )
            services.submit(submission=submission, by=None)
            if n == 0:  # a second version of the same report
                services.recall(submission=submission, by=None)
                answer(Submission.objects.get(pk=submission.pk), [("t.staff", "", 13)])
                services.submit(submission=submission, by=None)
            if n < PUBLISHED:
                services.accept(submission=submission, by=None)
                services.publish(submission=submission, by=None)
    pdf = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Drill: confirming letter"})
    writer.write(pdf)
    with transaction.atomic():
        appointments = list(Appointment.objects.order_by("pk")[:3])
        assert appointments, "no appointment to attach a confirming letter to"
        for appointment in appointments:
            appointment.document.save(
                f"drill-letter-{appointment.pk}.pdf", ContentFile(pdf.getvalue()), save=True
            )


def fingerprint() -> None:
    """What must survive a restore, as JSON on stdout."""
    _django()
    from django.apps import apps
    from django.core.files.storage import storages

    from cmsfamily.reporting import selectors
    from cmsfamily.reporting.exports import version_document
    from cmsfamily.reporting.models import Submission, SubmissionVersion

    versions = {}
    for version in SubmissionVersion.objects.select_related("submission__party").order_by("pk"):
        recomputed = selectors.content_hash(version.snapshot)
        versions[f"{version.submission.party.code} v{version.number}"] = {
            "stored": version.content_hash,
            "recomputed": recomputed,
        }
    published = {}
    for submission in Submission.objects.filter(published_at__isnull=False).select_related(
        "party", "cycle__version__template"
    ):
        version = submission.versions.order_by("-number").first()
        document = json.dumps(version_document(version), sort_keys=True, ensure_ascii=False)
        published[submission.party.code] = hashlib.sha256(document.encode()).hexdigest()
    media_root = Path(storages["default"].location)
    media = {
        str(path.relative_to(media_root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }
    rows = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    json.dump(
        {"versions": versions, "published": published, "media": media, "rows": rows}, sys.stdout
    )


def _recreate(url: str) -> None:
    import dj_database_url
    import psycopg

    conf = dj_database_url.parse(url)
    assert "drill" in conf["NAME"], "the drill drops its databases: their names must say drill"
    with psycopg.connect(
        host=conf["HOST"],
        port=conf["PORT"] or 5432,
        user=conf["USER"],
        password=conf["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{conf["NAME"]}"')
        connection.execute(f'CREATE DATABASE "{conf["NAME"]}"')


def drill() -> int:
    base = os.environ.get("DRILL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cms_drill")
    source, restored = f"{base}_source", f"{base}_restored"
    python = sys.executable
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": source,
            "MEDIA_ROOT": str(work_dir / "media-source"),
            "DJANGO_DEBUG": "0",
            "DJANGO_STATIC_MANIFEST": "0",
        }
        env.pop("MEDIA_S3_BUCKET", None)
        restored_env = {
            **env,
            "DATABASE_URL": restored,
            "MEDIA_ROOT": str(work_dir / "media-restored"),
        }

        def run(args, environment, capture=False):
            print("$", " ".join(str(a) for a in args), flush=True)
            result = subprocess.run(  # noqa: S603 - our own scripts; bandit: # nosec B603
                [str(a) for a in args],
                cwd=ROOT,
                env=environment,
                check=True,
                text=True,
                stdout=subprocess.PIPE if capture else None,
            )
            return result.stdout

        for url in (source, restored):
            _recreate(url)
        run([python, "manage.py", "migrate", "--no-input", "-v", "0"], env)
        run([python, "manage.py", "load_reference"], env, capture=True)
        run([python, "manage.py", "load_demo"], env, capture=True)  # people and appointments
        run([python, __file__, "generate"], env)
        before = json.loads(run([python, __file__, "fingerprint"], env, capture=True))
        backup_dir = run([BASH, "scripts/backup.sh", work_dir / "backups"], env, capture=True)
        backup_dir = backup_dir.strip().splitlines()[-1]
        sizes = {p.name: p.stat().st_size for p in Path(backup_dir).iterdir()}
        started = time.monotonic()
        run([BASH, "scripts/restore.sh", backup_dir], restored_env)
        restore_seconds = time.monotonic() - started
        after = json.loads(run([python, __file__, "fingerprint"], restored_env, capture=True))
        # A second restore onto the restored database must be refused, not mixed into it.
        again = subprocess.run(  # noqa: S603 - our own script; bandit: # nosec B603
            [BASH, "scripts/restore.sh", backup_dir],
            cwd=ROOT,
            env=restored_env,
            capture_output=True,
            text=True,
            check=False,
        )

    problems = []
    for name, hashes in before["versions"].items():
        if hashes["stored"] != hashes["recomputed"]:
            problems.append(f"source version {name}: stored hash differs from its content")
    for name, hashes in after["versions"].items():
        if hashes["stored"] != hashes["recomputed"]:
            problems.append(f"restored version {name}: stored hash differs from its content")
    for part in ("versions", "published", "media", "rows"):
        if before[part] != after[part]:
            differing = sorted(
                key
                for key in set(before[part]) | set(after[part])
                if before[part].get(key) != after[part].get(key)
            )
            problems.append(f"{part} differ after the restore: {differing[:10]}")
    if again.returncode == 0 or "refused" not in again.stderr:
        problems.append("a restore onto a database that has tables was not refused")
    for kind in ("versions", "published", "media"):
        if not before[kind]:
            problems.append(f"the generated Family has no {kind}: nothing was compared")
    print()
    print(f"backup: {', '.join(f'{name} {size:,} bytes' for name, size in sorted(sizes.items()))}")
    print(
        f"compared: {len(after['versions'])} submission versions (stored hash = recomputed hash = "
        f"source's), {len(after['published'])} published documents, {len(after['media'])} media "
        f"files, {len(after['rows'])} tables ({sum(after['rows'].values()):,} rows)"
    )
    print(f"restore took {restore_seconds:.1f} s; a second restore onto it: {again.stderr.strip()}")
    for problem in problems:
        print("DIFFERENCE:", problem)
    print("RESTORE DRILL", "FAILED" if problems else "PASSED: the restored platform is identical")
    return 1 if problems else 0


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "drill"
    if mode == "generate":
        generate()
    elif mode == "fingerprint":
        fingerprint()
    else:
        sys.exit(drill())
