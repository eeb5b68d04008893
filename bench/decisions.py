"""Issue 20's benchmark, in-process: `python -m bench.decisions`.

On a fresh test database with the real reference data (131 Parties): a 400-paragraph draft with
2,000 comments from 20 synthetic commenters, and a Resolution of 50 paragraphs addressed to the
Parties with every Party's implementation row (about 6,550). Measured in the same run, as the CMS
Secretariat (who reads every comment and every row): the SQL statements and the median time of
the consultation page with 200 and with 2,000 comments (the statements must not grow), of the
compilation as XLSX, and of the Resolution's page with its implementation overview; each time
beside a floor, the raw SQL that reads the same comments (or rows) through the cursor.
Everything synthetic is marked "Synthetic". Not yet part of `make bench`'s served load (p95
under 20 clients): that needs the synthetic Family of bench/generate.py to hold it.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

PARAGRAPHS = 400
COMMENTS = 2000
COMMENTERS = 20
OVERVIEW_PARAGRAPHS = 50
RUNS = 7


def _median(call, runs=RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _statements(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def _setup():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ENV", "development")
    import django

    django.setup()
    from django.db import connection

    # No setup_test_environment(): its instrumented template rendering would be measured too.
    connection.creation.create_test_db(verbosity=0, autoclobber=True)


def main() -> int:
    _setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from cmsfamily.accounts.models import User
    from cmsfamily.decisions import services
    from cmsfamily.decisions.models import Comment, Implementation
    from cmsfamily.directory.models import Party
    from cmsfamily.directory.reference import load_reference_data

    load_reference_data()
    officer = User.objects.create_superuser("bench-decisions@example.invalid", "x" * 20)
    commenters = [
        User.objects.create_user(f"synthetic-{n}@example.invalid", "x" * 20)
        for n in range(COMMENTERS)
    ]
    draft = "\n\n".join(
        f"Synthetic paragraph {n} of the draft, with a few words to change."
        for n in range(PARAGRAPHS)
    )
    consultation = services.open_consultation(
        title="Synthetic draft (bench/decisions.py)",
        content=draft.encode(),
        file_name="synthetic.md",
        deadline=timezone.now() + timedelta(days=30),
        visibility="commenters",
        all_nfps=True,
        by=None,
    )
    paragraphs = list(consultation.versions.get().paragraphs.all())

    def add_comments(start, stop):
        Comment.objects.bulk_create(
            Comment(
                paragraph=paragraphs[n % PARAGRAPHS],
                author=commenters[n % COMMENTERS],
                kind="proposal" if n % 2 else "general",
                text=f"Synthetic comment {n}",
                proposed_text=f"Synthetic paragraph {n % PARAGRAPHS} of the draft, changed."
                if n % 2
                else "",
            )
            for n in range(start, stop)
        )

    client = Client()
    client.force_login(officer)
    page = consultation.get_absolute_url()
    xlsx = f"/consultations/{consultation.slug}/compilation.xlsx"

    def floor_comments():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.id, c.text, c.proposed_text, u.email FROM decisions_comment c "
                "JOIN accounts_user u ON u.id = c.author_id"
            )
            cursor.fetchall()

    results = {}
    add_comments(0, COMMENTS // 10)
    client.get(page)
    results["page statements, 200 comments"] = _statements(lambda: client.get(page))
    add_comments(COMMENTS // 10, COMMENTS)
    results["page statements, 2,000 comments"] = _statements(lambda: client.get(page))
    results["compilation statements, 2,000 comments"] = _statements(lambda: client.get(xlsx))
    floor = _median(floor_comments)
    page_time = _median(lambda: client.get(page))
    xlsx_time = _median(lambda: client.get(xlsx), runs=3)

    decision = services.record_decision(
        by=None,
        slug="synthetic-resolution",
        kind="resolution",
        number="99.1",
        title="Synthetic resolution (bench/decisions.py)",
        body="cop",
        paragraphs=[
            {"number": str(n), "text": f"Synthetic paragraph {n}", "addressees": ["parties"]}
            for n in range(1, OVERVIEW_PARAGRAPHS + 1)
        ],
    )
    parties = list(Party.objects.all())
    statuses = ["not_started", "in_progress", "done", "not_applicable"]
    Implementation.objects.bulk_create(
        Implementation(addressee=addressee, party=party, status=statuses[(i + j) % 4])
        for i, addressee in enumerate(
            a for p in decision.paragraphs.all() for a in p.addressees.all()
        )
        for j, party in enumerate(parties)
    )
    overview_page = decision.get_absolute_url()
    client.get(overview_page)
    results["overview statements"] = _statements(lambda: client.get(overview_page))

    def floor_rows():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT addressee_id, status, COUNT(*) FROM decisions_implementation "
                "GROUP BY addressee_id, status"
            )
            cursor.fetchall()

    overview_floor = _median(floor_rows)
    overview_time = _median(lambda: client.get(overview_page))
    rows = Implementation.objects.count()

    print(f"# Decisions and consultations (bench/decisions.py, {connection.vendor})\n")
    for label, value in results.items():
        print(f"- {label}: {value}")
    print(
        f"- consultation page ({PARAGRAPHS} paragraphs, {COMMENTS} comments): "
        f"{page_time * 1000:.1f} ms median = {page_time / floor:.1f} × the raw SQL floor "
        f"({floor * 1000:.2f} ms)"
    )
    print(
        f"- compilation XLSX: {xlsx_time * 1000:.1f} ms median = {xlsx_time / floor:.1f} × the floor"
    )
    print(
        f"- Resolution page with the overview of {len(parties)} Parties × {OVERVIEW_PARAGRAPHS} "
        f"paragraphs ({rows} rows): {overview_time * 1000:.1f} ms median = "
        f"{overview_time / overview_floor:.1f} × its raw SQL floor ({overview_floor * 1000:.2f} ms)"
    )
    grows = results["page statements, 2,000 comments"] > results["page statements, 200 comments"]
    if grows:
        print("! the consultation page's statements grow with the number of comments")
    return 1 if grows else 0


if __name__ == "__main__":
    raise SystemExit(main())
