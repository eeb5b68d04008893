from django.core.management.base import BaseCommand

from cmsfamily.contributions.reference import load_seed_rules


class Command(BaseCommand):
    help = "Load the valuation rules seed 003 states (idempotent: existing rules are kept)."

    def handle(self, *args, **options):
        created = load_seed_rules()
        if created:
            self.stdout.write(
                f"created {created} valuation rules from Conservation Collaboration (2019)"
            )
        else:
            self.stdout.write("Valuation rules are in place; nothing changed.")
