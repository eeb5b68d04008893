from django.urls import path

from cmsfamily.core import views

urlpatterns = [
    path("health/", views.health, name="health"),
    path("exchange-rates/", views.exchange_rate_list, name="exchange-rate-list"),
    path("exchange-rates/add/", views.exchange_rate_add, name="exchange-rate-add"),
]
