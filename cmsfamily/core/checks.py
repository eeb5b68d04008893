"""System checks of a production deployment, run by `manage.py check --deploy`."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Error, register

COLLECT = "Run `manage.py collectstatic --no-input` after every deployment of new code."


@register(deploy=True)
def static_files_collected(app_configs, **kwargs):
    """A manifest storage answers 500 on every page whose static file is not in its manifest."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    try:
        manifest, _hash = staticfiles_storage.load_manifest()
    except ValueError:  # a manifest Django cannot read
        manifest = {}
    if not manifest:
        return [
            Error(
                f"Static files are not collected: there is no manifest in {settings.STATIC_ROOT}, "
                "so every page would answer 500.",
                hint=COLLECT,
                id="cmsfamily.E001",
            )
        ]
    missing = sorted(
        path
        for finder in finders.get_finders()
        for path, _storage in finder.list(ignore_patterns=["CVS", ".*", "*~"])
        if path.replace("\\", "/") not in manifest
    )
    if missing:
        return [
            Error(
                f"Static files are out of date: {len(missing)} are not collected "
                f"(first: {missing[0]}), so the pages that use them would answer 500.",
                hint=COLLECT,
                id="cmsfamily.E002",
            )
        ]
    return []
