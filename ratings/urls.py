from django.urls import path

from . import converters  # noqa: F401 - registers the path converters
from .views import (
    accounts,
    assessments,
    coverage,
    designations,
    evidence,
    guidance,
    manage,
    public,
    ratings,
    units,
)

urlpatterns = [
    # Public: these addresses are printed on plaques and must never change.
    path("", public.home, name="home"),
    path("honours/", public.honours, name="honours"),
    path("honours/export.<fmt:fmt>", public.honours_export, name="honours_export"),
    path("stats/", public.stats, name="stats"),
    path("stats/export.<fmt:fmt>", public.stats_export, name="stats_export"),
    path("verify/", public.verify, name="verify"),
    path("verify/<str:number>/", public.verify_number, name="verify_number"),
    path("years/<year:year>/commendation/", public.commendation, name="commendation"),
    path("years/<year:year>/commendation.xlsx", public.commendation_xlsx, name="commendation_xlsx"),
    path("statement/", public.statement, name="statement"),
    # Signing in (the password step is wuhai_safety.urls' "login") and one's own account
    path("accounts/login/code/", accounts.login_code, name="login_code"),
    path("accounts/two-factor/", accounts.two_factor_setup, name="two_factor_setup"),
    path("accounts/", accounts.account, name="account"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/two-factor/recovery-codes/", accounts.recovery_codes, name="recovery_codes"),
    path("accounts/two-factor/off/", accounts.two_factor_disable, name="two_factor_disable"),
    path("accounts/password/reset/", accounts.password_reset, name="password_reset"),
    path("accounts/password/reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        accounts.password_reset_complete,
        name="password_reset_complete",
    ),
    # Assessors and certifying authorities
    path("work/", ratings.work, name="work"),
    path("queue/", ratings.queue, name="queue"),
    path("queue/decide/", ratings.queue_decide, name="queue_decide"),
    path("ratings/<year:year>/<code:code>/", ratings.rating_detail, name="rating_detail"),
    path("ratings/<year:year>/<code:code>/edit/", ratings.rating_edit, name="rating_edit"),
    path("ratings/<year:year>/<code:code>/submit/", ratings.rating_submit, name="rating_submit"),
    path(
        "ratings/<year:year>/<code:code>/items/<standard:number>/decide/",
        ratings.item_decide,
        name="item_decide",
    ),
    path("evidence/<id:pk>/", evidence.evidence_download, name="evidence_download"),
    path("evidence/<id:pk>/view/", evidence.evidence_view, name="evidence_view"),
    path("evidence/<id:pk>/inline/", evidence.evidence_inline, name="evidence_inline"),
    # Supervised guidance
    path("guidance/", guidance.guidance_list, name="guidance_list"),
    path("guidance/<id:pk>/", guidance.guidance_detail, name="guidance_detail"),
    path("guidance/<id:pk>/notes/", guidance.guidance_note, name="guidance_note"),
    path("guidance/<id:pk>/close/", guidance.guidance_close, name="guidance_close"),
    # The ten creation domains
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.unit_create, name="unit_create"),
    path("units/<id:pk>/", units.unit_detail, name="unit_detail"),
    path("units/<id:pk>/edit/", units.unit_edit, name="unit_edit"),
    path(
        "units/<id:pk>/assessments/<year:year>/",
        assessments.assessment_detail,
        name="assessment_detail",
    ),
    path(
        "units/<id:pk>/assessments/<year:year>/edit/",
        assessments.assessment_edit,
        name="assessment_edit",
    ),
    path(
        "units/<id:pk>/assessments/<year:year>/submit/",
        assessments.assessment_submit,
        name="assessment_submit",
    ),
    path(
        "units/<id:pk>/assessments/<year:year>/review/",
        assessments.assessment_review,
        name="assessment_review",
    ),
    path("reviews/", assessments.review_queue, name="review_queue"),
    path("designations/", designations.designation_list, name="designation_list"),
    path("designations/new/", designations.designation_create, name="designation_create"),
    path(
        "designations/<id:pk>/revoke/", designations.designation_revoke, name="designation_revoke"
    ),
    path("coverage/", coverage.coverage_table, name="coverage"),
    path("coverage.xlsx", coverage.coverage_xlsx, name="coverage_xlsx"),
    # Administrators
    path("manage/years/", manage.years, name="manage_years"),
    path("manage/years/<year:year>/close/", manage.year_close, name="year_close"),
    path("manage/years/<year:year>/publish/", manage.year_publish, name="year_publish"),
    path("manage/years/<year:year>/plaques/", manage.year_plaques, name="year_plaques"),
    path("manage/years/<year:year>/plaques/issue/", manage.plaques_issue, name="plaques_issue"),
    path("ratings/<year:year>/<code:code>/plaque/issue/", manage.plaque_issue, name="plaque_issue"),
    path(
        "manage/years/<year:year>/plaques/print/",
        manage.print_certificates,
        name="print_certificates",
    ),
    path("manage/print-jobs/<id:pk>/", manage.print_job, name="print_job"),
    path("manage/print-jobs/<id:pk>/status/", manage.print_job_status, name="print_job_status"),
    path(
        "manage/print-jobs/<id:pk>/certificates.pdf",
        manage.print_job_download,
        name="print_job_download",
    ),
    path(
        "ratings/<year:year>/<code:code>/eligibility/revoke/",
        manage.eligibility_revoke,
        name="eligibility_revoke",
    ),
    path(
        "ratings/<year:year>/<code:code>/eligibility/reinstate/",
        manage.eligibility_reinstate,
        name="eligibility_reinstate",
    ),
    path("plaques/<plaque:number>/revoke/", manage.plaque_revoke, name="plaque_revoke"),
    path(
        "plaques/<plaque:number>/certificate.pdf",
        manage.plaque_certificate,
        name="plaque_certificate",
    ),
]
