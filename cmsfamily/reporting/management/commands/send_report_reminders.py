"""Email the reporters whose report is due in one of their cycle's reminder days (run daily by cron)."""

import datetime as dt

from django.core.mail import send_mass_mail
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cmsfamily.reporting.notifications import due_reminders


class Command(BaseCommand):
    help = "Send the reminders due today for reports not yet submitted."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="pretend today is this date (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="list, do not send")

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        messages = due_reminders(today)
        for subject, _body, _sender, recipients in messages:
            self.stdout.write(f"{subject} -> {', '.join(recipients)}")
        if not dry_run and messages:
            send_mass_mail(messages, fail_silently=False)
        self.stdout.write(f"{len(messages)} reminder(s) {'listed' if dry_run else 'sent'}.")
