# The circular published Expertise.contact_email, often a person's own address that the registry
# keeps private. It becomes public_contact, an address the Partner sets for the circular; a
# previous value that is the address of a person in the registry is not carried over.

from django.db import migrations, models
from django.db.models import Exists, OuterRef

PUBLIC_CONTACT = models.EmailField(
    blank=True,
    help_text="Published in the circular for anyone to read: an address meant for enquiries, such as the organisation's. A person's own address in the registry stays private.",
    max_length=254,
    verbose_name="public contact email",
)


def keep_addresses_that_are_nobodys(apps, schema_editor):
    Expertise = apps.get_model("directory", "Expertise")
    Person = apps.get_model("directory", "Person")
    private = Person.objects.filter(email__iexact=OuterRef("contact_email"))
    (
        Expertise.objects.exclude(contact_email="")
        .exclude(Exists(private))
        .update(public_contact=models.F("contact_email"))
    )


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0002_person_email_confirmed"),
    ]

    operations = [
        migrations.AddField(model_name="expertise", name="public_contact", field=PUBLIC_CONTACT),
        migrations.AddField(
            model_name="historicalexpertise", name="public_contact", field=PUBLIC_CONTACT
        ),
        migrations.RunPython(keep_addresses_that_are_nobodys, migrations.RunPython.noop),
        migrations.RemoveField(model_name="expertise", name="contact_email"),
        migrations.RemoveField(model_name="historicalexpertise", name="contact_email"),
    ]
