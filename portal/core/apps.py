from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "portal"
    verbose_name = "Cổng chấm điểm DVCQ"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import perms  # noqa: F401  (registers the rules permissions)
