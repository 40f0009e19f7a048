"""Faults and integrity: ten people at once, a full disk, a worker killed mid-write, and the
database server restarted under a running portal.

The first ones use real transactions and threads on the suite's database (SQLite or
PostgreSQL); the last one starts a PostgreSQL server of its own, and gunicorn against it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from ratings import workflow
from ratings.choices import Decision, EventAction, ItemStatus, RatingStatus
from ratings.models import Event, EvidenceFile, Plaque, Region, StarRating
from tests import factories
from tests.helpers import BAYINTAOHAI, HAINAN, SAIHANWUSU, decide_all, item, save_rating
from tests.servers import PRODUCTION, gunicorn, postgres_binaries, private_postgres

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 10


def all_at_once(job, count: int = PEOPLE) -> list:
    """Run `job` in `count` threads released together; what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = job()
        except Exception as error:  # the outcome under test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def year(reference_data):
    return workflow.year_open(user=None, year=2026)


@pytest.fixture
def assessor(reference_data):
    return factories.assessor(HAINAN)


def refusals(results: list) -> list:
    return [r for r in results if isinstance(r, Exception)]


def test_ten_people_submitting_one_rating_submit_it_once(year, assessor):
    rating = save_rating(assessor, Region.objects.get(pk=SAIHANWUSU), year)
    results = all_at_once(lambda: workflow.rating_submit(user=assessor, rating=rating))
    assert sum(isinstance(r, StarRating) for r in results) == 1
    assert all(isinstance(r, workflow.TransitionNotAllowed) for r in refusals(results))
    assert Event.objects.filter(action=EventAction.SUBMIT).count() == 1
    assert StarRating.objects.get().status == RatingStatus.SUBMITTED


def test_ten_certifiers_endorsing_one_item_endorse_it_once(year, assessor):
    rating = save_rating(assessor, Region.objects.get(pk=SAIHANWUSU), year)
    workflow.rating_submit(user=assessor, rating=rating)
    certifier = factories.certifier("gongan")
    target = item(rating, 1)
    results = all_at_once(
        lambda: workflow.item_decide(user=certifier, item=target, decision=Decision.ENDORSE)
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, workflow.TransitionNotAllowed) for r in refusals(results))
    assert Event.objects.filter(action=EventAction.ENDORSE).count() == 1
    assert item(rating, 1).status == ItemStatus.ENDORSED


@pytest.fixture
def published_ten_stars(year, assessor):
    """Ten ten-star communities of a published 2026."""
    certifiers = {a: factories.certifier(a) for a in settings_authorities()}
    ratings = []
    for community in factories.communities(BAYINTAOHAI, PEOPLE):
        rating = save_rating(assessor, community, year)
        rating = workflow.rating_submit(user=assessor, rating=rating)
        decide_all(rating, certifiers)
        ratings.append(rating)
    admin = factories.administrator()
    workflow.year_close(user=admin, year=year)
    workflow.year_publish(user=admin, year=year)
    return admin, ratings


def settings_authorities() -> list[str]:
    from ratings.models import Authority

    return list(Authority.objects.values_list("code", flat=True))


def test_ten_administrators_issuing_one_plaque_issue_one_number(published_ten_stars):
    admin, ratings = published_ten_stars
    results = all_at_once(lambda: workflow.plaque_issue(user=admin, rating=ratings[0]))
    assert sum(isinstance(r, Plaque) for r in results) == 1
    assert all(isinstance(r, workflow.TransitionNotAllowed) for r in refusals(results))
    assert Plaque.objects.count() == 1
    assert Event.objects.filter(action=EventAction.PLAQUE_ISSUE).count() == 1


def test_ten_plaques_issued_at_once_get_ten_different_numbers(published_ten_stars):
    admin, ratings = published_ten_stars
    queue = list(ratings)
    lock = threading.Lock()

    def issue_next():
        with lock:
            rating = queue.pop()
        return workflow.plaque_issue(user=admin, rating=rating)

    results = all_at_once(issue_next)
    assert not refusals(results)
    assert sorted(Plaque.objects.values_list("sequence", flat=True)) == list(range(1, 11))
    assert Plaque.objects.values("number").distinct().count() == PEOPLE


# --------------------------------------------------------------------------------------------
# A full disk


