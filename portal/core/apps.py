from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "portal"
    verbose_name = "Cổng chấm điểm DVCQ"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from . import perms  # noqa: F401  (registers the rules permissions)
        from .models import Event

        def failed(sender, credentials, request=None, **kw):
            Event.objects.create(username=str(credentials.get("username", ""))[:150], action="login.failed",
                                 detail="đăng nhập không thành công")

        user_login_failed.connect(failed, dispatch_uid="portal-login-failed", weak=False)
