"""The demo's part for the ten creation domains: units, assessments, designations.

Used by `seed_demo`; everything goes through the workflow functions, like real use.
"""

from __future__ import annotations

import random
from datetime import date

from ratings import services, workflow
from ratings.choices import AssessmentStatus, RegionKind, RegionLevel, ReviewDecision, Role
from ratings.models import (
    CREDIT_CODE_CHARS,
    CREDIT_CODE_WEIGHTS,
    Assessment,
    Criterion,
    Domain,
    RatingYear,
    Region,
    Unit,
    User,
)

# Per district: (domain, how many, name pattern). {district} and {n} are filled in.
UNITS_PER_DISTRICT = [
    ("school", 3, ["{district}第一小学", "{district}实验中学", "{district}阳光幼儿园"]),
    ("hospital", 2, ["{district}人民医院", "{district}社区卫生服务中心"]),
    ("hotel", 3, ["{district}黄河宾馆", "{district}甘德尔酒店", "{district}驿站旅店"]),
    ("market", 2, ["{district}综合农贸市场", "{district}购物中心"]),
    ("bank", 2, ["工商银行{district}支行", "农业银行{district}支行"]),
    ("enterprise", 2, ["{district}煤化工有限公司", "{district}建材有限公司"]),
    ("scenic", 1, ["{district}湿地公园景区"]),
    ("traffic", 1, ["{district}公共交通有限公司"]),
]
HOUSEHOLDS = ["张建国", "李秀英", "王志强", "刘桂兰", "陈海军", "杨丽华"]
SHORT = {"150302000000": "海勃湾", "150303000000": "海南", "150304000000": "乌达"}


