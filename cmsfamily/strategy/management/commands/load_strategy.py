from django.core.management.base import BaseCommand

from cmsfamily.strategy.reference import load_strategy_data


class Command(BaseCommand):
    help = (
        "Load the Strategic Plan for Migratory Species 2015-2023 and the Aichi, SDG and GBF "
        "lists (idempotent: a second run changes nothing)."
    )

    def handle(self, *args, **options):
        report = load_strategy_data()
        if not report.changed:
            self.stdout.write("Strategic Plan data is up to date; nothing changed.")
        for label, number in sorted(report.created.items()):
            self.stdout.write(f"created {number} {label}")
        for label, number in sorted(report.updated.items()):
            self.stdout.write(f"updated {number} {label}")
