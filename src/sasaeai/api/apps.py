from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API shell (`/api/v1/`); an app so its messages have a catalogue."""

    name = "sasaeai.api"
    label = "api"
    verbose_name = "API"
