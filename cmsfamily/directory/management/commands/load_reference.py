from django.core.management.base import BaseCommand

from cmsfamily.directory.reference import load_reference_data


class Command(BaseCommand):
    help = (
        "Load the real reference data of the CMS Family (idempotent: a second run changes nothing)."
    )

    def handle(self, *args, **options):
        report = load_reference_data()
        if not report.changed:
            self.stdout.write("Reference data is up to date; nothing changed.")
        for label, number in sorted(report.created.items()):
            self.stdout.write(f"created {number} {label}")
        for label, number in sorted(report.updated.items()):
            self.stdout.write(f"updated {number} {label}")
        for line in report.skipped:
            self.stdout.write(f"not loaded: {line}")
