from django.core.management.base import BaseCommand

from cmsfamily.decisions.reference import load_decisions_data


class Command(BaseCommand):
    help = (
        "Load the register of decisions the seeds name, from data/decisions "
        "(idempotent: a second run changes nothing)."
    )

    def handle(self, *args, **options):
        report = load_decisions_data()
        if not report.changed:
            self.stdout.write("The register of decisions is up to date; nothing changed.")
        for label, number in sorted(report.created.items()):
            self.stdout.write(f"created {number} {label}")
        for label, number in sorted(report.updated.items()):
            self.stdout.write(f"updated {number} {label}")
