from django.core.management.base import BaseCommand

from cmsfamily.workplans.reference import load_workplans_data


class Command(BaseCommand):
    help = (
        "Load the work programmes of seeds 001 and 002 from data/workplans "
        "(idempotent: a second run changes nothing)."
    )

    def handle(self, *args, **options):
        report = load_workplans_data()
        if not report.changed:
            self.stdout.write("Work programme data is up to date; nothing changed.")
        for label, number in sorted(report.created.items()):
            self.stdout.write(f"created {number} {label}")
        for label, number in sorted(report.updated.items()):
            self.stdout.write(f"updated {number} {label}")
