from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cmsfamily.contributions.models import AssessedContribution, Contribution, ValuationRule


@admin.register(ValuationRule)
class ValuationRuleAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "value", "currency", "valid_from", "valid_to")


@admin.register(Contribution)
class ContributionAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "kind", "value", "value_currency", "status", "validated_at")
    list_filter = ("kind", "status")

    # Writes go through the services (valuation, validation, corrections): read-only here.
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(AssessedContribution)
class AssessedContributionAdmin(SimpleHistoryAdmin):
    list_display = ("party", "instrument", "year", "amount", "currency")
