"""Printing a year's certificates as one PDF: in the request without a broker, on a Celery
worker with one (the last test starts a real worker against Redis)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from ratings import services, workflow
from ratings.choices import PrintJobStatus
from ratings.models import Plaque, PrintJob, Region
from tests import factories
from tests.helpers import BAYINTAOHAI, HAINAN, published_year_with

pytestmark = pytest.mark.django_db


def pages(job: PrintJob) -> list[str]:
    with job.file.open("rb") as stored:
        return [page.extract_text() for page in PdfReader(io.BytesIO(stored.read())).pages]


@pytest.fixture
def plaques(reference_data_or_db, certifiers, admin_user):
    """A published 2025 with four ten-star communities of 巴音陶亥镇, four plaques, one of them
    revoked, and one ten-star community of another town."""
    assessor = factories.assessor(HAINAN, username="print-assessor")
    year = workflow.year_open(user=None, year=2025)
    places = factories.communities(BAYINTAOHAI, 4) + [Region.objects.get(pk="150303102502")]
    published_year_with(assessor, certifiers, admin_user, year, [(p, None) for p in places])
    issued = workflow.plaques_issue_for_year(user=admin_user, year=year)
    [revoked] = [p for p in issued if p.rating.community_id == places[0].code]
    workflow.plaque_revoke(user=admin_user, plaque=revoked, reason="损毁")
    return year, [Plaque.objects.get(pk=p.pk) for p in issued]


@pytest.fixture
def reference_data_or_db(db):
    """The reference data is already in the suite's database for these (non-transactional) tests."""


def test_a_year_is_printed_as_one_pdf_of_its_valid_plaques(
    plaques, admin_user, django_capture_on_commit_callbacks
):
    year, issued = plaques
    with django_capture_on_commit_callbacks(execute=True):
        job = services.print_job_request(user=admin_user, year=year, region=None)
    job.refresh_from_db()
    assert job.status == PrintJobStatus.DONE and job.done == job.total == 4
    text = pages(job)
    assert len(text) == 4
    [revoked] = [p for p in issued if not p.is_valid]
    assert revoked.number not in "".join(text)  # the revoked plaque is not printed
    assert all("十星平安社区(村)" in page for page in text)
    assert job.file.name.startswith("prints/") and str(year.year) not in job.file.name


def test_a_town_is_printed_alone(plaques, admin_user, django_capture_on_commit_callbacks):
    year, issued = plaques
    town = Region.objects.get(pk=BAYINTAOHAI)
    in_town = [p for p in issued if p.is_valid and town.contains(p.rating.community_id)]
    assert len(in_town) == 3  # one of the four was revoked
    with django_capture_on_commit_callbacks(execute=True):
        job = services.print_job_request(user=admin_user, year=year, region=town)
    job.refresh_from_db()
    assert job.total == 3 and len(pages(job)) == 3
    assert all("巴音陶亥镇" in page for page in pages(job))


def test_refused_for_an_unpublished_year_nothing_to_print_or_a_non_administrator(
    plaques, admin_user, assessor
):
    year, _issued = plaques
    open_year = workflow.year_open(user=None, year=2026)
    with pytest.raises(workflow.TransitionNotAllowed, match="尚未公布"):
        services.print_job_request(user=admin_user, year=open_year, region=None)
    with pytest.raises(workflow.TransitionNotAllowed, match="没有有效的牌匾"):
        services.print_job_request(
            user=admin_user, year=year, region=Region.objects.get(pk="150304000000")
        )
    with pytest.raises(workflow.TransitionNotAllowed, match="只有管理员"):
        services.print_job_request(user=assessor, year=year, region=None)
    assert not PrintJob.objects.exists()


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(plaques, admin_user):
    year, _issued = plaques
    job = services.print_job_request(user=admin_user, year=year, region=None)  # not run yet
    first = services.print_job_run(job_id=job.pk)
    name = first.file.name
    again = services.print_job_run(job_id=job.pk)
    assert again.status == PrintJobStatus.DONE and again.file.name == name


def test_the_pages_of_a_print_job(client, plaques, admin_user, django_capture_on_commit_callbacks):
    year, _issued = plaques
    client.force_login(admin_user)
    page = client.get(reverse("print_certificates", args=[year.year]))
    assert "全市：4 张证书" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("print_certificates", args=[year.year]))
    job = PrintJob.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse("print_job", args=[job.pk])
    status = client.get(reverse("print_job_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["done"] == status["total"] == 4
    download = client.get(reverse("print_job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages) == 4
    assert "no-store" in download["Cache-Control"]


# --------------------------------------------------------------------------------------------
# A real worker


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_prints_while_the_page_shows_progress(
    reference_data, client, tmp_path, settings
):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    broker = "redis://127.0.0.1:6379/14"
    redis.Redis.from_url(broker).flushdb()
    from ratings.models import Authority

    certifiers = {a.code: factories.certifier(a.code) for a in Authority.objects.all()}
    admin = factories.administrator()
    assessor = factories.assessor(HAINAN)
    year = workflow.year_open(user=None, year=2025)
    places = factories.communities(BAYINTAOHAI, 30)
    published_year_with(assessor, certifiers, admin, year, [(p, None) for p in places])
    workflow.plaques_issue_for_year(user=admin, year=year)

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "wuhai_safety",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        # The request comes from another process configured with the broker, as the web
        # server's would; this one watches the job the way the progress page does.
        asked = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", ASK_FOR_PRINT % admin.pk],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert asked.returncode == 0, asked.stderr[-2000:]
        job = PrintJob.objects.get()
        client.force_login(admin)
        seen = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            status = client.get(reverse("print_job_status", args=[job.pk])).json()
            seen.append((status["status"], status["done"]))
            if status["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        log.close()
    worker_log = (tmp_path / "worker.log").read_text()[-3000:]
    assert seen[-1] == ("done", 30), (seen[-5:], worker_log)
    assert seen[0] in (("queued", 0), ("running", 0)), seen[:3]  # not done in the request
    job.refresh_from_db()
    assert len(pages(job)) == 30


ASK_FOR_PRINT = """
from django.db import transaction
from ratings import services
from ratings.models import RatingYear, User
with transaction.atomic():
    services.print_job_request(
        user=User.objects.get(pk=%d), year=RatingYear.objects.get(pk=2025), region=None
    )
"""


def _database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    host = params["HOST"] or "127.0.0.1"
    return f"postgres://{params['USER']}@{host}:{params['PORT'] or 5432}/{params['NAME']}"
