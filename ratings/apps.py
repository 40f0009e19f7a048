from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ratings"
    # Shown in the admin's index and breadcrumbs instead of "Ratings".
    verbose_name = _("十星评定与十小平安")

    def ready(self) -> None:
        # The security log listens to sign-ins, failures and sign-outs.
        from . import security_log  # noqa: F401
