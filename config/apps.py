from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself, as an app only so that its management commands (the demo's driver)
    are found."""

    name = "config"
    label = "project"
