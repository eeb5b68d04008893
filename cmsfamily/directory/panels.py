"""Panels that higher apps add to a Party's page.

The registry is a lower app: it cannot import what the apps above it hold (reports, the ledger,
the duties of a Party). A higher app registers a function here in its ``AppConfig.ready()``;
the Party's page calls each with the request and the Party and shows the HTML it returns (or
nothing, for None: the function decides who may see its panel).
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

PartyPanel = Callable[[HttpRequest, object], SafeString | None]

_PARTY_PANELS: list[PartyPanel] = []


def register_party_panel(panel: PartyPanel) -> None:
    if panel not in _PARTY_PANELS:
        _PARTY_PANELS.append(panel)


def party_panels(request: HttpRequest, party) -> list[SafeString]:
    """The HTML of every registered panel the request's user may see, in order of registration."""
    shown = (panel(request, party) for panel in _PARTY_PANELS)
    return [html for html in shown if html]
