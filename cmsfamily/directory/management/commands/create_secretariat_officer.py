import os
import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cmsfamily.directory import services
from cmsfamily.directory.models import Instrument

PASSWORD_VARIABLE = "CMS_OFFICER_PASSWORD"  # noqa: S105  (the name of a variable, not a password)


class Command(BaseCommand):
    help = (
        "Create the first Secretariat officer of a new installation: an account with a verified "
        "email address, its person in the registry and a confirmed appointment. The password is "
        f"read from --password-file or ${PASSWORD_VARIABLE}; without either a random one is "
        "generated and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--instrument", default="cms", help="code of the instrument (cms)")
        parser.add_argument("--given-name", default="Secretariat")
        parser.add_argument("--family-name", default="Officer")
        parser.add_argument("--position", default="")
        parser.add_argument(
            "--password-file", help="file whose first line is the password (e.g. a secret mount)"
        )

    def handle(self, *args, **options):
        instrument = Instrument.objects.filter(code=options["instrument"]).first()
        if instrument is None:
            raise CommandError(
                f"No instrument with code {options['instrument']!r}: "
                "run `manage.py load_reference` first."
            )
        generated = False
        if options["password_file"]:
            try:
                with open(options["password_file"], encoding="utf-8") as file:
                    password = file.readline().rstrip("\r\n")
            except OSError as error:
                raise CommandError(f"Cannot read the password file: {error}") from error
        elif os.environ.get(PASSWORD_VARIABLE):
            password = os.environ[PASSWORD_VARIABLE]
        else:
            password, generated = secrets.token_urlsafe(15), True
        try:
            user = services.create_secretariat_officer(
                email=options["email"],
                password=password,
                instrument=instrument,
                given_name=options["given_name"],
                family_name=options["family_name"],
                position=options["position"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{user.email} is now a confirmed Secretariat officer of {instrument.code}."
            )
        )
        if generated:
            self.stdout.write(f"Password (shown once, change it after signing in): {password}")
        self.stdout.write(
            "Secretariat staff set up two-factor sign-in (TOTP) at their first sign-in when "
            "MFA_REQUIRED_FOR_SECRETARIAT is on (the default in production)."
        )
