"""A lived-in demo: extra communities, one account per role, and ratings in every state.

Everything is made through the workflow functions, so the demo has the same events and history
as real use. Running the command again adds only what is missing.

Administrators and certifiers sign in with a one-time code besides the password: each demo
account of theirs gets an authenticator "phone" whose secret is printed beside the accounts (it
is a demo), and `manage.py demo_code <user>` prints its current code.
"""

from __future__ import annotations

import random
from base64 import b32encode
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ratings import permissions, selectors, workflow
from ratings.choices import (
    CodeSource,
    Decision,
    RatingMode,
    RegionKind,
    RegionLevel,
    Role,
    YearStatus,
)
from ratings.management.commands import _demo_domains as demo_domains
from ratings.management.commands import _demo_notices as demo_notices
from ratings.management.commands import _demo_voice as demo_voice
from ratings.models import (
    Authority,
    GuidanceCase,
    RatingYear,
    Region,
    StarItem,
    StarRating,
    StarStandard,
    User,
)
from ratings.uploads import PDF
from ratings.workflow.stars import barring_rating

DEMO_PASSWORD = "pingan2026"
# The name of the authenticator device seed_demo gives a demo account (demo_code reads only it).
DEMO_DEVICE_NAME = "演示手机"
CITY = "150300000000"
ASSESSORS = [
    ("haibowan", "150302000000", "海勃湾区评定员"),
    ("hainan", "150303000000", "海南区评定员"),
    ("wuda", "150304000000", "乌达区评定员"),
]
DEMO_PER_DISTRICT = 24
# Invented names for demo communities; real ones come from the reference data.
DEMO_NAMES = (
    "朝阳 光明 幸福 和平 育才 康乐 民主 胜利 友谊 振兴 春晖 阳光 建华 青山 锦绣 安康 丰收 富民 "
    "兴业 怡园 金泰 瑞景 文化 星光 长青 绿洲 湖畔 滨湖 黄河 甘德尔 金沙 海晏 北苑 南苑 西园 东园 "
    "欣荣 祥和 和谐 宏达 永安 广场 车站 工人 矿山 青年 红旗 黎明 新风 卫东 林丰 惠民 乐园 紫荆 "
    "桃园 葡萄园 书香 泉水 天骄 鸿雁 草原 乌兰 明珠 龙泉 凤鸣 润园 馨苑 嘉园 福泽 同心 安泰 雁湖"
).split()
PAST_YEAR, CURRENT_YEAR = 2025, 2026
# 海南区, where the ten-star rating began, runs the open year application-led: its communities
# apply themselves. The demo's filer and town reviewer sign in with the demo password.
APPLICATION_DISTRICT = "150303000000"
FILER = ("saihanwusu", "150303104707", "赛汗乌素村填报员")
PREREVIEWER = ("bayintaohai", "150303104000", "巴音陶亥镇初审员")
# How far each application of 海南区 goes, in turn (赛汗乌素村 stays a draft for its filer).
APPLICATION_STAGES = [
    "applied",
    "forwarded",
    "town_back",
    "dist_back",
    "submitted",
    "returned",
    "certified",
    "draft",
    None,
    "applied",
    "certified",
]
DEMO_PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Plan:
    """How far one demo rating goes, and how its items are judged and decided."""

    stage: str  # draft | submitted | partly | returned | certified
    not_met: set[int] = field(default_factory=set)
    rejected: set[int] = field(default_factory=set)
    returned: set[int] = field(default_factory=set)


CURRENT_STAGES = [
    None,
    "draft",
    "submitted",
    "partly",
    "returned",
    "certified",
    None,
    "draft",
    "certified",
    "submitted",
    "returned",
    "certified",
]


