from django.core.management.base import BaseCommand

from cmsfamily.workplans.demo import load_demo_programme
from cmsfamily.workplans.reference import load_workplans_data


class Command(BaseCommand):
    help = (
        "Load the work programmes of seeds 001 and 002 from data/workplans "
        "(idempotent: a second run changes nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also create the demonstration shared programme of the demo BirdLife account.",
        )

    def handle(self, *args, **options):
        if options["demo"] and load_demo_programme():
            self.stdout.write("created the demonstration programme demo-birdlife-shared (a draft)")
        report = load_workplans_data()
        if not report.changed:
            self.stdout.write("Work programme data is up to date; nothing changed.")
        for label, number in sorted(report.created.items()):
            self.stdout.write(f"created {number} {label}")
        for label, number in sorted(report.updated.items()):
            self.stdout.write(f"updated {number} {label}")
