"""The tables of 0001 to 0017 in one step, for new databases (tests, a new installation).

Applying the seventeen migrations one by one re-renders every related model at each field
added: ten seconds a database. A database that has them applied keeps them; the data
migrations among them have nothing to do on an empty database, except the three below, which
come from the migrations that wrote them.
"""

from importlib import import_module

import django.contrib.auth.models
import django.contrib.auth.validators
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import ratings.models.evidence
import ratings.models.notices
import ratings.models.plaques
import ratings.models.programme
import ratings.models.units

public_data_version = import_module("ratings.migrations.0004_public_data_version")
notices = import_module("ratings.migrations.0014_notices_objections")
list_indexes = import_module("ratings.migrations.0016_list_indexes")


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("ratings", "0001_initial"),
        ("ratings", "0002_plaques_guidance_revocation"),
        ("ratings", "0003_domains_units_assessments"),
        ("ratings", "0004_public_data_version"),
        ("ratings", "0005_queue_and_unit_order"),
        ("ratings", "0006_unit_created_by_optional"),
        ("ratings", "0007_revocable"),
        ("ratings", "0008_region_kind_fits_level"),
        ("ratings", "0009_designation_keeps_the_named_unit"),
        ("ratings", "0010_designation_named_unit_required"),
        ("ratings", "0011_keep_published_figures_and_commendation"),
        ("ratings", "0012_print_jobs"),
        ("ratings", "0013_applications"),
        ("ratings", "0014_notices_objections"),
        ("ratings", "0015_event_and_status_choices_of_both"),
        ("ratings", "0016_list_indexes"),
        ("ratings", "0017_english_names"),
    ]

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="Authority",
            fields=[
                (
                    "code",
                    models.SlugField(
                        max_length=30, primary_key=True, serialize=False, verbose_name="代码"
                    ),
                ),
                ("name", models.CharField(max_length=60, unique=True, verbose_name="名称")),
                ("short_name", models.CharField(max_length=20, verbose_name="简称")),
                ("name_en", models.CharField(blank=True, max_length=120, verbose_name="英文名称")),
                (
                    "short_name_en",
                    models.CharField(blank=True, max_length=40, verbose_name="英文简称"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="有效")),
            ],
            options={
                "verbose_name": "认定机关",
                "verbose_name_plural": "认定机关",
                "ordering": ["code"],
            },
            bases=(ratings.models.programme.EnglishNamed, models.Model),
        ),
        migrations.CreateModel(
            name="CalendarYear",
            fields=[
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        primary_key=True, serialize=False, verbose_name="年份"
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("package", "国务院办公厅通知（chinese-calendar）"),
                            ("admin", "管理员录入"),
                        ],
                        default="admin",
                        max_length=10,
                        verbose_name="来源",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
            ],
            options={
                "verbose_name": "节假日年份",
                "verbose_name_plural": "节假日年份",
                "ordering": ["-year"],
            },
        ),
        migrations.CreateModel(
            name="Criterion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=30, unique=True, verbose_name="编号")),
                ("text", models.TextField(verbose_name="标准内容")),
                (
                    "points",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="分值",
                    ),
                ),
                (
                    "is_veto",
                    models.BooleanField(
                        default=False,
                        help_text="未得满分即不达标，无论总分多少。",
                        verbose_name="一票否决",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                ("active", models.BooleanField(default=True, verbose_name="启用")),
                (
                    "is_sample",
                    models.BooleanField(
                        default=False,
                        help_text="随系统提供的示例条目；导入正式标准后应停用。",
                        verbose_name="示例标准",
                    ),
                ),
            ],
            options={
                "verbose_name": "创建标准条目",
                "verbose_name_plural": "创建标准条目",
                "ordering": ["domain__order", "order", "code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("points__gte", 1), ("points__lte", 100)),
                        name="criterion_points_1_100",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="OfficialDay",
            fields=[
                ("date", models.DateField(primary_key=True, serialize=False, verbose_name="日期")),
                (
                    "is_working_day",
                    models.BooleanField(
                        default=False,
                        help_text="勾选：周末调休上班；不勾选：法定节假日休息。",
                        verbose_name="调休上班",
                    ),
                ),
                ("name", models.CharField(max_length=30, verbose_name="节日")),
            ],
            options={
                "verbose_name": "法定节假日和调休",
                "verbose_name_plural": "法定节假日和调休",
                "ordering": ["-date"],
            },
        ),
        migrations.CreateModel(
            name="PublicDataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveBigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "公开数据版本",
                "verbose_name_plural": "公开数据版本",
            },
        ),
        migrations.CreateModel(
            name="RatingYear",
            fields=[
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        primary_key=True,
                        serialize=False,
                        validators=[
                            django.core.validators.MinValueValidator(2000),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="年度",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "进行中"), ("closed", "已截止"), ("published", "已公布")],
                        default="open",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("opened_at", models.DateTimeField(blank=True, null=True, verbose_name="开启时间")),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="截止时间")),
                (
                    "published_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="公布时间"),
                ),
            ],
            options={
                "verbose_name": "评星年度",
                "verbose_name_plural": "评星年度",
                "ordering": ["-year"],
            },
        ),
        migrations.CreateModel(
            name="WorkArea",
            fields=[
                (
                    "code",
                    models.SlugField(
                        max_length=20, primary_key=True, serialize=False, verbose_name="代码"
                    ),
                ),
                ("name", models.CharField(max_length=30, unique=True, verbose_name="名称")),
                ("name_en", models.CharField(blank=True, max_length=60, verbose_name="英文名称")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
            ],
            options={
                "verbose_name": "重点工作",
                "verbose_name_plural": "重点工作",
                "ordering": ["order"],
            },
            bases=(ratings.models.programme.EnglishNamed, models.Model),
        ),
        migrations.CreateModel(
            name="User",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("password", models.CharField(max_length=128, verbose_name="password")),
                (
                    "last_login",
                    models.DateTimeField(blank=True, null=True, verbose_name="last login"),
                ),
                (
                    "is_superuser",
                    models.BooleanField(
                        default=False,
                        help_text="Designates that this user has all permissions without explicitly assigning them.",
                        verbose_name="superuser status",
                    ),
                ),
                (
                    "username",
                    models.CharField(
                        error_messages={"unique": "A user with that username already exists."},
                        help_text="Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.",
                        max_length=150,
                        unique=True,
                        validators=[django.contrib.auth.validators.UnicodeUsernameValidator()],
                        verbose_name="username",
                    ),
                ),
                (
                    "first_name",
                    models.CharField(blank=True, max_length=150, verbose_name="first name"),
                ),
                (
                    "last_name",
                    models.CharField(blank=True, max_length=150, verbose_name="last name"),
                ),
                (
                    "email",
                    models.EmailField(blank=True, max_length=254, verbose_name="email address"),
                ),
                (
                    "is_staff",
                    models.BooleanField(
                        default=False,
                        help_text="Designates whether the user can log into this admin site.",
                        verbose_name="staff status",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Designates whether this user should be treated as active. Unselect this instead of deleting accounts.",
                        verbose_name="active",
                    ),
                ),
                (
                    "date_joined",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="date joined"
                    ),
                ),
                ("display_name", models.CharField(blank=True, max_length=40, verbose_name="姓名")),
                (
                    "role",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("assessor", "评定员"),
                            ("certifier", "认定机关"),
                            ("admin", "管理员"),
                            ("filer", "社区(村)填报员"),
                            ("prereview", "街道/镇初审员"),
                        ],
                        max_length=10,
                        verbose_name="角色",
                    ),
                ),
                (
                    "groups",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The groups this user belongs to. A user will get all permissions granted to each of their groups.",
                        related_name="user_set",
                        related_query_name="user",
                        to="auth.group",
                        verbose_name="groups",
                    ),
                ),
                (
                    "user_permissions",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Specific permissions for this user.",
                        related_name="user_set",
                        related_query_name="user",
                        to="auth.permission",
                        verbose_name="user permissions",
                    ),
                ),
                (
                    "authority",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="members",
                        to="ratings.authority",
                        verbose_name="所属认定机关",
                    ),
                ),
            ],
            options={
                "verbose_name": "用户",
                "verbose_name_plural": "用户",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("role", "certifier"), _negated=True),
                            ("authority__isnull", False),
                            _connector="OR",
                        ),
                        name="certifier_has_authority",
                    )
                ],
            },
            managers=[
                ("objects", django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.CreateModel(
            name="Assessment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "草稿"),
                            ("submitted", "待审核"),
                            ("returned", "退回补充"),
                            ("approved", "审核通过"),
                            ("rejected", "审核不通过"),
                        ],
                        default="draft",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("total_points", models.PositiveSmallIntegerField(default=0, verbose_name="总分")),
                (
                    "meets_standard",
                    models.BooleanField(blank=True, null=True, verbose_name="达到创建标准"),
                ),
                ("version", models.PositiveIntegerField(default=1, verbose_name="版本")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "submitted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="提交时间"),
                ),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="审核时间"),
                ),
                ("decision_reason", models.TextField(blank=True, verbose_name="审核意见")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="审核人",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="最后修改人",
                    ),
                ),
                (
                    "year",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to="ratings.ratingyear",
                        verbose_name="年度",
                    ),
                ),
            ],
            options={
                "verbose_name": "创建测评",
                "verbose_name_plural": "创建测评",
                "ordering": ["-year", "unit_id"],
                "indexes": [
                    models.Index(fields=["year", "status"], name="assessment_year_status"),
                    models.Index(
                        condition=models.Q(("status", "submitted")),
                        fields=["submitted_at", "id"],
                        name="assessment_review_order",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AssessmentLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("criterion_code", models.CharField(max_length=30, verbose_name="编号")),
                ("criterion_text", models.TextField(verbose_name="标准内容")),
                ("max_points", models.PositiveSmallIntegerField(verbose_name="分值")),
                ("is_veto", models.BooleanField(default=False, verbose_name="一票否决")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                (
                    "points",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="得分"),
                ),
                ("note", models.TextField(blank=True, max_length=2000, verbose_name="说明")),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="ratings.assessment",
                        verbose_name="创建测评",
                    ),
                ),
                (
                    "criterion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="ratings.criterion",
                        verbose_name="标准条目",
                    ),
                ),
            ],
            options={
                "verbose_name": "测评条目",
                "verbose_name_plural": "测评条目",
                "ordering": ["assessment_id", "order", "criterion_code"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("assessment", "criterion"), name="one_line_per_criterion"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("points__isnull", True),
                            models.Q(("points__gte", 0), ("points__lte", models.F("max_points"))),
                            _connector="OR",
                        ),
                        name="line_points_within_max",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Domain",
            fields=[
                (
                    "code",
                    models.SlugField(
                        max_length=20, primary_key=True, serialize=False, verbose_name="代码"
                    ),
                ),
                ("name", models.CharField(max_length=30, unique=True, verbose_name="名称")),
                ("name_en", models.CharField(blank=True, max_length=60, verbose_name="英文名称")),
                ("unit_noun", models.CharField(max_length=60, verbose_name="创建对象")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                (
                    "pass_threshold",
                    models.PositiveSmallIntegerField(
                        default=90,
                        help_text="总分达到此分数且一票否决项全部满足，即为达到创建标准。",
                        validators=[django.core.validators.MaxValueValidator(100)],
                        verbose_name="达标分数线",
                    ),
                ),
                (
                    "lead_authority",
                    models.ForeignKey(
                        blank=True,
                        help_text="审核本领域测评的部门。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="led_domains",
                        to="ratings.authority",
                        verbose_name="牵头单位",
                    ),
                ),
            ],
            options={
                "verbose_name": "创建领域",
                "verbose_name_plural": "创建领域",
                "ordering": ["order"],
            },
            bases=(ratings.models.programme.EnglishNamed, models.Model),
        ),
        migrations.AddField(
            model_name="criterion",
            name="domain",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="criteria",
                to="ratings.domain",
                verbose_name="创建领域",
            ),
        ),
        migrations.CreateModel(
            name="GuidanceCase",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "指导中"), ("closed", "已结案")],
                        default="open",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                (
                    "measures",
                    models.TextField(blank=True, max_length=4000, verbose_name="整改措施"),
                ),
                (
                    "responsible_person",
                    models.CharField(blank=True, max_length=60, verbose_name="责任人"),
                ),
                ("due_date", models.DateField(blank=True, null=True, verbose_name="整改期限")),
                ("outcome", models.TextField(blank=True, max_length=4000, verbose_name="结案情况")),
                ("version", models.PositiveIntegerField(default=1, verbose_name="版本")),
                ("opened_at", models.DateTimeField(auto_now_add=True, verbose_name="列入时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="结案时间")),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="结案人",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="最后修改人",
                    ),
                ),
            ],
            options={
                "verbose_name": "督促指导",
                "verbose_name_plural": "督促指导",
                "ordering": ["status", "due_date", "id"],
                "indexes": [
                    models.Index(fields=["status", "due_date"], name="guidance_status_due")
                ],
            },
        ),
        migrations.CreateModel(
            name="GuidanceNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(max_length=4000, verbose_name="跟进情况")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="记录时间")),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="记录人",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notes",
                        to="ratings.guidancecase",
                        verbose_name="督促指导",
                    ),
                ),
            ],
            options={
                "verbose_name": "督促指导跟进记录",
                "verbose_name_plural": "督促指导跟进记录",
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="Notice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("ten_star", "十星平安社区(村)拟命名名单"),
                            ("naming", "十小平安创建拟命名批次"),
                        ],
                        max_length=10,
                        verbose_name="公示类型",
                    ),
                ),
                ("title", models.CharField(max_length=100, verbose_name="公示标题")),
                ("body", models.TextField(max_length=4000, verbose_name="公示说明")),
                (
                    "contact",
                    models.CharField(blank=True, max_length=200, verbose_name="异议受理联系方式"),
                ),
                (
                    "naming_title",
                    models.CharField(blank=True, max_length=60, verbose_name="拟命名称号"),
                ),
                ("naming_tier", models.CharField(blank=True, max_length=30, verbose_name="等次")),
                ("naming_batch", models.CharField(blank=True, max_length=30, verbose_name="批次")),
                ("starts_on", models.DateField(verbose_name="公示开始日期")),
                (
                    "working_days",
                    models.PositiveSmallIntegerField(default=5, verbose_name="公示期（工作日）"),
                ),
                ("ends_on", models.DateField(verbose_name="公示截止日期")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="发布时间")),
                (
                    "concluded_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="办结时间"),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="发布人",
                    ),
                ),
                (
                    "domain",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notices",
                        to="ratings.domain",
                        verbose_name="创建领域",
                    ),
                ),
                (
                    "year",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notices",
                        to="ratings.ratingyear",
                        verbose_name="年度",
                    ),
                ),
            ],
            options={
                "verbose_name": "公示",
                "verbose_name_plural": "公示",
                "ordering": ["-starts_on", "-id"],
                "indexes": [models.Index(fields=["year", "kind"], name="notice_year_kind")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("kind", "ten_star")),
                        fields=("year",),
                        name="one_ten_star_notice_per_year",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("working_days__gte", 1), ("working_days__lte", 60)),
                        name="notice_window_1_60",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("ends_on__gte", models.F("starts_on"))),
                        name="notice_ends_after_start",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="NoticeEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="名称")),
                (
                    "removed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="移出时间"),
                ),
                ("removed_reason", models.TextField(blank=True, verbose_name="移出理由")),
                (
                    "assessment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notice_entries",
                        to="ratings.assessment",
                        verbose_name="测评",
                    ),
                ),
                (
                    "notice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries",
                        to="ratings.notice",
                        verbose_name="公示",
                    ),
                ),
            ],
            options={
                "verbose_name": "公示名单条目",
                "verbose_name_plural": "公示名单条目",
                "ordering": ["notice_id", "region_id", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("notice", "assessment"), name="one_entry_per_assessment"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Objection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("receipt", models.CharField(max_length=20, unique=True, verbose_name="回执编号")),
                ("facts", models.TextField(max_length=2000, verbose_name="异议事实和理由")),
                ("name", models.CharField(max_length=30, verbose_name="姓名")),
                ("phone", models.CharField(max_length=20, verbose_name="联系电话")),
                (
                    "evidence",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        upload_to=ratings.models.notices.objection_path,
                        verbose_name="证明材料",
                    ),
                ),
                (
                    "evidence_name",
                    models.CharField(blank=True, max_length=200, verbose_name="原文件名"),
                ),
                (
                    "evidence_type",
                    models.CharField(blank=True, max_length=100, verbose_name="文件类型"),
                ),
                ("evidence_ext", models.CharField(blank=True, max_length=8, verbose_name="扩展名")),
                (
                    "evidence_sha256",
                    models.CharField(blank=True, max_length=64, verbose_name="SHA-256"),
                ),
                ("submitted_at", models.DateTimeField(auto_now_add=True, verbose_name="提交时间")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("received", "已受理"),
                            ("assigned", "核查中"),
                            ("upheld", "异议成立"),
                            ("dismissed", "异议不成立"),
                        ],
                        default="received",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                (
                    "assigned_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="交办时间"),
                ),
                ("finding", models.TextField(blank=True, max_length=2000, verbose_name="认定理由")),
                ("found_at", models.DateTimeField(blank=True, null=True, verbose_name="认定时间")),
                (
                    "assigned_to",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="objections",
                        to="ratings.authority",
                        verbose_name="核查单位",
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="objections",
                        to="ratings.noticeentry",
                        verbose_name="异议对象",
                    ),
                ),
                (
                    "found_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="认定人",
                    ),
                ),
                (
                    "notice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="objections",
                        to="ratings.notice",
                        verbose_name="公示",
                    ),
                ),
            ],
            options={
                "verbose_name": "异议",
                "verbose_name_plural": "异议",
                "ordering": ["-submitted_at", "-id"],
                "indexes": [
                    models.Index(fields=["notice", "status"], name="objection_notice_status"),
                    models.Index(fields=["status", "submitted_at"], name="objection_queue"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Region",
            fields=[
                (
                    "code",
                    models.CharField(
                        max_length=12,
                        primary_key=True,
                        serialize=False,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^\\d{12}$", "区划代码应为12位数字。"
                            )
                        ],
                        verbose_name="区划代码",
                    ),
                ),
                ("name", models.CharField(max_length=60, verbose_name="名称")),
                (
                    "level",
                    models.PositiveSmallIntegerField(
                        choices=[(1, "省级"), (2, "地级"), (3, "县级"), (4, "乡级"), (5, "村级")],
                        verbose_name="层级",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("province", "省、自治区"),
                            ("city", "地级市"),
                            ("district", "市辖区"),
                            ("county", "县、旗"),
                            ("street", "街道"),
                            ("town", "镇"),
                            ("township", "乡、苏木"),
                            ("zone", "开发区、园区"),
                            ("community", "社区"),
                            ("village", "村"),
                            ("gacha", "嘎查"),
                        ],
                        max_length=12,
                        verbose_name="类别",
                    ),
                ),
                (
                    "code_source",
                    models.CharField(
                        choices=[
                            ("nbs", "国家统计局公布"),
                            ("assigned", "本系统暂编"),
                            ("demo", "演示数据"),
                        ],
                        default="nbs",
                        max_length=10,
                        verbose_name="代码来源",
                    ),
                ),
                ("active", models.BooleanField(default=True, verbose_name="有效")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="备注")),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="ratings.region",
                        verbose_name="上级区划",
                    ),
                ),
            ],
            options={
                "verbose_name": "行政区划",
                "verbose_name_plural": "行政区划",
                "ordering": ["code"],
                "indexes": [models.Index(fields=["level", "code"], name="region_level_code")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("code__regex", "^[0-9]{12}$")),
                        name="region_code_12_digits",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind__in", ("province",)), ("level", 1)),
                            models.Q(("kind__in", ("city",)), ("level", 2)),
                            models.Q(("kind__in", ("district", "county", "zone")), ("level", 3)),
                            models.Q(
                                ("kind__in", ("street", "town", "township", "zone")), ("level", 4)
                            ),
                            models.Q(("kind__in", ("community", "village", "gacha")), ("level", 5)),
                            _connector="OR",
                        ),
                        name="region_kind_fits_level",
                        violation_error_message="区划的类别与层级不符。",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="PrintJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "排队中"),
                            ("running", "生成中"),
                            ("done", "已完成"),
                            ("failed", "失败"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("total", models.PositiveIntegerField(default=0, verbose_name="证书数")),
                ("done", models.PositiveIntegerField(default=0, verbose_name="已生成")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        upload_to=ratings.models.plaques.print_path,
                        verbose_name="文件",
                    ),
                ),
                ("error", models.TextField(blank=True, verbose_name="错误")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="申请时间")),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="完成时间"),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="申请人",
                    ),
                ),
                (
                    "year",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="print_jobs",
                        to="ratings.ratingyear",
                        verbose_name="年度",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        help_text="不选为全市。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ratings.region",
                        verbose_name="范围",
                    ),
                ),
            ],
            options={
                "verbose_name": "证书批量打印",
                "verbose_name_plural": "证书批量打印",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("done__lte", models.F("total"))),
                        name="print_done_within_total",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="noticeentry",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="ratings.region",
                verbose_name="所在区划",
            ),
        ),
        migrations.CreateModel(
            name="DistrictMode",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "mode",
                    models.CharField(
                        choices=[("assessor", "评定员评定"), ("application", "社区自评申报")],
                        default="assessor",
                        max_length=12,
                        verbose_name="评星方式",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="设置时间")),
                (
                    "updated_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="设置人",
                    ),
                ),
                (
                    "year",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="modes",
                        to="ratings.ratingyear",
                        verbose_name="年度",
                    ),
                ),
                (
                    "district",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rating_modes",
                        to="ratings.region",
                        verbose_name="区(县)",
                    ),
                ),
            ],
            options={
                "verbose_name": "区年度评星方式",
                "verbose_name_plural": "区年度评星方式",
                "ordering": ["year", "district"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "district"), name="one_mode_per_district_year"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("mode__in", ["assessor", "application"])),
                        name="district_mode_known",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Designation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="撤销时间"),
                ),
                ("revoked_reason", models.TextField(blank=True, verbose_name="撤销理由")),
                ("unit_name", models.CharField(max_length=100, verbose_name="命名时名称")),
                (
                    "unit_address",
                    models.CharField(blank=True, max_length=200, verbose_name="命名时地址"),
                ),
                ("title", models.CharField(max_length=60, verbose_name="称号")),
                ("tier", models.CharField(blank=True, max_length=30, verbose_name="等次")),
                ("batch", models.CharField(blank=True, max_length=30, verbose_name="批次")),
                ("document_number", models.CharField(max_length=60, verbose_name="文号")),
                ("designated_on", models.DateField(verbose_name="命名日期")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="登记时间")),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="designations",
                        to="ratings.assessment",
                        verbose_name="依据测评",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
                (
                    "revoked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="撤销人",
                    ),
                ),
                (
                    "year",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="designations",
                        to="ratings.ratingyear",
                        verbose_name="年度",
                    ),
                ),
                (
                    "unit_region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ratings.region",
                        verbose_name="命名时所在区划",
                    ),
                ),
            ],
            options={
                "verbose_name": "命名",
                "verbose_name_plural": "命名",
                "ordering": ["-year", "unit_id"],
                "indexes": [
                    models.Index(fields=["year", "revoked_at"], name="designation_year"),
                    models.Index(fields=["unit_region", "id"], name="designation_named_region"),
                    models.Index(
                        condition=models.Q(("revoked_at__isnull", True)),
                        fields=["year", "unit_region", "id"],
                        name="designation_roll_order",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("unit_name", ""), _negated=True),
                        name="designation_keeps_unit_name",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CoverageSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("registered", models.PositiveIntegerField(default=0, verbose_name="登记")),
                ("assessed", models.PositiveIntegerField(default=0, verbose_name="已测评")),
                ("meeting", models.PositiveIntegerField(default=0, verbose_name="达标")),
                (
                    "domain",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ratings.domain",
                        verbose_name="创建领域",
                    ),
                ),
                (
                    "year",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="coverage_snapshots",
                        to="ratings.ratingyear",
                        verbose_name="年度",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ratings.region",
                        verbose_name="所在区划",
                    ),
                ),
            ],
            options={
                "verbose_name": "公布时创建覆盖",
                "verbose_name_plural": "公布时创建覆盖",
                "ordering": ["year", "domain", "region"],
                "indexes": [
                    models.Index(fields=["year", "region"], name="coverage_snapshot_region")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "domain", "region"), name="one_coverage_row_per_region"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("assessed__lte", models.F("registered")),
                            ("meeting__lte", models.F("assessed")),
                        ),
                        name="coverage_figures_nested",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="authority",
            name="region",
            field=models.ForeignKey(
                help_text="本机关认定的社区(村)范围。",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="authorities",
                to="ratings.region",
                verbose_name="辖区",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="region",
            field=models.ForeignKey(
                blank=True,
                help_text="评定员只能处理该区域内的社区(村)；填报员指定本社区(村)，初审员指定本街道(镇)。",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assessors",
                to="ratings.region",
                verbose_name="负责区域",
            ),
        ),
        migrations.CreateModel(
            name="StarItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("met", models.BooleanField(blank=True, null=True, verbose_name="是否达标")),
                ("note", models.TextField(blank=True, max_length=2000, verbose_name="评定说明")),
                (
                    "self_met",
                    models.BooleanField(blank=True, null=True, verbose_name="自评是否达标"),
                ),
                (
                    "self_note",
                    models.TextField(blank=True, max_length=2000, verbose_name="自评说明"),
                ),
                (
                    "town_note",
                    models.TextField(blank=True, max_length=2000, verbose_name="初审意见"),
                ),
                (
                    "review_reason",
                    models.TextField(blank=True, max_length=2000, verbose_name="复核改判理由"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "未提交"),
                            ("pending", "待认定"),
                            ("endorsed", "已认可"),
                            ("rejected", "不予认可"),
                            ("returned", "退回补充"),
                            ("not_met", "未达标"),
                            ("removed", "已摘星"),
                        ],
                        default="draft",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                (
                    "decision_reason",
                    models.TextField(blank=True, max_length=2000, verbose_name="认定意见"),
                ),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="认定时间"),
                ),
                (
                    "removed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="摘星时间"),
                ),
                ("removed_reason", models.TextField(blank=True, verbose_name="摘星理由")),
                (
                    "removed_document",
                    models.CharField(blank=True, max_length=60, verbose_name="摘星文号"),
                ),
                (
                    "pending_since",
                    models.DateTimeField(blank=True, null=True, verbose_name="提交认定时间"),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="认定人",
                    ),
                ),
                (
                    "removed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="摘星操作人",
                    ),
                ),
            ],
            options={
                "verbose_name": "星级评定项",
                "verbose_name_plural": "星级评定项",
                "ordering": ["rating_id", "standard_id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("status", "pending")),
                        fields=["pending_since", "id"],
                        name="item_pending_order",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="EvidenceFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=200,
                        upload_to=ratings.models.evidence.evidence_path,
                        verbose_name="文件",
                    ),
                ),
                ("original_name", models.CharField(max_length=200, verbose_name="原文件名")),
                ("content_type", models.CharField(max_length=100, verbose_name="文件类型")),
                ("extension", models.CharField(max_length=8, verbose_name="扩展名")),
                ("size", models.PositiveIntegerField(verbose_name="大小")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                (
                    "withdrawn_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="撤回时间"),
                ),
                (
                    "line",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="evidence",
                        to="ratings.assessmentline",
                        verbose_name="测评条目",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传人",
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="撤回人",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="evidence",
                        to="ratings.staritem",
                        verbose_name="评定项",
                    ),
                ),
            ],
            options={
                "verbose_name": "证明材料",
                "verbose_name_plural": "证明材料",
                "ordering": ["uploaded_at", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("item__isnull", False), ("line__isnull", True)),
                            models.Q(("item__isnull", True), ("line__isnull", False)),
                            _connector="OR",
                        ),
                        name="evidence_has_one_owner",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="StarRating",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "草稿"),
                            ("applied", "待初审"),
                            ("town_back", "初审退回"),
                            ("forwarded", "待区复核"),
                            ("dist_back", "复核退回"),
                            ("submitted", "待认定"),
                            ("returned", "退回补充"),
                            ("certified", "已认定"),
                            ("revoked", "已取消评星资格"),
                            ("incomplete", "未完成评定"),
                        ],
                        default="draft",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                (
                    "application_led",
                    models.BooleanField(default=False, verbose_name="社区自评申报"),
                ),
                (
                    "applied_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="申报时间"),
                ),
                ("stars", models.PositiveSmallIntegerField(default=0, verbose_name="星数")),
                ("version", models.PositiveIntegerField(default=1, verbose_name="版本")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "submitted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="提交时间"),
                ),
                (
                    "certified_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="认定完成时间"),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="取消资格时间"),
                ),
                ("revoked_reason", models.TextField(blank=True, verbose_name="取消资格理由")),
                (
                    "barred_until",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="不得参评至"
                    ),
                ),
                ("incomplete_reason", models.TextField(blank=True, verbose_name="未完成评定说明")),
                ("commended", models.BooleanField(default=False, verbose_name="列入通报表扬")),
                (
                    "community",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="star_ratings",
                        to="ratings.region",
                        verbose_name="社区(村)",
                    ),
                ),
                (
                    "revoked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="取消资格操作人",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="最后修改人",
                    ),
                ),
                (
                    "year",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ratings",
                        to="ratings.ratingyear",
                        verbose_name="年度",
                    ),
                ),
            ],
            options={
                "verbose_name": "星级评定",
                "verbose_name_plural": "星级评定",
                "ordering": ["community_id"],
                "indexes": [
                    models.Index(fields=["year", "status", "community"], name="rating_year_status"),
                    models.Index(fields=["year", "stars", "community"], name="rating_year_stars"),
                    models.Index(
                        condition=models.Q(("commended", True)),
                        fields=["year", "community"],
                        name="rating_commended",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "community"), name="one_rating_per_year"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("stars__gte", 0), ("stars__lte", 10)),
                        name="rating_stars_0_10",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="staritem",
            name="rating",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="items",
                to="ratings.starrating",
                verbose_name="星级评定",
            ),
        ),
        migrations.CreateModel(
            name="Plaque",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="撤销时间"),
                ),
                ("revoked_reason", models.TextField(blank=True, verbose_name="撤销理由")),
                ("number", models.CharField(max_length=24, unique=True, verbose_name="牌匾编号")),
                ("sequence", models.PositiveIntegerField(verbose_name="年度序号")),
                ("issued_at", models.DateTimeField(verbose_name="授牌时间")),
                ("taken_back_on", models.DateField(blank=True, null=True, verbose_name="收回日期")),
                (
                    "taken_back_by",
                    models.CharField(blank=True, max_length=60, verbose_name="收回人"),
                ),
                (
                    "issued_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="授牌操作人",
                    ),
                ),
                (
                    "revoked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="撤销人",
                    ),
                ),
                (
                    "taken_back_recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="收回登记人",
                    ),
                ),
                (
                    "year",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plaques",
                        to="ratings.ratingyear",
                        verbose_name="年度",
                    ),
                ),
                (
                    "rating",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plaques",
                        to="ratings.starrating",
                        verbose_name="星级评定",
                    ),
                ),
            ],
            options={
                "verbose_name": "牌匾",
                "verbose_name_plural": "牌匾",
                "ordering": ["year", "sequence"],
                "indexes": [
                    models.Index(
                        condition=models.Q(
                            ("revoked_at__isnull", False), ("taken_back_on__isnull", True)
                        ),
                        fields=["year", "sequence"],
                        name="plaque_not_taken_back",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "sequence"), name="plaque_sequence_per_year"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("revoked_at__isnull", True)),
                        fields=("rating",),
                        name="one_valid_plaque_per_rating",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="noticeentry",
            name="rating",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notice_entries",
                to="ratings.starrating",
                verbose_name="星级评定",
            ),
        ),
        migrations.AddField(
            model_name="guidancecase",
            name="rating",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="guidance",
                to="ratings.starrating",
                verbose_name="星级评定",
            ),
        ),
        migrations.CreateModel(
            name="StarSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stars", models.PositiveSmallIntegerField(verbose_name="星数")),
                ("count", models.PositiveIntegerField(verbose_name="数量")),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ratings.region",
                        verbose_name="区域",
                    ),
                ),
                (
                    "year",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="star_snapshots",
                        to="ratings.ratingyear",
                        verbose_name="年度",
                    ),
                ),
            ],
            options={
                "verbose_name": "公布时星级分布",
                "verbose_name_plural": "公布时星级分布",
                "ordering": ["year", "region", "stars"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "region", "stars"), name="one_star_count_per_region"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("stars__gte", 0), ("stars__lte", 10)),
                        name="snapshot_stars_0_10",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="StarStandard",
            fields=[
                (
                    "number",
                    models.PositiveSmallIntegerField(
                        primary_key=True,
                        serialize=False,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="序号",
                    ),
                ),
                ("name", models.CharField(max_length=30, unique=True, verbose_name="标准")),
                ("name_en", models.CharField(blank=True, max_length=60, verbose_name="英文名称")),
                ("description", models.TextField(blank=True, verbose_name="说明")),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="standards",
                        to="ratings.authority",
                        verbose_name="认定机关",
                    ),
                ),
            ],
            options={
                "verbose_name": "星级标准",
                "verbose_name_plural": "星级标准",
                "ordering": ["number"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("number__gte", 1), ("number__lte", 10)),
                        name="standard_number_1_10",
                    )
                ],
            },
            bases=(ratings.models.programme.EnglishNamed, models.Model),
        ),
        migrations.AddField(
            model_name="staritem",
            name="standard",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="items",
                to="ratings.starstandard",
                verbose_name="标准",
            ),
        ),
        migrations.CreateModel(
            name="Unit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="家庭户填写户主姓名，对外公示时隐去姓名。",
                        max_length=100,
                        verbose_name="名称",
                    ),
                ),
                (
                    "credit_code",
                    models.CharField(
                        blank=True,
                        help_text="单位填写；家庭户不填。",
                        max_length=18,
                        validators=[ratings.models.units.validate_credit_code],
                        verbose_name="统一社会信用代码",
                    ),
                ),
                ("address", models.CharField(blank=True, max_length=200, verbose_name="地址")),
                ("active", models.BooleanField(default=True, verbose_name="有效")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="登记时间")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
                (
                    "domain",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="units",
                        to="ratings.domain",
                        verbose_name="创建领域",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="units",
                        to="ratings.region",
                        verbose_name="所在区划",
                    ),
                ),
            ],
            options={
                "verbose_name": "创建单位",
                "verbose_name_plural": "创建单位",
                "ordering": ["domain__order", "region_id", "name", "id"],
                "indexes": [
                    models.Index(fields=["domain", "region", "id"], name="unit_domain_region"),
                    models.Index(fields=["region", "id"], name="unit_region"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("credit_code", ""), _negated=True),
                        fields=("credit_code",),
                        name="unique_credit_code",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Event",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="时间"),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("draft_save", "保存草稿"),
                            ("evidence_add", "上传证明材料"),
                            ("evidence_withdraw", "撤回证明材料"),
                            ("submit", "提交认定"),
                            ("resubmit", "补充后重新提交"),
                            ("endorse", "认可"),
                            ("reject", "不予认可"),
                            ("return", "退回补充"),
                            ("certify", "认定完成"),
                            ("year_open", "开启年度"),
                            ("year_close", "截止年度"),
                            ("year_publish", "公布年度结果"),
                            ("eligibility_revoke", "取消当年评星资格"),
                            ("eligibility_reinstate", "恢复评星资格"),
                            ("rating_incomplete", "未完成评定"),
                            ("star_remove", "摘星"),
                            ("plaque_issue", "授牌"),
                            ("plaque_revoke", "撤销牌匾"),
                            ("plaque_take_back", "收回牌匾"),
                            ("guidance_open", "列入督促指导"),
                            ("guidance_update", "更新督促指导措施"),
                            ("guidance_note", "督促指导跟进"),
                            ("guidance_close", "督促指导结案"),
                            ("assessment_save", "保存测评草稿"),
                            ("assessment_submit", "提交测评"),
                            ("assessment_approve", "测评审核通过"),
                            ("assessment_reject", "测评审核不通过"),
                            ("assessment_return", "测评退回补充"),
                            ("designate", "命名"),
                            ("designation_revoke", "撤销命名"),
                            ("unit_create", "登记单位"),
                            ("unit_update", "修改单位信息"),
                            ("mode_set", "设置评星方式"),
                            ("self_save", "保存自评"),
                            ("apply", "自评申报"),
                            ("town_forward", "初审通过，报区复核"),
                            ("town_return", "初审退回社区"),
                            ("dist_return", "复核退回街道/镇"),
                            ("notice_open", "发布公示"),
                            ("notice_entry_remove", "移出公示名单"),
                            ("objection_receive", "受理异议"),
                            ("objection_assign", "交办异议"),
                            ("objection_uphold", "认定异议成立"),
                            ("objection_dismiss", "认定异议不成立"),
                        ],
                        max_length=30,
                        verbose_name="操作",
                    ),
                ),
                ("from_state", models.CharField(blank=True, max_length=20, verbose_name="原状态")),
                ("to_state", models.CharField(blank=True, max_length=20, verbose_name="新状态")),
                ("reason", models.TextField(blank=True, verbose_name="理由")),
                ("detail", models.CharField(blank=True, max_length=1000, verbose_name="摘要")),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="操作人",
                    ),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="ratings.assessment",
                    ),
                ),
                (
                    "designation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="ratings.designation",
                    ),
                ),
                (
                    "guidance",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="ratings.guidancecase",
                    ),
                ),
                (
                    "notice",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="ratings.notice",
                    ),
                ),
                (
                    "objection",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="ratings.objection",
                    ),
                ),
                (
                    "plaque",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="ratings.plaque",
                    ),
                ),
                (
                    "year",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="ratings.ratingyear",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="ratings.staritem",
                    ),
                ),
                (
                    "rating",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="ratings.starrating",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="ratings.unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "操作记录",
                "verbose_name_plural": "操作记录",
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.AddField(
            model_name="designation",
            name="unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="designations",
                to="ratings.unit",
                verbose_name="创建单位",
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assessments",
                to="ratings.unit",
                verbose_name="创建单位",
            ),
        ),
        migrations.AddField(
            model_name="criterion",
            name="work_area",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="criteria",
                to="ratings.workarea",
                verbose_name="重点工作",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("role", "assessor"), _negated=True),
                    ("region__isnull", False),
                    _connector="OR",
                ),
                name="assessor_has_region",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("role__in", ["filer", "prereview"]), _negated=True),
                    ("region__isnull", False),
                    _connector="OR",
                ),
                name="applicant_side_has_region",
            ),
        ),
        migrations.AddConstraint(
            model_name="noticeentry",
            constraint=models.UniqueConstraint(
                fields=("notice", "rating"), name="one_entry_per_rating"
            ),
        ),
        migrations.AddConstraint(
            model_name="noticeentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("assessment__isnull", True), ("rating__isnull", False)),
                    models.Q(("assessment__isnull", False), ("rating__isnull", True)),
                    _connector="OR",
                ),
                name="entry_has_one_subject",
            ),
        ),
        migrations.AddIndex(
            model_name="staritem",
            index=models.Index(fields=["standard", "status", "pending_since"], name="item_queue"),
        ),
        migrations.AddConstraint(
            model_name="staritem",
            constraint=models.UniqueConstraint(
                fields=("rating", "standard"), name="one_item_per_standard"
            ),
        ),
        migrations.AddConstraint(
            model_name="designation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("revoked_at__isnull", True)),
                fields=("unit", "year"),
                name="one_valid_designation_per_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(
                fields=("unit", "year"), name="one_assessment_per_year"
            ),
        ),
        migrations.AddIndex(
            model_name="criterion",
            index=models.Index(fields=["domain", "active", "order"], name="criterion_domain_order"),
        ),
        migrations.RunPython(public_data_version.create_the_row, migrations.RunPython.noop),
        migrations.RunPython(notices.seed_calendar, notices.unseed_calendar),
        migrations.RunPython(list_indexes.add_trigram_indexes, list_indexes.remove_trigram_indexes),
    ]
