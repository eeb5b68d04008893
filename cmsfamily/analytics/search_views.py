"""The search page (`/search/`): the form, the results of `search.py` a page at a time."""

from urllib.parse import urlencode

from django.shortcuts import render

from cmsfamily.analytics import search as finder


def search(request):
    form = finder.SearchForm(request.GET, user=request.user)
    results = None
    page = None
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        results = finder.search(
            request.user,
            query=data["q"],
            kind=data["kind"],
            instrument=data["instrument"],
            region=data["region"],
        )
        page = results.page(request.GET.get("page"))
    keep = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "analytics/search.html",
        {
            "form": form,
            "query": form.cleaned_data.get("q", "") if form.is_valid() else "",
            "results": results,
            "page": page,
            "total": results.total if results else 0,
            "keep": keep,
        },
        status=400 if form.errors else 200,
    )
