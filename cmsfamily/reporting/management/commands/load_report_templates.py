"""Import the real report templates shipped in cmsfamily/reporting/data/templates (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from cmsfamily.reporting.templates_data import REFUSED, load_report_templates


class Command(BaseCommand):
    help = (
        "Import the shipped report templates (Partner questionnaire, CMS national report by "
        "target, an Agreement report sharing its questions) as draft versions; a template "
        "already loaded is left as it is."
    )

    def handle(self, *args, **options):
        outcomes = load_report_templates()
        for outcome in outcomes:
            self.stdout.write(str(outcome))
        refused = [outcome.file for outcome in outcomes if outcome.action == REFUSED]
        if refused:
            raise CommandError(f"Not imported: {', '.join(refused)} (see the problems above).")