@pytest.fixture
def full_disk(tmp_path, settings):
    """MEDIA_ROOT on a 64 KB file system of its own, so that a 100 KB upload fills it."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()}")
    settings.MEDIA_ROOT = mount
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_while_saving_evidence_is_a_clear_message_and_leaves_nothing(
    client, year, assessor, full_disk
):
    client.force_login(assessor)
    big = b"%PDF-1.4\n" + b"0" * 100_000 + b"\n%%EOF\n"
    response = client.post(
        reverse("rating_edit", args=[2026, SAIHANWUSU]),
        {"version": 0, "s1-met": "yes", "s1-files": SimpleUploadedFile("台账.pdf", big)},
        follow=True,
    )
    page = response.content.decode()
    assert "未能保存到服务器" in page and "台账.pdf" in page
    assert not EvidenceFile.objects.exists()
    assert not StarRating.objects.exists()
    assert not [p for p in Path(full_disk).rglob("*") if p.is_file()]


# --------------------------------------------------------------------------------------------
# A worker killed in the middle of a write


def test_ten_administrators_issuing_a_years_plaques_at_once_issue_each_once(
    published_ten_stars,
):
    admin, ratings = published_ten_stars
    year = _year()
    results = all_at_once(lambda: workflow.plaques_issue_for_year(user=admin, year=year).count())
    assert sorted(r for r in results if not isinstance(r, Exception)) == [0] * 9 + [PEOPLE]
    issued = Plaque.objects.order_by("sequence")
    assert [p.sequence for p in issued] == list(range(1, PEOPLE + 1))
    assert [p.rating_id for p in issued] == [
        r.pk for r in sorted(ratings, key=lambda r: r.community_id)
    ]
    assert Event.objects.filter(action=EventAction.PLAQUE_ISSUE).count() == PEOPLE


KILLED_WORKER = """
import os, sys, time
import django
django.setup()
from ratings import workflow
from ratings.models import RatingYear, User
from ratings.workflow import plaques

record = plaques.record_event_batch

def record_then_stall(*args, **kwargs):
    record(*args, **kwargs)
    open(sys.argv[1], "w").close()  # a batch of plaques and events written, not committed
    time.sleep(60)

plaques.record_event_batch = record_then_stall
workflow.plaques_issue_for_year(user=User.objects.get(pk=int(sys.argv[2])), year=RatingYear.objects.get(pk=2026))
"""


def test_a_worker_killed_mid_write_leaves_no_partial_rows(published_ten_stars, tmp_path):
    admin, _ratings = published_ten_stars
    ready = tmp_path / "ready"
    env = {**os.environ, "DATABASE_URL": _database_url()}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    worker = subprocess.Popen(
        [sys.executable, "-c", KILLED_WORKER, str(ready), str(admin.pk)],
        cwd=settings.BASE_DIR,
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the worker never wrote its plaques"
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        worker.stderr.close()
    connection.close()
    assert not Plaque.objects.exists()
    assert not Event.objects.filter(action=EventAction.PLAQUE_ISSUE).exists()
    # And the work can simply be done again.
    assert workflow.plaques_issue_for_year(user=admin, year=_year()).count() == PEOPLE


def _year():
    from ratings.models import RatingYear

    return RatingYear.objects.get(pk=2026)


def _database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    return f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


# --------------------------------------------------------------------------------------------
# The database server restarted under a running portal


@pytest.mark.services
@pytest.mark.skipif(postgres_binaries() is None, reason="needs PostgreSQL's server binaries")
def test_postgres_restarted_under_load_errors_only_while_down():
    with private_postgres() as database:
        env = {**PRODUCTION, "DATABASE_URL": database.url, "CONN_MAX_AGE": "60"}
        _manage(env, "migrate", "--noinput")
        _manage(env, "load_reference")
        with gunicorn(env, workers=2) as server:
            answers = []
            stop = threading.Event()

            def keep_asking():
                while not stop.is_set():
                    asked = time.monotonic()
                    try:
                        status = server.get("/honours/export.json", timeout=5).status
                    except OSError:  # no answer at all counts as an error too
                        status = 0
                    answers.append((asked, time.monotonic(), status))
                    time.sleep(0.02)

            asker = threading.Thread(target=keep_asking)
            asker.start()
            time.sleep(1)
            down_at = time.monotonic()
            database.stop()
            time.sleep(1.5)
            page = server.get("/")
            health = server.get("/healthz")
            database.start()
            up_at = time.monotonic()
            time.sleep(3)
            stop.set()
            asker.join()
            after = server.get("/honours/export.json")

    assert page.status == 503 and "请半分钟后刷新页面重试" in page.text
    assert "Traceback" not in page.text
    assert health.status == 503
    # Errors only while the server was down (and the moment around it); none before, none
    # once it was back, and no restart of gunicorn in between.
    timeline = [(round(asked - down_at, 2), status) for asked, _answered, status in answers]
    errors = [(asked, answered, status) for asked, answered, status in answers if status != 200]
    assert errors, "the requests never met the stopped server"
    # (A request in flight when the server stopped may fail too: it was answered after.)
    assert all(answered >= down_at and asked <= up_at + 1.5 for asked, answered, _ in errors), (
        timeline
    )
    assert all(status in (503, 0) for _asked, _answered, status in errors), errors
    assert any(status == 503 for _asked, _answered, status in errors), errors
    assert [status for asked, _answered, status in answers if asked > up_at + 1.5][-5:] == [200] * 5
    assert after.status == 200


def _manage(env: dict, *args: str) -> None:
    environment = {**os.environ, **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
