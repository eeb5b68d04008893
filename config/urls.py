from django.contrib import admin
from django.urls import include, path

from cmsfamily.analytics import search_views
from cmsfamily.analytics import views as analytics_views
from cmsfamily.api.urls import schema_urlpatterns

handler404 = "cmsfamily.core.views.not_found"

urlpatterns = [
    path("", analytics_views.start, name="home"),
    path("search/", search_views.search, name="search"),
    path("", include("cmsfamily.directory.urls")),
    path("", include("cmsfamily.core.urls")),
    path("species/", include("cmsfamily.species.urls")),
    path("strategy/", include("cmsfamily.strategy.urls")),
    path("workplans/", include("cmsfamily.workplans.urls")),
    path("reports/", include("cmsfamily.reporting.urls")),
    path("contributions/", include("cmsfamily.contributions.urls")),
    path("meetings/", include("cmsfamily.meetings.urls")),
    path("decisions/", include("cmsfamily.decisions.urls")),
    path("consultations/", include("cmsfamily.decisions.consultation_urls")),
    path("analysis/", include("cmsfamily.analytics.urls")),
    path("state-of-the-family/", include("cmsfamily.analytics.editions.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("cmsfamily.api.urls")),
    *schema_urlpatterns,
    path("admin/", admin.site.urls),
]