def credit_code(seed: int) -> str:
    """A well-formed (invented) unified social credit code: an 0150300 area, then digits."""
    body = f"9115030{seed:010d}"
    total = sum(
        CREDIT_CODE_CHARS.index(ch) * w for ch, w in zip(body, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return body + CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def ensure_units(assessors: dict[str, User]) -> list[Unit]:
    """Units in every domain of every district; the communities themselves for the community
    domain. Existing units are kept as they are; new ones are registered through the workflow,
    so each has its registration event."""
    domains = Domain.objects.in_bulk()

    def ensure(
        assessor: User, domain: str, name: str, region: Region, *, code: str = "", here: bool
    ) -> Unit:
        """The unit named `name` in `domain` (and, if `here`, in `region`), registered if new."""
        existing = Unit.objects.filter(domain_id=domain, name=name)
        unit = (existing.filter(region=region) if here else existing).first()
        if unit is None:
            details = services.UnitDetails(
                domain=domains[domain], region=region, name=name, credit_code=code
            )
            unit = services.unit_create(user=assessor, details=details)
        return unit

    units = []
    seed = 0
    for district_code, short in SHORT.items():
        assessor = assessors[district_code]
        places = list(
            Region.objects.filter(code__startswith=district_code[:6], active=True)
            .filter(level=RegionLevel.VILLAGE)
            .order_by("code")
        )
        towns = list(
            Region.objects.filter(parent_id=district_code, level=RegionLevel.TOWN)
            .exclude(kind=RegionKind.ZONE)
            .order_by("code")
        )
        for domain, count, names in UNITS_PER_DISTRICT:
            for n in range(count):
                seed += 1
                name = names[n].format(district=short + "区")
                town = towns[n % len(towns)]
                units.append(
                    ensure(assessor, domain, name, town, code=credit_code(seed), here=False)
                )
        for n, head in enumerate(HOUSEHOLDS):
            units.append(ensure(assessor, "family", head, places[n % len(places)], here=True))
        for community in places[:12]:
            units.append(ensure(assessor, "community", community.name, community, here=True))
    return units


def assess(
    *,
    units: list[Unit],
    year: RatingYear,
    assessors: dict[str, User],
    certifiers: dict[str, User],
    stages: list[str | None],
) -> None:
    """Assess each unit not yet assessed this year, taking it as far as its stage says:
    None (not started), draft, submitted, returned, approved, failing (approved, below the line)."""
    done = set(Assessment.objects.filter(year=year).values_list("unit_id", flat=True))
    criteria: dict[str, list[Criterion]] = {}
    leads = dict(Domain.objects.values_list("code", "lead_authority_id"))
    for index, unit in enumerate(units):
        stage = stages[index % len(stages)]
        if stage is None or unit.pk in done:
            continue
        rng = random.Random(f"{year.year}-{unit.pk}")
        if unit.domain_id not in criteria:
            criteria[unit.domain_id] = list(
                Criterion.objects.filter(domain_id=unit.domain_id, active=True)
            )
        lines = []
        for criterion in criteria[unit.domain_id]:
            full = criterion.is_veto or rng.random() < 0.8
            if stage == "failing":
                full = rng.random() < 0.4
            points = criterion.points if full else max(0, criterion.points - rng.choice([1, 2, 3]))
            if stage == "draft" and rng.random() < 0.3:
                points = None
            lines.append(workflow.LineInput(criterion_id=criterion.pk, points=points, note=""))
        assessor = assessors[unit.region_id[:6] + "000000"]
        assessment = workflow.assessment_save(
            user=assessor, unit=unit, year=year, expected_version=0, lines=lines
        )
        if stage == "draft":
            continue
        assessment = workflow.assessment_submit(user=assessor, assessment=assessment)
        reviewer = certifiers[leads[unit.domain_id]]
        if stage == "approved" or stage == "failing":
            workflow.assessment_decide(
                user=reviewer, assessment=assessment, decision=ReviewDecision.APPROVE
            )
        elif stage == "returned":
            workflow.assessment_decide(
                user=reviewer,
                assessment=assessment,
                decision=ReviewDecision.RETURN,
                reason="请补充消防检查记录和整改台账。",
            )


def designate(*, admin: User, year: RatingYear) -> None:
    """Name every unit of `year` that met the standard, one document per domain."""
    if year.designations.exists():
        return
    meeting = Unit.objects.filter(
        assessments__year=year,
        assessments__status=AssessmentStatus.APPROVED,
        assessments__meets_standard=True,
    ).select_related("domain")
    by_domain: dict[str, list[Unit]] = {}
    for unit in meeting:
        by_domain.setdefault(unit.domain_id, []).append(unit)
    for number, (domain, units) in enumerate(sorted(by_domain.items()), start=1):
        title = units[0].domain.name
        tier = "示范户" if domain == "family" else ""
        workflow.designations_create(
            user=admin,
            units=units,
            year=year,
            naming=workflow.Naming(
                title=title,
                tier=tier,
                batch="首批",
                document_number=f"乌平安办发〔{year.year + 1}〕{number}号",
                designated_on=date(year.year + 1, 1, 15),
            ),
        )


# A unit of 海南区 that assesses itself in the open year (单位自评): its filer signs in with the
# demo password; its self-assessment waits for 海南区's assessor.
UNIT_FILER = ("huanghebinguan", "海南区黄河宾馆", "黄河宾馆填报员")


def unit_filer(*, units: list[Unit], make_user) -> User:
    """The demo unit's filer (made by `make_user(username, **fields)` if missing)."""
    unit = next(u for u in units if u.name == UNIT_FILER[1] and u.domain_id == "hotel")
    return make_user(UNIT_FILER[0], display_name=UNIT_FILER[2], role=Role.FILER, unit=unit)


def unit_self_assessment(*, admin: User, filer: User, year: RatingYear) -> None:
    """Open the year to units' self-assessment; the demo unit fills its own in and files it
    with the district (unless its assessment of the year was started already)."""
    workflow.year_unit_self_assessment_set(user=admin, year=year, allowed=True)
    unit = filer.unit
    if Assessment.objects.filter(unit=unit, year=year).exists():
        return
    lines = [
        workflow.LineInput(
            criterion_id=criterion.pk,
            points=criterion.points if index % 5 else max(0, criterion.points - 1),
            note="" if index % 5 else "消防通道偶有堆放杂物，已整改。",
        )
        for index, criterion in enumerate(
            Criterion.objects.filter(domain_id=unit.domain_id, active=True).order_by("order")
        )
    ]
    year = RatingYear.objects.get(pk=year.pk)
    assessment = workflow.unit_assessment_save(
        user=filer, unit=unit, year=year, expected_version=0, lines=lines
    )
    workflow.unit_assessment_submit(user=filer, assessment=assessment)
