from django.utils.translation import gettext_lazy as _

LABELS = {
    "edition.created": _("Edition created"),
    "edition.generated": _("Edition's figures generated"),
    "edition.chapter_edited": _("Edition chapter edited"),
    "edition.moved": _("Edition status changed"),
    "edition.published": _("Edition published"),
}
