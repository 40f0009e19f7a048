"""Two people saving the same rating at the same moment: one wins, the other is told who won.

These tests use real transactions and threads, so they run against the database itself (a file
on SQLite, the server on PostgreSQL), as CI does on both.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction

from ratings import workflow
from ratings.choices import Decision, EventAction, RatingStatus
from ratings.models import Criterion, Event, Region, StarRating, Unit
from tests import factories
from tests.helpers import BAYINTAOHAI, HAINAN, SAIHANWUSU, findings, item, submitted_rating


def outcome(job):
    """What the job returned or raised, on this thread's own database connection."""
    try:
        return job()
    except Exception as error:
        return error
    finally:
        connection.close()


def race(*jobs):
    """Run the jobs in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        barrier.wait()
        results[index] = outcome(job)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_version_let_exactly_one_win(reference_data):
    year = workflow.year_open(user=None, year=2026)
    first, second = factories.assessor(HAINAN), factories.assessor(HAINAN)
    community = Region.objects.get(pk=SAIHANWUSU)
    rating = workflow.rating_save(
        user=first, community=community, year=year, expected_version=0, findings=findings()
    )

    def save(user, met):
        return lambda: workflow.rating_save(
            user=user,
            community=community,
            year=year,
            expected_version=rating.version,
            findings=findings({1: met}),
        )

    results = race(save(first, False), save(second, None))

    conflicts = [r for r in results if isinstance(r, workflow.Conflict)]
    saved = [r for r in results if isinstance(r, StarRating)]
    assert len(conflicts) == 1 and len(saved) == 1, results
    winner = saved[0].updated_by
    assert str(winner) in conflicts[0].message
    assert StarRating.objects.get().version == rating.version + 1
    assert Event.objects.filter(action="draft_save").count() == 2  # the first save and the winner


def wait_until_blocked(seconds: float = 5.0) -> None:
    """Give another thread time to queue behind a lock held here (on PostgreSQL: until it does)."""
    if connection.vendor != "postgresql":
        time.sleep(0.3)  # SQLite: the other writer waits in BEGIN IMMEDIATE
        return
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)


def rating_saver(year):
    """The first save of a rating, and a function that saves it again from that version."""
    community = Region.objects.get(pk=SAIHANWUSU)
    rating = workflow.rating_save(
        user=factories.assessor(HAINAN),
        community=community,
        year=year,
        expected_version=0,
        findings=findings(),
    )

    def save_again(user):
        return workflow.rating_save(
            user=user,
            community=community,
            year=year,
            expected_version=rating.version,
            findings=findings({1: False}),
        )

    return rating, save_again


def assessment_saver(year):
    """The same for a hotel's assessment in a creation domain."""
    unit = Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="黄河宾馆")
    criterion = Criterion.objects.filter(domain_id="hotel", active=True).first()

    def save(user, points, version):
        return workflow.assessment_save(
            user=user,
            unit=unit,
            year=year,
            expected_version=version,
            lines=[workflow.LineInput(criterion_id=criterion.pk, points=points)],
        )

    assessment = save(factories.assessor(HAINAN), 0, 0)
    return assessment, lambda user: save(user, 1, assessment.version)


@pytest.mark.parametrize("saver", [rating_saver, assessment_saver], ids=["rating", "assessment"])
@pytest.mark.django_db(transaction=True)
def test_a_save_that_waited_for_another_persons_save_is_told_who_won(reference_data, saver):
    """The loser queues behind the winner's lock; once let through it must see the winner's row
    (not lose it, as a lock query joining `updated_by` would on PostgreSQL)."""
    year = workflow.year_open(user=None, year=2026)
    first, second = factories.assessor(HAINAN), factories.assessor(HAINAN, display_name="王晓")
    target, save_again = saver(year)
    results = []

    with transaction.atomic():
        type(target).objects.select_for_update().get(pk=target.pk)
        waiting = threading.Thread(
            target=lambda: results.append(outcome(lambda: save_again(first)))
        )
        waiting.start()
        wait_until_blocked()
        save_again(second)
    waiting.join(timeout=60)

    assert len(results) == 1 and isinstance(results[0], workflow.Conflict), results
    assert "王晓" in results[0].message
    stored = type(target).objects.get()
    assert stored.version == target.version + 1 and stored.updated_by == second


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_saves_create_one_rating(reference_data):
    year = workflow.year_open(user=None, year=2026)
    users = factories.assessor(HAINAN), factories.assessor(HAINAN)
    community = Region.objects.get(pk=SAIHANWUSU)

    def start(user):
        return lambda: workflow.rating_save(
            user=user, community=community, year=year, expected_version=0, findings=findings()
        )

    results = race(start(users[0]), start(users[1]))

    assert sum(isinstance(r, workflow.Conflict) for r in results) == 1, results
    assert StarRating.objects.count() == 1
    assert StarRating.objects.get().items.count() == 10