class Command(BaseCommand):
    help = "Create demo communities, accounts (password pingan2026) and ratings. Idempotent."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on production)."
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password; it refuses to run with "
                "DEBUG off. Use --force only on a throw-away database."
            )
        call_command("load_reference", stdout=self.stdout)
        self.standard_names = dict(StarStandard.objects.values_list("number", "name"))
        with transaction.atomic():
            self._communities()
            admin, assessors, certifiers = self._users()
            for user in [admin, *certifiers.values()]:
                self._demo_device(user)
        self._years(admin, assessors, certifiers)
        self._print_accounts()

    # -- regions ------------------------------------------------------------------------------

    def _communities(self) -> None:
        names = iter(DEMO_NAMES)
        for _username, district_code, _display in ASSESSORS:
            towns = list(
                Region.objects.filter(parent_id=district_code, level=RegionLevel.TOWN)
                .exclude(kind=RegionKind.ZONE)
                .order_by("code")
            )
            for k in range(DEMO_PER_DISTRICT):
                town = towns[k % len(towns)]
                name = next(names)
                rural = town.kind == RegionKind.TOWN and k % 2 == 1
                code = town.code[:9] + str(901 + k // len(towns))
                Region.objects.get_or_create(
                    code=code,
                    defaults={
                        "name": name + ("村" if rural else "社区"),
                        "level": RegionLevel.VILLAGE,
                        "kind": RegionKind.VILLAGE if rural else RegionKind.COMMUNITY,
                        "parent": town,
                        "code_source": CodeSource.DEMO,
                        "note": "演示数据",
                    },
                )

    # -- accounts -----------------------------------------------------------------------------

    def _user(self, username: str, **fields) -> User:
        user, created = User.objects.get_or_create(username=username, defaults=fields)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _users(self) -> tuple[User, dict[str, User], dict[str, User]]:
        admin = self._user(
            "admin",
            display_name="市平安办管理员",
            role=Role.ADMIN,
            is_staff=True,
            is_superuser=True,
        )
        assessors = {
            district: self._user(
                username, display_name=display, role=Role.ASSESSOR, region_id=district
            )
            for username, district, display in ASSESSORS
        }
        self._user(FILER[0], display_name=FILER[2], role=Role.FILER, region_id=FILER[1])
        self._user(
            PREREVIEWER[0],
            display_name=PREREVIEWER[2],
            role=Role.PREREVIEWER,
            region_id=PREREVIEWER[1],
        )
        certifiers = {
            authority.code: self._user(
                authority.code,
                display_name=f"{authority.short_name}认定员",
                role=Role.CERTIFIER,
                authority=authority,
            )
            for authority in Authority.objects.filter(active=True)
        }
        return admin, assessors, certifiers

    @staticmethod
    def _demo_device(user: User) -> None:
        """A confirmed authenticator for an account that must sign in with a code, unless it
        has one (its own phone, enrolled through the portal, or this demo's from last time)."""
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)

    # -- years and ratings --------------------------------------------------------------------

    def _years(self, admin: User, assessors: dict[str, User], certifiers: dict[str, User]) -> None:
        units = demo_domains.ensure_units(assessors)
        communities = list(
            Region.objects.villages().filter(active=True, code__startswith="1503").order_by("code")
        )
        if not RatingYear.objects.filter(pk=PAST_YEAR).exists():
            year = workflow.year_open(user=admin, year=PAST_YEAR)
            for index, community in enumerate(communities):
                rng = random.Random(f"{PAST_YEAR}{community.code}")
                stars = [10, 10, 10, 9, 8, 10, 7, 5, 10, 6, 4, 10][index % 12]
                plan = self._certified(rng, stars)
                if index == 13:  # still undecided at close: 未完成评定
                    plan = Plan(stage="partly")
                self._rate(community, year, assessors, certifiers, plan)
            demo_domains.assess(
                units=units,
                year=year,
                assessors=assessors,
                certifiers=certifiers,
                stages=["approved", "approved", "approved", "failing", "approved", None],
            )
            workflow.year_close(user=admin, year=year)
        demo_notices.past_year_notice(admin=admin, year=RatingYear.objects.get(pk=PAST_YEAR))
        self._publish_past_year(admin)
        demo_domains.designate(admin=admin, year=RatingYear.objects.get(pk=PAST_YEAR))
        past = RatingYear.objects.get(pk=PAST_YEAR)
        demo_voice.rereview_sample(admin=admin, year=past, assessors=assessors)
        demo_voice.satisfaction_survey(year=past)
        demo_voice.resident_report(year=past)
        self._current_year(admin, assessors, certifiers, communities)
        current = RatingYear.objects.get(pk=CURRENT_YEAR)
        if current.is_open:
            demo_domains.unit_self_assessment(
                admin=admin,
                filer=demo_domains.unit_filer(units=units, make_user=self._user),
                year=current,
            )
            demo_domains.assess(
                units=units,
                year=current,
                assessors=assessors,
                certifiers=certifiers,
                stages=[None, "draft", "submitted", "returned", "approved", "failing", None],
            )
            note = demo_notices.open_batch_notice(admin=admin, year=current)
            if note:
                self.stdout.write(f"No open notice in the demo: {note}")
        self._guidance(assessors)

    def _publish_past_year(self, admin: User) -> None:
        """The past year is public, with plaques: one revoked alone, one with its eligibility."""
        year = RatingYear.objects.get(pk=PAST_YEAR)
        if year.status == YearStatus.CLOSED and selectors.rating_list_undecided(year=year).exists():
            workflow.ratings_mark_incomplete(
                user=admin, year=year, reason="认定机关未能在年度截止前完成认定，按未完成评定处理。"
            )
        if year.status == YearStatus.CLOSED:
            year = workflow.year_publish(user=admin, year=year)
        if year.status != YearStatus.PUBLISHED or year.plaques.exists():
            return
        plaques = list(workflow.plaques_issue_for_year(user=admin, year=year))
        if len(plaques) >= 3:
            workflow.plaque_revoke(
                user=admin, plaque=plaques[1], reason="牌匾损毁，已按程序注销原编号。"
            )
            workflow.eligibility_revoke(
                user=admin,
                community=plaques[2].rating.community,
                year=year,
                reason="年内发生多起群众投诉，群众口碑较差，经市平安办研究取消当年评星资格。",
                bar_years=1,  # 不得参评 in the open year
            )
        if len(plaques) >= 4:
            # 摘星 on the narcotics-control office's request: the title and plaque go with it.
            workflow.star_remove(
                user=admin,
                item=plaques[3].rating.items.get(standard_id=6),
                reason="辖区内查获吸毒人员一名，经禁毒办认定，该项不再符合“无毒害”标准。",
                document_number=f"乌禁毒办〔{PAST_YEAR + 1}〕5号",
            )
            workflow.plaque_take_back(
                user=admin,
                plaque=plaques[3],
                taken_back_on=timezone.localdate(),
                taken_back_by="海南区平安办 李强",
            )

    def _current_year(
        self,
        admin: User,
        assessors: dict[str, User],
        certifiers: dict[str, User],
        communities: list[Region],
    ) -> None:
        year = RatingYear.objects.filter(pk=CURRENT_YEAR).first() or workflow.year_open(
            user=admin, year=CURRENT_YEAR
        )
        if year.status != YearStatus.OPEN:
            return
        workflow.district_mode_set(
            user=admin,
            district=Region.objects.get(pk=APPLICATION_DISTRICT),
            year=year,
            mode=RatingMode.APPLICATION,
        )
        started = set(StarRating.objects.filter(year=year).values_list("community_id", flat=True))
        certified = 0
        applying = [c for c in communities if c.code.startswith(APPLICATION_DISTRICT[:6])]
        for index, community in enumerate(applying):
            stage = APPLICATION_STAGES[index % len(APPLICATION_STAGES)]
            if community.code == FILER[1]:
                stage = "draft"
            if stage is not None and community.code not in started:
                self._apply(community, year, assessors, certifiers, stage)
        for index, community in enumerate(communities):
            stage = CURRENT_STAGES[index % len(CURRENT_STAGES)]
            if stage is None or community.code in started or community in applying:
                continue
            if barring_rating(community, year) is not None:
                continue  # 不得参评: the work list says why
            rng = random.Random(f"{CURRENT_YEAR}{community.code}")
            if stage == "certified":
                plan = self._certified(rng, [10, 8, 5, 3][certified % 4])
                certified += 1
            else:
                plan = Plan(stage=stage, not_met=set(rng.sample(range(1, 11), rng.choice([0, 1]))))
                if stage == "returned":
                    plan.returned = {rng.choice(sorted(set(range(1, 11)) - plan.not_met))}
            self._rate(community, year, assessors, certifiers, plan)
        self._deadlines(admin, year)

    @staticmethod
    def _deadlines(admin: User, year: RatingYear) -> None:
        """Stage deadlines around today, set once (an administrator's later dates stay): filing
        ended three days ago (unfiled applications show 逾期; the stage is not closed), the
        town's ends in two days (the daily digest tells it), and 赛汗乌素村 has an extension."""
        if year.apply_due is not None:
            return
        today = timezone.localdate()
        workflow.year_deadlines_set(
            user=admin,
            year=year,
            dues={
                "apply": today - timedelta(days=3),
                "prereview": today + timedelta(days=2),
                "review": today + timedelta(days=21),
                "certify": today + timedelta(days=45),
            },
        )
        rating = StarRating.objects.filter(year=year, community_id=FILER[1]).first()
        if rating is None or rating.applied_at is None:
            workflow.deadline_extend(
                user=admin,
                year=year,
                community=Region.objects.get(pk=FILER[1]),
                until=today + timedelta(days=7),
                reason="村“两委”换届，延期一周申报。",
            )

    def _guidance(self, assessors: dict[str, User]) -> None:
        """Fill in the guidance cases opened by certification: one overdue, one closed."""
        today = timezone.localdate()
        fresh = GuidanceCase.objects.filter(version=1, status="open").select_related(
            "rating__community"
        )
        for index, case in enumerate(fresh.order_by("rating__year", "rating__community")):
            assessor = assessors[case.rating.community_id[:6] + "000000"]
            overdue = index % 3 == 0
            case = workflow.guidance_update(
                user=assessor,
                case=case,
                expected_version=1,
                measures="一、组织网格员逐户走访排查隐患；二、联合派出所开展法治宣传；三、每月向街道(镇)报告整改进度。",
                responsible_person=f"{case.rating.community.name}党组织书记",
                due_date=today - timedelta(days=15) if overdue else today + timedelta(days=60),
            )
            workflow.guidance_note_add(
                user=assessor, case=case, text="已召开整改动员会，制定整改台账，逐项明确责任人。"
            )
            if case.rating.year_id == PAST_YEAR and index % 3 == 1:
                workflow.guidance_close(
                    user=assessor,
                    case=case,
                    outcome="整改措施全部落实，本年度辖区未再发生同类问题，经复查同意结案。",
                )

    @staticmethod
    def _certified(rng: random.Random, stars: int) -> Plan:
        misses = rng.sample(range(1, 11), 10 - stars)
        # Most missing stars were judged not met by the assessor; some were refused by the authority.
        rejected = set(misses[:1]) if len(misses) >= 2 else set()
        return Plan(stage="certified", not_met=set(misses) - rejected, rejected=rejected)

    def _rate(
        self,
        community: Region,
        year: RatingYear,
        assessors: dict[str, User],
        certifiers: dict[str, User],
        plan: Plan,
    ) -> None:
        assessor = assessors[community.code[:6] + "000000"]
        undecided = {10} if plan.stage == "draft" else set()
        findings = [
            workflow.Finding(
                number=number,
                met=None if number in undecided else number not in plan.not_met,
                note=self._note(number, number not in plan.not_met),
                **self._files(community, year, number),
            )
            for number in range(1, 11)
        ]
        rating = workflow.rating_save(
            user=assessor, community=community, year=year, expected_version=0, findings=findings
        )
        if plan.stage == "draft":
            return
        workflow.rating_submit(user=assessor, rating=rating)
        pending = list(
            StarItem.objects.filter(rating=rating, status="pending").select_related("standard")
        )
        if plan.stage == "submitted":
            return
        if plan.stage == "partly":
            pending = pending[: len(pending) // 2]
        for item in pending:
            decision, reason = Decision.ENDORSE, ""
            if item.standard_id in plan.rejected:
                decision, reason = Decision.REJECT, "经核查，本年度辖区发生相关案事件，不予认可。"
            elif item.standard_id in plan.returned:
                decision, reason = Decision.RETURN, "请补充派出所出具的案事件情况证明。"
            workflow.item_decide(
                user=certifiers[item.standard.authority_id],
                item=item,
                decision=decision,
                reason=reason,
            )

    def _apply(
        self,
        community: Region,
        year: RatingYear,
        assessors: dict[str, User],
        certifiers: dict[str, User],
        stage: str,
    ) -> None:
        """One application of 海南区 taken as far as `stage`, by the community's filer, its
        town's reviewer and the district's assessor, then the authorities as usual."""
        filer = self._filer(community)
        town = self._prereviewer(community.parent)
        rng = random.Random(f"apply{CURRENT_YEAR}{community.code}")
        not_met = set(rng.sample(range(1, 11), rng.choice([0, 1])))
        answers = [
            workflow.Finding(
                number=number,
                met=None if stage == "draft" and number > 8 else number not in not_met,
                note=self._note(number, number not in not_met),
                **self._files(community, year, number),
            )
            for number in range(1, 11)
        ]
        rating = workflow.application_save(
            user=filer, community=community, year=year, expected_version=0, answers=answers
        )
        if stage == "draft":
            return
        rating = workflow.application_submit(user=filer, rating=rating)
        if stage == "applied":
            return
        if stage == "town_back":
            workflow.application_return(
                user=town,
                rating=rating,
                note="请补充近三个月网格员走访记录。",
                item_notes={1: "请上传派出所出具的无违法犯罪证明。"},
            )
            return
        rating = workflow.application_forward(user=town, rating=rating, note="材料齐全，同意上报。")
        if stage == "forwarded":
            return
        assessor = assessors[APPLICATION_DISTRICT]
        if stage == "dist_back":
            workflow.application_review_return(
                user=assessor, rating=rating, note="第5项证明材料不清晰，请街道(镇)核实后重新上报。"
            )
            return
        rating = workflow.rating_save(
            user=assessor,
            community=community,
            year=year,
            expected_version=rating.version,
            findings=[
                workflow.Finding(
                    number=number,
                    met=True,
                    note=self._note(number, True),
                    reason=""
                    if number not in not_met
                    else "经区复核，相关情况发生在辖区外，改判达标。",
                )
                for number in range(1, 11)
            ],
        )
        workflow.rating_submit(user=assessor, rating=rating)
        pending = list(
            StarItem.objects.filter(rating=rating, status="pending").select_related("standard")
        )
        if stage == "submitted":
            return
        for item in pending:
            decision, reason = Decision.ENDORSE, ""
            if stage == "returned" and item.standard_id == pending[0].standard_id:
                decision, reason = Decision.RETURN, "请补充派出所出具的案事件情况证明。"
            workflow.item_decide(
                user=certifiers[item.standard.authority_id],
                item=item,
                decision=decision,
                reason=reason,
            )

    def _filer(self, community: Region) -> User:
        """The community's filer: the demo account for 赛汗乌素村, else one that cannot sign in
        (it only stands behind the demo's history)."""
        if community.code == FILER[1]:
            return User.objects.get(username=FILER[0])
        return self._actor(
            f"filer-{community.code}", f"{community.name}填报员", Role.FILER, community
        )

    def _prereviewer(self, town: Region) -> User:
        if town.code == PREREVIEWER[1]:
            return User.objects.get(username=PREREVIEWER[0])
        return self._actor(f"town-{town.code}", f"{town.name}初审员", Role.PREREVIEWER, town)

    @staticmethod
    def _actor(username: str, display_name: str, role: str, region: Region) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"display_name": display_name, "role": role, "region": region},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def _note(self, number: int, met: bool) -> str:
        standard = self.standard_names[number]
        if met:
            return f"经网格员走访和派出所、相关部门核实，本年度符合“{standard}”标准。"
        return f"本年度辖区发生与“{standard}”相关的情况，暂不达标，已制定整改措施。"

    def _files(self, community: Region, year: RatingYear, number: int) -> dict:
        """Item 1 carries a checklist; in the open year, last year's is reused (沿用) where the
        community has one, as a community would rather than upload it again."""
        if number == 1 and year.pk == CURRENT_YEAR:
            last = selectors.evidence_reusable(community_id=community.pk, year_id=year.pk)
            if last.get(1):
                return {"reuse": [evidence.pk for evidence in last[1]]}
        return {"uploads": self._evidence(number)}

    @staticmethod
    def _evidence(number: int) -> list:
        if number != 1:
            return []
        upload = SimpleUploadedFile("治安情况核查表.pdf", DEMO_PDF, content_type="application/pdf")
        return [(upload, PDF)]

    def _print_accounts(self) -> None:
        admin = User.objects.get(username="admin")
        rows = [(admin, "管理员 / administrator", "全市")]
        rows += [
            (
                User.objects.get(username=username),
                "评定员 / assessor",
                Region.objects.get(pk=district).name,
            )
            for username, district, _ in ASSESSORS
        ]
        rows += [
            (User.objects.get(username=FILER[0]), "填报员 / community filer", "赛汗乌素村"),
            (User.objects.get(username=PREREVIEWER[0]), "初审员 / town reviewer", "巴音陶亥镇"),
        ]
        unit_filer = User.objects.filter(username=demo_domains.UNIT_FILER[0]).first()
        if unit_filer is not None:
            rows.append((unit_filer, "填报员 / unit filer", demo_domains.UNIT_FILER[1]))
        rows += [
            (User.objects.get(username=authority.code), "认定机关 / certifier", authority.name)
            for authority in Authority.objects.filter(active=True)
        ]
        secrets = {
            device.user_id: b32encode(device.bin_key).decode()
            for device in TOTPDevice.objects.filter(
                user__in=[user for user, _role, _scope in rows],
                name=DEMO_DEVICE_NAME,
                confirmed=True,
            )
        }
        self.stdout.write("")
        self.stdout.write(
            f"Demo accounts (password {DEMO_PASSWORD}), seeded at {timezone.localtime():%Y-%m-%d %H:%M}:"
        )
        for user, role, scope in rows:
            self.stdout.write(f"  {user.username:<12} {role:<26} {scope}")
        self.stdout.write("")
        self.stdout.write(
            "Administrators and certifiers also enter a one-time code (两步验证). Add the secret "
            "below to an authenticator app (time-based, 6 digits, 30 s), or print the current "
            "code with: python manage.py demo_code <user>"
        )
        for user, _role, _scope in rows:
            if permissions.must_use_second_factor(user):
                secret = secrets.get(user.pk, "(their own authenticator)")
                self.stdout.write(f"  {user.username:<12} TOTP secret {secret}")
