from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cmsfamily.api"
    label = "api"
    verbose_name = "API"