@pytest.mark.django_db(transaction=True)
def test_revoking_a_rating_nobody_started_while_someone_starts_it(reference_data):
    """Revoking eligibility creates the rating when there is none; if the assessor starts it at
    the same moment, one of them creates it and the other works on that one: never a 500."""
    year = workflow.year_open(user=None, year=2026)
    assessor, admin = factories.assessor(HAINAN), factories.administrator()
    community = Region.objects.get(pk=SAIHANWUSU)

    results = race(
        lambda: workflow.rating_save(
            user=assessor, community=community, year=year, expected_version=0, findings=findings()
        ),
        lambda: workflow.eligibility_revoke(
            user=admin, community=community, year=year, reason="群众口碑差"
        ),
        lambda: workflow.eligibility_revoke(
            user=admin, community=community, year=year, reason="群众口碑差"
        ),
    )

    saved, *revokes = results
    assert not any(isinstance(r, IntegrityError) for r in results), results
    assert isinstance(saved, StarRating | workflow.Conflict | workflow.TransitionNotAllowed)
    # Exactly one revocation went through; the other was told it was done already.
    assert sum(isinstance(r, StarRating) for r in revokes) == 1, revokes
    assert sum(isinstance(r, workflow.TransitionNotAllowed) for r in revokes) == 1, revokes
    rating = StarRating.objects.get()
    assert rating.status == RatingStatus.REVOKED and rating.items.count() == 10
    assert Event.objects.filter(action=EventAction.ELIGIBILITY_REVOKE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_endorsements_make_one_event(reference_data):
    year = workflow.year_open(user=None, year=2026)
    assessor = factories.assessor(HAINAN)
    colleagues = factories.certifier("gongan"), factories.certifier("gongan")
    rating = submitted_rating(assessor, Region.objects.get(pk=SAIHANWUSU), year)
    target = item(rating, 1)

    results = race(
        *[
            (
                lambda user=user: workflow.item_decide(
                    user=user, item=target, decision=Decision.ENDORSE
                )
            )
            for user in colleagues
        ]
    )

    assert sum(isinstance(r, workflow.TransitionNotAllowed) for r in results) == 1, results
    assert Event.objects.filter(action="endorse").count() == 1
    assert StarRating.objects.get().stars == 1


@pytest.mark.django_db
def test_second_save_in_the_browser_gets_a_reload_message(client, assessor, community, year):
    from tests.factories import assessor as make_assessor

    colleague = make_assessor(HAINAN, display_name="王晓")
    rating = workflow.rating_save(
        user=assessor, community=community, year=year, expected_version=0, findings=findings()
    )
    url = f"/ratings/2026/{SAIHANWUSU}/edit/"
    # The colleague saves first from a form loaded at the same version.
    client.force_login(colleague)
    assert client.post(url, {"version": rating.version, "s1-met": "no"}).status_code == 302
    client.force_login(assessor)
    response = client.post(url, {"version": rating.version, "s1-met": "yes", "s1-note": "我的说明"})

    html = response.content.decode()
    assert response.status_code == 409
    assert "王晓" in html and "重新加载" in html
    assert "我的说明" in html  # what they typed is still on screen
    assert item(rating, 1).met is False  # nothing overwritten
