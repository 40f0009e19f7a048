from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ratings.views.accounts import SignInView

admin.site.site_header = _("平安乌海 · 管理后台")
admin.site.site_title = _("平安乌海")
admin.site.index_title = _("参考数据与账号")

urlpatterns = [
    # The password step of the two-step sign-in (ratings.views.accounts); the admin site's
    # login page is the same view.
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("ratings.urls")),
]

# A database that cannot be reached is a 503 asking to retry, not a 500.
handler500 = "wuhai_safety.health.server_error"
