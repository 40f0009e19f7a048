from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("work/", views.work, name="work"),
    path("queue/", views.queue, name="queue"),
    path("queue/decide/", views.queue_decide, name="queue_decide"),
    path("ratings/<int:year>/<str:code>/", views.rating_detail, name="rating_detail"),
    path("ratings/<int:year>/<str:code>/edit/", views.rating_edit, name="rating_edit"),
    path("ratings/<int:year>/<str:code>/submit/", views.rating_submit, name="rating_submit"),
    path(
        "ratings/<int:year>/<str:code>/items/<int:number>/decide/",
        views.item_decide,
        name="item_decide",
    ),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
