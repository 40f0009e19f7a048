from django.urls import path

from .views import guidance, manage, public, ratings

urlpatterns = [
    # Public: these addresses are printed on plaques and must never change.
    path("", public.home, name="home"),
    path("verify/", public.verify, name="verify"),
    path("verify/<str:number>/", public.verify_number, name="verify_number"),
    path("years/<int:year>/commendation/", public.commendation, name="commendation"),
    path("years/<int:year>/commendation.xlsx", public.commendation_xlsx, name="commendation_xlsx"),
    # Assessors and certifying authorities
    path("work/", ratings.work, name="work"),
    path("queue/", ratings.queue, name="queue"),
    path("queue/decide/", ratings.queue_decide, name="queue_decide"),
    path("ratings/<int:year>/<str:code>/", ratings.rating_detail, name="rating_detail"),
    path("ratings/<int:year>/<str:code>/edit/", ratings.rating_edit, name="rating_edit"),
    path("ratings/<int:year>/<str:code>/submit/", ratings.rating_submit, name="rating_submit"),
    path(
        "ratings/<int:year>/<str:code>/items/<int:number>/decide/",
        ratings.item_decide,
        name="item_decide",
    ),
    path("evidence/<int:pk>/", ratings.evidence_download, name="evidence_download"),
    # Supervised guidance
    path("guidance/", guidance.guidance_list, name="guidance_list"),
    path("guidance/<int:pk>/", guidance.guidance_detail, name="guidance_detail"),
    path("guidance/<int:pk>/notes/", guidance.guidance_note, name="guidance_note"),
    path("guidance/<int:pk>/close/", guidance.guidance_close, name="guidance_close"),
    # Administrators
    path("manage/years/", manage.years, name="manage_years"),
    path("manage/years/<int:year>/close/", manage.year_close, name="year_close"),
    path("manage/years/<int:year>/publish/", manage.year_publish, name="year_publish"),
    path("manage/years/<int:year>/plaques/", manage.year_plaques, name="year_plaques"),
    path("manage/years/<int:year>/plaques/issue/", manage.plaques_issue, name="plaques_issue"),
    path("ratings/<int:year>/<str:code>/plaque/issue/", manage.plaque_issue, name="plaque_issue"),
    path(
        "ratings/<int:year>/<str:code>/eligibility/revoke/",
        manage.eligibility_revoke,
        name="eligibility_revoke",
    ),
    path(
        "ratings/<int:year>/<str:code>/eligibility/reinstate/",
        manage.eligibility_reinstate,
        name="eligibility_reinstate",
    ),
    path("plaques/<str:number>/revoke/", manage.plaque_revoke, name="plaque_revoke"),
    path(
        "plaques/<str:number>/certificate.pdf",
        manage.plaque_certificate,
        name="plaque_certificate",
    ),
]
