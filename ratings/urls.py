from django.urls import path

from . import converters  # noqa: F401 - registers the path converters
from .views import (
    accounts,
    applications,
    assessments,
    coverage,
    deadlines,
    designations,
    evidence,
    guidance,
    inbox,
    manage,
    notices,
    public,
    ratings,
    reports,
    rereviews,
    unit_assessments,
    units,
)

urlpatterns = [
    # Public: these addresses are printed on plaques and must never change.
    path("", public.home, name="home"),
    path("honours/", public.honours, name="honours"),
    path("honours/export.<fmt:fmt>", public.honours_export, name="honours_export"),
    path("stats/", public.stats, name="stats"),
    path("stats/export.<fmt:fmt>", public.stats_export, name="stats_export"),
    path("stats/<year:year>/report.pdf", public.stats_report, name="stats_report"),
    path("verify/", public.verify, name="verify"),
    path("verify/<str:number>/", public.verify_number, name="verify_number"),
    path("years/<year:year>/commendation/", public.commendation, name="commendation"),
    path("years/<year:year>/commendation.xlsx", public.commendation_xlsx, name="commendation_xlsx"),
    path("statement/", public.statement, name="statement"),
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/<id:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/objection/<receipt:receipt>/", notices.objection_status, name="objection_status"),
    path("verify/<plaque:number>/report/", reports.report_new, name="report_new"),
    path("reports/<report_receipt:receipt>/", reports.report_status, name="report_status"),
    # Signing in (the password step is wuhai_safety.urls' "login") and one's own account
    path("accounts/login/code/", accounts.login_code, name="login_code"),
    path("accounts/two-factor/", accounts.two_factor_setup, name="two_factor_setup"),
    path("accounts/", accounts.account, name="account"),
    path("accounts/reminders/", accounts.reminder_settings, name="reminder_settings"),
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
    # What awaits each signed-in user, and what concerns them
    path("todo/", inbox.todo, name="todo"),
    path("inbox/", inbox.inbox, name="inbox"),
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
    path(
        "ratings/<year:year>/<code:code>/items/<standard:number>/remove/",
        manage.star_remove,
        name="star_remove",
    ),
    # The application-led chain: community, town, district
    path(
        "ratings/<year:year>/<code:code>/apply/edit/",
        applications.application_edit,
        name="application_edit",
    ),
    path(
        "ratings/<year:year>/<code:code>/apply/",
        applications.application_submit,
        name="application_submit",
    ),
    path(
        "ratings/<year:year>/<code:code>/prereview/",
        applications.application_prereview,
        name="application_prereview",
    ),
    path(
        "ratings/<year:year>/<code:code>/review/return/",
        applications.application_review_return,
        name="application_review_return",
    ),
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
    # A unit's self-assessment: the unit's filer, then the district's assessor
    path(
        "units/<id:pk>/assessments/<year:year>/self/",
        unit_assessments.unit_assessment_edit,
        name="unit_assessment_edit",
    ),
    path(
        "units/<id:pk>/assessments/<year:year>/file/",
        unit_assessments.unit_assessment_submit,
        name="unit_assessment_submit",
    ),
    path(
        "units/<id:pk>/assessments/<year:year>/return/",
        unit_assessments.unit_assessment_return,
        name="unit_assessment_return",
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
    path("manage/years/<year:year>/modes/", applications.district_modes, name="district_modes"),
    path("manage/years/<year:year>/publish/", manage.year_publish, name="year_publish"),
    path("manage/years/<year:year>/deadlines/", deadlines.year_deadlines, name="year_deadlines"),
    path(
        "manage/years/<year:year>/deadlines/extend/",
        deadlines.deadline_extend,
        name="deadline_extend",
    ),
    path("manage/years/<year:year>/progress/", deadlines.year_progress, name="year_progress"),
    path(
        "manage/years/<year:year>/progress.xlsx",
        deadlines.year_progress_xlsx,
        name="year_progress_xlsx",
    ),
    path(
        "manage/years/<year:year>/deadlines/close-apply/",
        deadlines.apply_stage_close,
        name="apply_stage_close",
    ),
    path(
        "manage/years/<year:year>/outstanding.xlsx",
        manage.year_outstanding_xlsx,
        name="year_outstanding_xlsx",
    ),
    path(
        "manage/years/<year:year>/incomplete/", manage.ratings_incomplete, name="ratings_incomplete"
    ),
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
    path("manage/notices/", notices.manage_notices, name="manage_notices"),
    path("manage/notices/new/", notices.notice_open_batch, name="notice_open_batch"),
    path("manage/years/<year:year>/notice/", notices.notice_open_year, name="notice_open_year"),
    path("manage/notices/<id:pk>/name/", notices.notice_name, name="notice_name"),
    # Objections: administrators, and the authority each is handed to
    path("objections/", notices.objection_list, name="objection_list"),
    path("objections/<id:pk>/", notices.objection_detail, name="objection_detail"),
    path("objections/<id:pk>/assign/", notices.objection_assign, name="objection_assign"),
    path("objections/<id:pk>/finding/", notices.objection_find, name="objection_find"),
    path("objections/<id:pk>/evidence/", notices.objection_evidence, name="objection_evidence"),
    # Residents' reports: administrators, and the assessors of the community's district
    path("resident-reports/", reports.report_list, name="report_list"),
    path("resident-reports/<id:pk>/", reports.report_detail, name="report_detail"),
    path("resident-reports/<id:pk>/finding/", reports.report_find, name="report_find"),
    path("resident-reports/<id:pk>/evidence/", reports.report_evidence, name="report_evidence"),
    # Re-review (复查) of ten-star communities
    path("manage/rereviews/", rereviews.rereview_list, name="rereview_list"),
    path("manage/rereviews/new/", rereviews.rereview_open, name="rereview_open"),
    path("manage/rereviews/<id:pk>/", rereviews.rereview_detail, name="rereview_detail"),
    path("rereviews/", rereviews.rereview_work, name="rereview_work"),
    path("rereviews/<id:pk>/", rereviews.rereview_find, name="rereview_find"),
    path(
        "rereviews/<id:pk>/remove-stars/",
        rereviews.rereview_stars_remove,
        name="rereview_stars_remove",
    ),
    path(
        "manage/plaques/to-take-back/", manage.plaques_not_taken_back, name="plaques_not_taken_back"
    ),
    path("plaques/<plaque:number>/take-back/", manage.plaque_take_back, name="plaque_take_back"),
    path("plaques/<plaque:number>/revoke/", manage.plaque_revoke, name="plaque_revoke"),
    path(
        "plaques/<plaque:number>/certificate.pdf",
        manage.plaque_certificate,
        name="plaque_certificate",
    ),
]
