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
        from django.db.models.signals import post_save, pre_save

        from . import security_log, signin  # noqa: F401
        from .coverage_counts import unit_before_save, unit_saved

        # A unit's save moves the coverage counters (`coverage_counts`).
        unit = self.get_model("Unit")
        pre_save.connect(unit_before_save, sender=unit, dispatch_uid="coverage_unit_before")
        post_save.connect(unit_saved, sender=unit, dispatch_uid="coverage_unit_saved")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the portal's site: a second factor, and the portal's sign-in."""

    default = False
    default_site = "ratings.admin_site.PortalAdminSite"


class LoginLockoutConfig(axes_apps.AppConfig):
    """django-axes, named in Chinese in the admin's index."""

    default = False
    verbose_name = _("登录保护")
