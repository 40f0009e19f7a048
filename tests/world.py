"""One small world of every kind of object, shared by the tests that walk every URL.

Building it takes a second, so modules build it once (`module_world` in `conftest.py`) inside a
transaction rolled back after the module; each test runs in a savepoint inside it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from ratings import workflow
from ratings.choices import NoticeKind
from ratings.models import (
    Authority,
    Criterion,
    Designation,
    EvidenceFile,
    GuidanceCase,
    Notice,
    NoticeEntry,
    Objection,
    Plaque,
    Region,
    StarRating,
    Unit,
    User,
)
from ratings.uploads import PDF
from ratings.workdays import window_end
from tests import factories
from tests.helpers import (
    BAYINTAOHAI,
    HAINAN,
    WUDA,
    WUDA_COMMUNITY,
    answers,
    published_year_with,
)

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


@dataclass
class World:
    """In 海南区: a draft rating (建设社区) and a submitted one (赛汗乌素村) of the open year 2026,
    with files, started assessor-led before the district turned application-led; applications
    of 巴音陶亥镇's villages in draft (with a file), applied and forwarded; a published 2025 with a ten-star community (利民社区) holding a plaque and a
    one-star community (曙光村) under guidance; hotels with a submitted, a draft and a named
    assessment."""

    draft: StarRating
    submitted: StarRating
    draft_file: EvidenceFile
    submitted_file: EvidenceFile
    ten_star: StarRating
    plaque: Plaque
    guidance: GuidanceCase
    hotel: Unit  # its 2026 assessment is submitted, with a file
    draft_hotel: Unit  # its 2026 assessment is a draft
    designation: Designation
    application: StarRating  # application-led, the community's draft, with a file
    application_file: EvidenceFile
    applied: StarRating  # waiting for the town's pre-review
    forwarded: StarRating  # waiting for the district's review
    notice: Notice  # the hotels of 2026 on notice as a naming batch, open from 2026-11-02
    objection: Objection  # to 黄河宾馆, with a file, handed to 公安 (the "right" certifier)
    users: dict[str, User | None]
    certifiers: dict[str, User]
    # The filer of each community with a rating, and the reviewer of each town with one.
    filers: dict[str, User]
    prereviewers: dict[str, User]
    # Units assessing themselves in 2026 (the year allows it): a draft of the unit's own, and
    # one the unit filed, waiting for 海南区's review.
    self_draft: Unit
    self_filed: Unit
    # The filer (contact) of each hotel above, by unit id, and of a hotel with no assessment.
    unit_filers: dict[int, User]
    other_unit_filer: User


def build_world() -> World:
    assessor = factories.assessor(HAINAN, username="world-hainan")
    assessor_out = factories.assessor(WUDA, username="world-wuda")
    admin = factories.administrator(username="world-admin")
    certifiers = {
        a.code: factories.certifier(a.code, username=f"world-{a.code}")
        for a in Authority.objects.all()
    }
    past = workflow.year_open(user=None, year=2025)
    ten_star, low = published_year_with(
        assessor,
        certifiers,
        admin,
        past,
        [
            (Region.objects.get(pk="150303102502"), None),
            (Region.objects.get(pk="150303104702"), set(range(2, 11))),  # one star
        ],
    )
    plaque = workflow.plaque_issue(user=admin, rating=ten_star)
    year = workflow.year_open(user=None, year=2026)

    def with_file(community_code: str) -> StarRating:
        community = Region.objects.get(pk=community_code)
        upload = SimpleUploadedFile("说明.pdf", PDF_BYTES)
        return workflow.rating_save(
            user=assessor,
            community=community,
            year=year,
            expected_version=0,
            findings=[
                workflow.Finding(number=n, met=True, uploads=[(upload, PDF)] if n == 1 else [])
                for n in range(1, 11)
            ],
        )

    draft = with_file("150303102501")
    submitted = workflow.rating_submit(user=assessor, rating=with_file("150303104707"))

    def assessed(name: str) -> Unit:
        unit = Unit.objects.create(domain_id="hotel", region_id="150303104000", name=name)
        lines = [
            workflow.LineInput(criterion_id=c.pk, points=c.points)
            for c in Criterion.objects.filter(domain_id="hotel")
        ]
        lines[0].uploads = [(SimpleUploadedFile("登记表.pdf", PDF_BYTES), PDF)]
        workflow.assessment_save(
            user=assessor, unit=unit, year=year, expected_version=0, lines=lines
        )
        return unit

    hotel, draft_hotel, named_hotel = (
        assessed("黄河宾馆"),
        assessed("驿站旅店"),
        assessed("金沙宾馆"),
    )
    for unit in (hotel, named_hotel):
        workflow.assessment_submit(user=assessor, assessment=unit.assessments.get())
    workflow.assessment_decide(
        user=certifiers["wenlv"], assessment=named_hotel.assessments.get(), decision="approve"
    )
    [designation] = workflow.designations_create(
        user=admin,
        units=[named_hotel],
        year=year,
        naming=workflow.Naming(
            title="平安宾馆",
            tier="",
            batch="首批",
            document_number="1号",
            designated_on=datetime.date(2026, 12, 1),
        ),
    )
    workflow.year_unit_self_assessment_set(user=admin, year=year, allowed=True)
    year.refresh_from_db()
    unit_filers = {
        unit.pk: factories.unit_filer(unit, username=f"world-unit-{unit.pk}")
        for unit in (hotel, draft_hotel)
    }

    def self_assessed(name: str, username: str, *, file: bool) -> Unit:
        unit = Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name=name)
        unit_filers[unit.pk] = contact = factories.unit_filer(unit, username=username)
        lines = [
            workflow.LineInput(criterion_id=c.pk, points=c.points)
            for c in Criterion.objects.filter(domain_id="hotel")
        ]
        lines[0].uploads = [(SimpleUploadedFile("自查表.pdf", PDF_BYTES), PDF)]
        assessment = workflow.unit_assessment_save(
            user=contact, unit=unit, year=year, expected_version=0, lines=lines
        )
        if file:
            workflow.unit_assessment_submit(user=contact, assessment=assessment)
        return unit

    self_draft = self_assessed("海韵宾馆", "world-unit-draft", file=False)
    self_filed = self_assessed("湖畔宾馆", "world-unit-filed", file=True)
    other_unit_filer = factories.unit_filer(
        Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="星光旅店"),
        username="world-unit-other",
    )
    workflow.district_mode_set(
        user=admin, district=Region.objects.get(pk=HAINAN), year=year, mode="application"
    )
    filers = {
        code: factories.filer(code, username=f"world-filer-{code}")
        for code in (
            "150303102501",
            "150303102502",
            "150303104701",
            "150303104702",
            "150303104703",
            "150303104705",
            "150303104707",
            WUDA_COMMUNITY,
        )
    }
    prereviewers = {
        code: factories.prereviewer(code, username=f"world-town-{code}")
        for code in ("150303102000", BAYINTAOHAI, "150304011000")
    }

    def applied(code: str) -> StarRating:
        given = answers()
        given[0].uploads = [(SimpleUploadedFile("自评表.pdf", PDF_BYTES), PDF)]
        rating = workflow.application_save(
            user=filers[code],
            community=Region.objects.get(pk=code),
            year=year,
            expected_version=0,
            answers=given,
        )
        if code == "150303104701":
            return rating
        return workflow.application_submit(user=filers[code], rating=rating)

    application, applied_one = applied("150303104701"), applied("150303104703")
    forwarded = workflow.application_forward(
        user=prereviewers[BAYINTAOHAI], rating=applied("150303104705")
    )
    notice, objection = _notice_with_objection(admin, hotel)
    workflow.objection_assign(
        user=admin, objection=objection, authority=Authority.objects.get(pk="gongan")
    )
    objection.refresh_from_db()
    return World(
        application=application,
        application_file=EvidenceFile.objects.get(item__rating=application),
        applied=applied_one,
        forwarded=forwarded,
        filers=filers,
        prereviewers=prereviewers,
        self_draft=self_draft,
        self_filed=self_filed,
        unit_filers=unit_filers,
        other_unit_filer=other_unit_filer,
        notice=notice,
        objection=objection,
        draft=draft,
        submitted=submitted,
        draft_file=EvidenceFile.objects.get(item__rating=draft),
        submitted_file=EvidenceFile.objects.get(item__rating=submitted),
        ten_star=ten_star,
        plaque=plaque,
        guidance=GuidanceCase.objects.get(rating=low),
        hotel=hotel,
        draft_hotel=draft_hotel,
        designation=designation,
        certifiers=certifiers,
        users={
            "anonymous": None,
            "assessor_in": assessor,
            "assessor_out": assessor_out,
            "certifier_right": certifiers["gongan"],  # certifies standard 1
            "certifier_other": certifiers["jindu"],
            "admin": admin,
        },
    )


def _notice_with_objection(admin: User, hotel: Unit) -> tuple[Notice, Objection]:
    """A naming batch on notice (made directly: the hotel's assessment is still under review)
    with one objection, received on the notice's first day."""
    starts_on = datetime.date(2026, 11, 2)
    notice = Notice.objects.create(
        kind=NoticeKind.NAMING,
        year_id=2026,
        domain_id="hotel",
        title="2026年度平安宾馆拟命名名单公示",
        body="以下单位拟命名为平安宾馆(旅店)。",
        naming_title="平安宾馆(旅店)",
        naming_batch="首批",
        starts_on=starts_on,
        working_days=5,
        ends_on=window_end(starts_on, 5),
        created_by=admin,
    )
    entry = NoticeEntry.objects.create(
        notice=notice,
        assessment=hotel.assessments.get(),
        name=hotel.name,
        region_id=hotel.region_id,
    )
    objection = workflow.objection_submit(
        notice=notice,
        entry=entry,
        objection=workflow.ObjectionInput(
            facts="该宾馆2026年8月曾发生消防通道堵塞，未整改到位。",
            name="王建国",
            phone="13904731234",
            evidence=(SimpleUploadedFile("现场照片.pdf", PDF_BYTES), PDF),
        ),
        today=starts_on,
    )
    return notice, objection
