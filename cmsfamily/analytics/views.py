from django.shortcuts import render
from django.utils import timezone

from cmsfamily.analytics import selectors


def start(request):
    """The start page: each person's work first (a block per role they hold), then what the
    platform holds; the anonymous visitor gets the latter only."""
    page = selectors.start_page(request.user, today=timezone.localdate())
    return render(request, "analytics/start.html", {"page": page})
