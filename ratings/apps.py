from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "ratings"
    # Shown in the admin's index and breadcrumbs instead of "Ratings".
    verbose_name = _("十星评定与十小平安")

    def ready(self) -> None:
        # Listeners: the security log (sign-ins, failures, lock-outs) and the session stamps.
        from . import security_log, signin  # noqa: F401


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the portal's site: a second factor, and the portal's sign-in."""

    default = False
    default_site = "ratings.admin_site.PortalAdminSite"


class LoginLockoutConfig(axes_apps.AppConfig):
    """django-axes, named in Chinese in the admin's index."""

    default = False
    verbose_name = _("登录保护")
