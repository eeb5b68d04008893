from django.core.management.base import BaseCommand

from cmsfamily.directory.demo import PERSONAS, load_demo


class Command(BaseCommand):
    help = (
        "Create the demo accounts (marked as demo). Passwords are printed once, when they are set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords", action="store_true", help="Set and print new demo passwords."
        )

    def handle(self, *args, **options):
        passwords = load_demo(reset_passwords=options["reset_passwords"])
        if not passwords:
            self.stdout.write(
                "Demo accounts exist already (their passwords were printed when they were created). "
                "Run `.venv/bin/python manage.py load_demo --reset-passwords` for new ones."
            )
            return
        self.stdout.write(self.style.WARNING("Demo accounts (local use only; shown once):"))
        roles = {persona.email: persona.family_name for persona in PERSONAS}
        for email, password in passwords.items():
            self.stdout.write(f"  {roles[email]:<24} {email:<28} password: {password}")
