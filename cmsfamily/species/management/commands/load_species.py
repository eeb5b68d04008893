from django.core.management.base import BaseCommand, CommandError

from cmsfamily.species.reference import load_species_data
from cmsfamily.species.services import ImportRefused


class Command(BaseCommand):
    help = (
        "Load the taxa of the CMS Appendices with their listings and range states from "
        "data/species (idempotent: a second run changes nothing)."
    )

    def handle(self, *args, **options):
        try:
            plan = load_species_data()
        except ImportRefused as refused:
            lines = [
                f"line {p.line}{f' ({p.column})' if p.column else ''}: {p.message}"
                for p in refused.problems
            ]
            raise CommandError("The species table was not loaded:\n" + "\n".join(lines)) from None
        if not plan.has_changes:
            self.stdout.write("Species data is up to date; nothing changed.")
            return
        for label, number in plan.counts().items():
            if number:
                self.stdout.write(f"{label.replace('_', ' ')}: {number}")
