"""Reusing last year's evidence (沿用): linked, never copied; only the same community's and
standard's files of the previous year; counted against the per-item limit; recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ratings import workflow
from ratings.choices import EventAction
from ratings.models import Event, EvidenceFile, Region, StarRating
from ratings.uploads import PDF
from tests import factories
from tests.helpers import SAIHANWUSU, answers, application_led, body, findings, item

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
NEIGHBOUR = "150303104708"


def upload(name: str) -> tuple[SimpleUploadedFile, object]:
    return SimpleUploadedFile(name, CONTENT), PDF


def save(assessor, community, year, **by_number) -> StarRating:
    """Save a rating with `by_number` = {number: Finding keyword arguments} for some items."""
    current = StarRating.objects.filter(community=community, year=year).first()
    chosen = findings()
    for finding in chosen:
        for key, value in by_number.get(f"s{finding.number}", {}).items():
            setattr(finding, key, value)
    return workflow.rating_save(
        user=assessor,
        community=community,
        year=year,
        expected_version=current.version if current else 0,
        findings=chosen,
    )


@pytest.fixture
def last_year(db, assessor, community):
    """2025: item 1 with two files (one withdrawn later), item 2 with one."""
    y2025 = workflow.year_open(user=None, year=2025)
    rating = save(
        assessor,
        community,
        y2025,
        s1={"uploads": [upload("台账.pdf"), upload("旧照片.pdf")]},
        s2={"uploads": [upload("制度.pdf")]},
    )
    withdrawn = EvidenceFile.objects.get(original_name="旧照片.pdf")
    save(assessor, community, y2025, s1={"withdraw": [withdrawn.pk]})
    return rating


def evidence(name: str, year: int = 2025) -> EvidenceFile:
    return EvidenceFile.objects.get(original_name=name, item__rating__year_id=year)


def test_reuse_links_the_same_stored_file_and_records_it(
    assessor, community, year, last_year, settings
):
    old = evidence("台账.pdf")
    files_before = sorted(Path(settings.MEDIA_ROOT).rglob("*.pdf"))

    rating = save(assessor, community, year, s1={"reuse": [old.pk]})

    new = EvidenceFile.objects.get(item=item(rating, 1))
    assert new.reused_from == old and new.file.name == old.file.name
    assert (new.sha256, new.size, new.original_name) == (old.sha256, old.size, old.original_name)
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*.pdf")) == files_before  # no copy
    event = Event.objects.get(rating=rating, action=EventAction.EVIDENCE_ADD)
    assert "沿用2025年度材料" in event.detail and "台账.pdf" in event.detail


def test_withdrawing_the_reuse_leaves_last_years_record(assessor, community, year, last_year):
    old = evidence("台账.pdf")
    rating = save(assessor, community, year, s1={"reuse": [old.pk]})
    new = EvidenceFile.objects.get(item=item(rating, 1))

    save(assessor, community, year, s1={"withdraw": [new.pk]})

    new.refresh_from_db()
    old.refresh_from_db()
    assert new.is_withdrawn and not old.is_withdrawn
    assert Path(old.file.path).exists()


@pytest.mark.parametrize("which", ["other_community", "withdrawn", "other_standard", "unknown"])
def test_reuse_of_a_file_that_is_not_last_years_of_this_item_is_refused(
    assessor, community, year, last_year, which
):
    if which == "other_community":
        neighbour = Region.objects.get(pk=NEIGHBOUR)
        save(assessor, neighbour, last_year.year, s1={"uploads": [upload("邻村.pdf")]})
        pk = evidence("邻村.pdf").pk
    elif which == "withdrawn":
        pk = evidence("旧照片.pdf").pk
    elif which == "other_standard":
        pk = evidence("制度.pdf").pk  # item 2's file, offered to item 1
    else:
        pk = 10**9
    rating = save(assessor, community, year)
    version = rating.version

    with pytest.raises(workflow.TransitionNotAllowed, match="只能沿用"):
        save(assessor, community, year, s1={"reuse": [pk], "note": "改了"})

    rating.refresh_from_db()
    assert rating.version == version
    assert not EvidenceFile.objects.filter(item__rating=rating).exists()
    assert item(rating, 1).note == "第1项说明"


def test_the_same_file_cannot_be_reused_twice(assessor, community, year, last_year):
    old = evidence("台账.pdf")
    save(assessor, community, year, s1={"reuse": [old.pk]})
    with pytest.raises(workflow.TransitionNotAllowed, match="只能沿用"):
        save(assessor, community, year, s1={"reuse": [old.pk]})


def test_reused_files_count_against_the_limit(assessor, community, year, last_year, monkeypatch):
    monkeypatch.setattr("ratings.workflow.evidence.MAX_EVIDENCE_PER_ITEM", 1)
    old = evidence("台账.pdf")
    save(assessor, community, year, s1={"uploads": [upload("新.pdf")]})
    with pytest.raises(workflow.TransitionNotAllowed, match="最多保留"):
        save(assessor, community, year, s1={"reuse": [old.pk]})


def test_the_community_reuses_in_its_self_assessment(admin_user, community, year, last_year):
    application_led(admin_user, year)
    filer = factories.filer(community.code, username="saihanwusu")
    old = evidence("台账.pdf")
    chosen = answers()
    chosen[0].reuse = [old.pk]
    rating = workflow.application_save(
        user=filer, community=community, year=year, expected_version=0, answers=chosen
    )
    assert EvidenceFile.objects.get(item=item(rating, 1)).reused_from == old


# -- the form -----------------------------------------------------------------------------------


def test_the_form_offers_exactly_last_years_files_of_each_item(
    client, assessor, community, year, last_year
):
    client.force_login(assessor)
    url = reverse("rating_edit", args=[2026, SAIHANWUSU])
    page = body(client.get(url))
    kept, withdrawn, other = evidence("台账.pdf"), evidence("旧照片.pdf"), evidence("制度.pdf")
    assert f'name="s1-reuse" value="{kept.pk}"' in page
    assert f'name="s2-reuse" value="{other.pk}"' in page
    assert f'value="{withdrawn.pk}"' not in page.split('name="s1-reuse"', 1)[1].split("s2-")[0]
    assert f'name="s1-reuse" value="{other.pk}"' not in page
    assert "沿用2025年度材料：台账.pdf" in page

    response = client.post(url, {"version": 0, "s1-met": "yes", "s2-reuse_all": "on"})
    assert response.status_code == 302
    rating = StarRating.objects.get(community=community, year=year)
    reused = EvidenceFile.objects.get(item=item(rating, 2))
    assert reused.reused_from == other

    # Shown as reused where evidence is listed, and opened under this year's rating.
    detail = body(client.get(reverse("rating_detail", args=[2026, SAIHANWUSU])))
    assert "沿用2025年度材料" in detail
    download = client.get(reverse("evidence_download", args=[reused.pk]))
    assert b"".join(download.streaming_content) == CONTENT
    # Once reused, the file is no longer offered for that item.
    assert f'name="s2-reuse" value="{other.pk}"' not in body(client.get(url))


def test_the_form_refuses_a_tampered_id(client, assessor, community, year, last_year):
    client.force_login(assessor)
    url = reverse("rating_edit", args=[2026, SAIHANWUSU])
    response = client.post(url, {"version": 0, "s1-reuse": evidence("制度.pdf").pk})
    assert response.status_code == 200
    assert not StarRating.objects.filter(community=community, year=year).exists()


def test_the_certifier_sees_the_reused_file_on_the_decision_page(
    client, assessor, gongan, community, year, last_year
):
    old = evidence("台账.pdf")
    rating = save(assessor, community, year, s1={"reuse": [old.pk]})
    workflow.rating_submit(user=assessor, rating=rating)
    new = EvidenceFile.objects.get(item=item(rating, 1))
    client.force_login(gongan)

    page = body(client.get(reverse("item_decide", args=[2026, SAIHANWUSU, 1])))
    assert "台账.pdf" in page and "沿用2025年度材料" in page
    view = body(client.get(reverse("evidence_view", args=[new.pk])))
    assert "沿用2025年度材料" in view


def test_the_self_assessment_form_offers_and_links_last_years_files(
    client, admin_user, community, year, last_year
):
    application_led(admin_user, year)
    filer = factories.filer(community.code, username="saihanwusu")
    client.force_login(filer)
    url = reverse("application_edit", args=[2026, SAIHANWUSU])
    old = evidence("台账.pdf")
    assert "沿用2025年度材料：台账.pdf" in body(client.get(url))

    response = client.post(url, {"version": 0, "s1-met": "yes", "s1-reuse": old.pk})
    assert response.status_code == 302
    rating = StarRating.objects.get(community=community, year=year)
    assert EvidenceFile.objects.get(item=item(rating, 1)).reused_from == old
