from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework import routers
from rest_framework.routers import DefaultRouter

from cmsfamily.analytics import api as analytics_api
from cmsfamily.analytics import gap_api, indicators_api, target_api
from cmsfamily.contributions import api as contributions_api
from cmsfamily.core import api as core_api
from cmsfamily.core.permissions import ReadScopedWriteByRule
from cmsfamily.decisions import api as decisions_api
from cmsfamily.directory import api as directory_api
from cmsfamily.meetings import api as meetings_api
from cmsfamily.reporting import api as reporting_api
from cmsfamily.species import api as species_api
from cmsfamily.strategy import api as strategy_api
from cmsfamily.workplans import api as workplans_api

app_name = "api"


class APIRoot(routers.APIRootView):
    """The list of the API's endpoints, open to everyone like the schema."""

    permission_classes = [ReadScopedWriteByRule]


router = DefaultRouter()
router.APIRootView = APIRoot
router.register("parties", directory_api.PartyViewSet, basename="party")
router.register("instruments", directory_api.InstrumentViewSet, basename="instrument")
router.register("memberships", directory_api.MembershipViewSet, basename="membership")
router.register("organisations", directory_api.OrganisationViewSet, basename="organisation")
router.register("focal-points", directory_api.FocalPointViewSet, basename="focal-point")
router.register("nominations", directory_api.NominationViewSet, basename="nomination")
router.register("species", species_api.TaxonViewSet, basename="taxon")
router.register("strategic-plans", strategy_api.StrategicPlanViewSet, basename="strategic-plan")
router.register("goals", strategy_api.GoalViewSet, basename="goal")
router.register("targets", strategy_api.TargetViewSet, basename="target")
router.register("aichi-targets", strategy_api.AichiTargetViewSet, basename="aichi-target")
router.register("sdgs", strategy_api.SdgViewSet, basename="sdg")
router.register("gbf-targets", strategy_api.GbfTargetViewSet, basename="gbf-target")
router.register("indicators", strategy_api.IndicatorViewSet, basename="indicator")
router.register("indicator-values", strategy_api.IndicatorValueViewSet, basename="indicator-value")
router.register("target-mappings", strategy_api.MappingViewSet, basename="target-mapping")
router.register("work-programmes", workplans_api.WorkProgrammeViewSet, basename="work-programme")
router.register("activities", workplans_api.ActivityViewSet, basename="activity")
router.register("resource-lines", workplans_api.ResourceLineViewSet, basename="resource-line")
router.register("report-questions", reporting_api.QuestionViewSet, basename="report-question")
router.register("report-templates", reporting_api.TemplateViewSet, basename="report-template")
router.register("reporting-cycles", reporting_api.CycleViewSet, basename="reporting-cycle")
router.register("submissions", reporting_api.SubmissionViewSet, basename="submission")
router.register("contributions", contributions_api.ContributionViewSet, basename="contribution")
router.register(
    "valuation-rules", contributions_api.ValuationRuleViewSet, basename="valuation-rule"
)
router.register(
    "assessed-contributions",
    contributions_api.AssessedContributionViewSet,
    basename="assessed-contribution",
)
router.register("exchange-rates", core_api.ExchangeRateViewSet, basename="exchange-rate")
router.register("progress-updates", workplans_api.ProgressUpdateViewSet, basename="progress-update")
router.register("meetings", meetings_api.MeetingViewSet, basename="meeting")
router.register("meeting-documents", meetings_api.DocumentViewSet, basename="meeting-document")
router.register(
    "meeting-invitations", meetings_api.InvitationViewSet, basename="meeting-invitation"
)
router.register("meeting-delegates", meetings_api.DelegateViewSet, basename="meeting-delegate")
router.register("decisions", decisions_api.DecisionViewSet, basename="decision")
router.register(
    "decision-implementation", decisions_api.ImplementationViewSet, basename="implementation"
)
router.register("consultations", decisions_api.ConsultationViewSet, basename="consultation")
router.register("consultation-comments", decisions_api.CommentViewSet, basename="comment")

urlpatterns = [
    path("", include(router.urls)),
    path("analysis/", analytics_api.AnalysisView.as_view(), name="analysis"),
    path("analysis/answers/", analytics_api.AnalysisAnswersView.as_view(), name="analysis-answers"),
    path("analysis/targets/", target_api.TargetsView.as_view(), name="analysis-targets"),
    path(
        "analysis/targets/<int:number>/",
        target_api.TargetView.as_view(),
        name="analysis-target",
    ),
    path("analysis/gaps/", gap_api.GapsView.as_view(), name="analysis-gaps"),
    path("analysis/duties/", analytics_api.DutiesView.as_view(), name="analysis-duties"),
    path(
        "analysis/indicators/<str:key>/",
        indicators_api.IndicatorSeriesView.as_view(),
        name="analysis-indicator",
    ),
]

schema_urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Redoc styles itself with <style> elements it writes at run time (styled-components), which
    # no nonce can reach, and searches in a worker it makes from a blob of its own code: this page
    # alone allows inline styles and blob: workers. Its scripts stay 'self' only.
    path(
        "api/redoc/",
        csp_replace({"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
]
