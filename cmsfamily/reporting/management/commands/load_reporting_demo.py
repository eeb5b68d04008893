"""Create the demonstration report templates and open cycles (idempotent; marked as demo)."""

from django.core.management.base import BaseCommand

from cmsfamily.reporting.demo import load_reporting_demo


class Command(BaseCommand):
    help = "Create demonstration report templates and open cycles for the demo accounts."

    def handle(self, *args, **options):
        made = load_reporting_demo()
        self.stdout.write("Demonstration reporting cycles created." if made else "Already there.")
