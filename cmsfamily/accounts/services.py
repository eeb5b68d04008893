from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cmsfamily.accounts.models import Invitation, User
from cmsfamily.core.services import record_event


class InvitationError(Exception):
    pass


@transaction.atomic
def send_invitation(*, email: str, by: User, purpose: str, base_url: str) -> Invitation:
    invitation = Invitation.objects.create(
        email=email.strip().lower(), invited_by=by, purpose=purpose
    )
    record_event(kind="invitation.sent", target=invitation, actor=by, email=invitation.email)
    link = base_url + reverse("directory:invitation-accept", args=[invitation.token])
    body = _(
        "You are invited to the CMS Family Platform: %(purpose)s\n\n"
        "Open this link to choose your password (valid until %(expires)s):\n%(link)s"
    ) % {"purpose": purpose, "expires": invitation.expires.date().isoformat(), "link": link}
    transaction.on_commit(
        lambda: send_mail(
            _("Invitation to the CMS Family Platform"), body, None, [invitation.email]
        )
    )
    return invitation


def accept_invitation(*, invitation: Invitation, password: str, full_name: str = "") -> User:
    """Create (or reuse) the account of the invited address. Call inside the caller's transaction."""
    if not invitation.is_usable:
        raise InvitationError(_("This invitation has expired or was already used."))
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User.objects.create_user(invitation.email, password, full_name=full_name)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    record_event(kind="invitation.accepted", target=invitation, actor=user)
    return user
