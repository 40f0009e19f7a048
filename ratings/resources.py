"""How each model reads from and writes to a spreadsheet (django-import-export resources).

Column headers are Chinese, as the files people exchange here are; rows are matched by their
code (or number, or username), so importing the same file twice changes nothing. Every import
validates each instance with `full_clean()`, which is where the models' own rules (a criterion
used by a submitted assessment cannot change, an assessor needs a region…) apply.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections import Counter

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils.translation import get_language
from import_export import fields, resources, widgets
from import_export.instance_loaders import ModelInstanceLoader
from import_export.resources import Diff

from . import coverage_counts
from .choices import CodeSource, RegionKind, RegionLevel, Role
from .import_pipeline import import_rows
from .models import (
    Authority,
    Criterion,
    Domain,
    Region,
    StarStandard,
    SurveyResult,
    Unit,
    User,
    WorkArea,
)
from .permissions import can_change_account


def normalised(text: str) -> str:
    """Text as a lookup should see it: Chinese input methods type full-width brackets, digits
    and letters (平安社区（村）, １５０３…), which NFKC turns into the half-width ones stored."""
    return unicodedata.normalize("NFKC", text).strip()


class ChoiceWidget(widgets.Widget):
    """A choice by its code or by its (Chinese) label; exported as the code."""

    def __init__(self, choices: type[TextChoices] | type, **kwargs) -> None:
        super().__init__(**kwargs)
        self.choices = choices
        self._lookups: dict[str | None, dict[str, object]] = {}

    def _lookup(self) -> dict[str, object]:
        """Each choice's code and label (in the active language), as typed: built once, not
        for every cell. The first choice that a spelling names wins, as when they were tried
        in order."""
        language = get_language()
        if language not in self._lookups:
            lookup: dict[str, object] = {}
            for code, label in reversed(self.choices.choices):
                lookup[normalised(str(label))] = code
                lookup[normalised(str(code))] = code
            self._lookups[language] = lookup
        return self._lookups[language]

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        if text == "":
            return "" if issubclass(self.choices, TextChoices) else None
        code = self._lookup().get(normalised(text), self)
        if code is not self:
            return code
        allowed = "、".join(f"{code}（{label}）" for code, label in self.choices.choices)
        raise ValueError(f"“{text}”不是可选的值，应为：{allowed}")

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class YesNoWidget(widgets.BooleanWidget):
    """是/否 as well as true/false and 1/0; an empty cell is 否."""

    TRUE_VALUES = [*widgets.BooleanWidget.TRUE_VALUES, "是", "Y", "y", "yes"]
    FALSE_VALUES = [*widgets.BooleanWidget.FALSE_VALUES, "否", "N", "n", "no", ""]
    NULL_VALUES = [None]

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        if value in self.TRUE_VALUES:
            return True
        if value in self.FALSE_VALUES or value is None:
            return False
        raise ValueError(f"“{value}”应为“是”或“否”")

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class IntegerInRange(widgets.IntegerWidget):
    def __init__(self, low: int, high: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.low, self.high = low, high

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"应为 {self.low}–{self.high} 的整数，实际为“{text}”") from None
        if number != int(number) or not self.low <= number <= self.high:
            raise ValueError(f"应为 {self.low}–{self.high} 的整数，实际为“{text}”")
        return int(number)


class CodeForeignKey(widgets.ForeignKeyWidget):
    """A foreign key given by code (or, where the model has one, by its Chinese name)."""

    def __init__(self, model, field: str, *, by_name: bool = False, label: str, **kwargs) -> None:
        super().__init__(model, field, **kwargs)
        self.by_name, self.label = by_name, label
        # What each spelling found, for this import only: every resource gets its own copy of
        # its fields, and a file names the same few towns and domains on thousands of rows.
        # Only finds are kept, so a parent created by an earlier row is found when it appears.
        self.found: dict[str, object] = {}
        # Rows of the file being imported, by this field, when the column names the file's own
        # model (a region's parent): the import fills it as it reads (import_pipeline).
        self.pending: dict[str, object] | None = None

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if text in self.found:
            return self.found[text]
        spellings = {text, normalised(text)}
        found = self.model.objects.filter(**{f"{self.field}__in": spellings}).first()
        if found is None and self.by_name:
            found = self.model.objects.filter(name__in=spellings).first()
        if found is None and self.pending:
            found = next((self.pending[s] for s in spellings if s in self.pending), None)
        if found is None:
            raise ValueError(f"找不到{self.label}“{text}”")
        self.found[text] = found
        return found

    def prefetch(self, texts) -> None:
        """Find the spellings a chunk of rows names, in one query (and one by name for those
        not found by code), as `clean` would find each; nothing is kept for a spelling that
        finds nothing, which `clean` then reports (or finds among the file's earlier rows)."""
        wanted = {text for text in texts if text and text not in self.found}
        if not wanted:
            return
        spellings = {text: (text, normalised(text)) for text in wanted}
        everything = {s for pair in spellings.values() for s in pair}
        self._keep(spellings, self.field, everything)
        missing = {text: pair for text, pair in spellings.items() if text not in self.found}
        if missing and self.by_name:
            self._keep(missing, "name", {s for pair in missing.values() for s in pair})

    def _keep(self, spellings: dict[str, tuple[str, str]], field: str, values: set) -> None:
        # The model's ordering decides between rows found by two spellings (or two rows of
        # one name), as first() does.
        found: dict[str, tuple[int, object]] = {}
        rows = self.model.objects.filter(**{f"{field}__in": values})
        for position, instance in enumerate(rows):
            found.setdefault(str(getattr(instance, field)), (position, instance))
        for text, pair in spellings.items():
            candidates = [found[spelling] for spelling in pair if spelling in found]
            if candidates:
                self.found[text] = min(candidates, key=lambda candidate: candidate[0])[1]


class ImportProblem(ValueError):
    """Something wrong with a file as a whole rather than with one row, said in Chinese."""


def _key_part(field: fields.Field, row: dict, text: str, cleaned: dict) -> object:
    """A key cell as the import reads it (a domain's name is its code), or as written when it
    cannot be read: that row's own error is reported when it is imported."""
    memo = (field.column_name, text)
    if memo not in cleaned:
        try:
            value = field.clean(row)
        except Exception:  # any widget's refusal; the row reports it itself
            value = text
        cleaned[memo] = getattr(value, "pk", value)
    return cleaned[memo]


def line_numbers(dataset) -> list[int]:
    """Each data row's line in its file: as read (blank rows skipped), or counted from line 2,
    under the header, for a dataset built some other way."""
    lines = getattr(dataset, "line_numbers", None)
    if lines and len(lines) == len(dataset):
        return list(lines)
    return [number + 2 for number in range(len(dataset))]


def column(name: str, attribute: str, widget=None, **kwargs) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=name, widget=widget, **kwargs)


class NamedDiff(Diff):
    """The preview's before and after, as a person reads them: a foreign key by its name
    (平安学校, not school) and a choice by its label (村级, not 5)."""

    def __init__(self, resource: PortalResource, instance, new: bool) -> None:
        self.left = _shown_values(resource, instance)
        self.right = []
        self.new = new

    def compare_with(self, resource: PortalResource, instance) -> None:
        self.right = _shown_values(resource, instance)


def _shown_values(resource: PortalResource, instance) -> list:
    shown = []
    for field in resource.get_import_fields():
        if instance is None:
            shown.append("")
            continue
        value = field.get_value(instance)
        if isinstance(field.widget, CodeForeignKey):
            shown.append("" if value is None else str(value))
        elif isinstance(field.widget, ChoiceWidget):
            shown.append(str(dict(field.widget.choices.choices).get(value, value or "")))
        else:
            shown.append(field.export(instance))
    return shown


class PreloadedInstanceLoader(ModelInstanceLoader):
    """The stored rows a file's keys name, fetched a few hundred keys a query before the import
    instead of one query a row. A row whose key cells cannot be read falls back to the engine's
    own lookup, which reports the bad cell as before."""

    CHUNK = 500

    def __init__(self, resource: PortalResource, dataset=None) -> None:
        super().__init__(resource, dataset)
        self.key_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        self.stored: dict[tuple, object] | None = None
        if dataset is None or any(f.column_name not in dataset.headers for f in self.key_fields):
            return
        keys = set()
        for row in dataset.dict:
            with contextlib.suppress(Exception):  # a bad cell: that row's own error, later
                keys.add(self._key(row))
        self.stored = {}
        model = resource._meta.model
        self.attnames = [model._meta.get_field(f.attribute).attname for f in self.key_fields]
        ordered = sorted(keys, key=str)
        for start in range(0, len(ordered), self.CHUNK):
            chunk = ordered[start : start + self.CHUNK]
            # Each part of the key among the chunk's values (households of 500 villages are one
            # query, not one a village); the exact keys are picked out here. No ordering: the
            # default one may join (a unit's domain) and sort for nothing.
            conditions = {
                f"{attname}__in": {key[position] for key in chunk}
                for position, attname in enumerate(self.attnames)
            }
            wanted = set(chunk)
            for instance in self.get_queryset().filter(**conditions).order_by():
                key = self._stored_key(instance)
                if key in wanted:
                    self.stored[key] = instance

    def _key(self, row) -> tuple:
        """The row's key as the database compares it: a code typed as a number in Excel is the
        text the column stores, a foreign key its primary key."""
        model = self.resource._meta.model
        return tuple(
            _pk(model._meta.get_field(field.attribute).to_python(_pk(field.clean(row))))
            for field in self.key_fields
        )

    def _stored_key(self, instance) -> tuple:
        # By the column's value: a foreign key's id, without fetching the row it names.
        return tuple(getattr(instance, attname) for attname in self.attnames)

    def get_instance(self, row):
        if self.stored is None:
            return super().get_instance(row)
        try:
            key = self._key(row)
        except Exception:  # the engine's lookup raises the cell's own error
            return super().get_instance(row)
        return self.stored.get(key)


def _pk(value):
    return getattr(value, "pk", value)


class PortalResource(resources.ModelResource):
    """What every import here shares: all or nothing, unchanged rows left alone, model
    validation, lines numbered as in the file, and no key given twice."""

    optional_columns: frozenset[str] = frozenset()  # a file may leave these out (kept as they are)

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = PreloadedInstanceLoader

    def get_diff_class(self) -> type[Diff]:
        return NamedDiff

    def import_data(self, dataset, *args, **kwargs):
        """Every row or none (import_pipeline), on the confirm path as on the preview."""
        repeated = self.repeated_keys(dataset)
        if repeated:
            # The later row would silently overwrite the earlier one: refuse before any row.
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.total_rows = len(dataset)
            for message in repeated:
                result.append_base_error(self.get_error_result_class()(ImportProblem(message)))
            return result
        # Rows are numbered as the spreadsheet shows them, whatever blank rows came before.
        return import_rows(
            self,
            dataset,
            line_numbers(dataset),
            dry_run=kwargs.get("dry_run", args[0] if args else False),
            user=kwargs.get("user"),
            log_user=kwargs.get("log_user"),
        )

    def before_bulk_write(self, changed: list) -> object:
        """Before a chunk of rows is written in bulk statements, which send no save signals:
        what `after_bulk_write` needs to do what saving each row would have done. `changed`
        are the stored rows about to be updated."""
        return None

    def after_bulk_write(self, before: object, written: list) -> None:
        """After a chunk of rows (`written`, new and changed) was written in bulk."""

    def repeated_keys(self, dataset) -> list[str]:
        """One message for each key (编号, 用户名…) that several rows of `dataset` carry, naming
        their lines. Keys are compared as the import reads them: 平安学校 is school."""
        key_fields = [self.fields[name] for name in self.get_import_id_fields()]
        if any(field.column_name not in dataset.headers for field in key_fields):
            return []  # the column check reports a missing key column
        for field in key_fields:  # the places a key names, a thousand a query
            if isinstance(field.widget, CodeForeignKey):
                texts = sorted({str(cell).strip() for cell in dataset[field.column_name]})
                for start in range(0, len(texts), 1000):
                    field.widget.prefetch(texts[start : start + 1000])
        lines_by_key: dict[tuple, list[int]] = {}
        shown: dict[tuple, list[str]] = {}
        cleaned: dict[tuple[str, str], object] = {}  # one lookup per distinct cell
        for line, values in zip(line_numbers(dataset), dataset, strict=True):
            row = dict(zip(dataset.headers, values, strict=True))
            raw = [str(row[field.column_name]).strip() for field in key_fields]
            if not all(raw):
                continue  # a row without its key gets its own error
            key = tuple(
                _key_part(field, row, text, cleaned)
                for field, text in zip(key_fields, raw, strict=True)
            )
            lines_by_key.setdefault(key, []).append(line)
            shown.setdefault(key, raw)
        label = "、".join(field.column_name for field in key_fields)
        messages = []
        for key, lines in lines_by_key.items():
            if len(lines) < 2:
                continue
            where = (
                f"第 {lines[0]} 行和第 {lines[1]} 行"
                if len(lines) == 2
                else f"第 {'、'.join(str(line) for line in lines)} 行"
            )
            values = "、".join(f"“{text}”" for text in shown[key])
            what = f"都是{values}" if len(key_fields) == 1 else f"都相同（{values}）"
            messages.append(
                f"{where}的{label}{what}：一个文件里同一{label}只能出现一次，"
                "否则后一行会覆盖前一行。请删去或合并重复的行后再导入。"
            )
        return messages

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True, in_bulk=False
    ):
        """The cells' errors with the model's own (`full_clean`), named after the spreadsheet's
        column (分值), not the model's field (points). `in_bulk` leaves uniqueness and the
        check constraints to the database, which refuses the chunk: it is then validated row
        by row in full (import_pipeline)."""
        errors = dict(import_validation_errors or {})
        exclude = set(errors)
        if in_bulk:
            # A reference the row's cell found (or the importer) exists: checking it again
            # would cost a query a row. An empty one is still checked (a required column).
            exclude |= {
                field.name
                for field in instance._meta.concrete_fields
                if field.many_to_one
                and getattr(instance, field.attname) is not None
                and field.is_cached(instance)
            }
        try:
            try:
                instance.full_clean(
                    exclude=exclude,
                    validate_unique=validate_unique and not in_bulk,
                    validate_constraints=not in_bulk,
                )
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            if errors:
                raise ValidationError(errors)
        except ValidationError as error:
            columns = {f.attribute: f.column_name for f in self.get_import_fields()}
            raise ValidationError(
                {columns.get(name, name): messages for name, messages in error.message_dict.items()}
            ) from None

    def export(self, queryset=None, **kwargs):
        """The rows as they are stored; the file format makes formula-like text safe (a text
        cell in XLSX, an apostrophe in CSV that the import removes)."""
        dataset = super().export(queryset, **kwargs)
        dataset.title = str(self._meta.model._meta.verbose_name)
        return dataset


class RegionResource(PortalResource):
    code = column("区划代码", "code")
    name = column("名称", "name")
    level = column("层级", "level", ChoiceWidget(RegionLevel))
    kind = column("类别", "kind", ChoiceWidget(RegionKind))
    parent = column("上级区划代码", "parent", CodeForeignKey(Region, "code", label="区划"))
    code_source = column("代码来源", "code_source", ChoiceWidget(CodeSource))
    active = column("有效", "active", YesNoWidget())
    note = column("备注", "note")

    class Meta(PortalResource.Meta):
        model = Region
        import_id_fields = ["code"]
        fields = ["code", "name", "level", "kind", "parent", "code_source", "active", "note"]


class CriterionResource(PortalResource):
    code = column("编号", "code")
    domain = column(
        "创建领域", "domain", CodeForeignKey(Domain, "code", by_name=True, label="创建领域")
    )
    work_area = column(
        "重点工作", "work_area", CodeForeignKey(WorkArea, "code", by_name=True, label="重点工作")
    )
    order = column("排序", "order", IntegerInRange(0, 32767))
    text = column("标准内容", "text")
    points = column("分值", "points", IntegerInRange(1, 100))
    is_veto = column("一票否决", "is_veto", YesNoWidget())
    active = column("启用", "active", YesNoWidget())

    class Meta(PortalResource.Meta):
        model = Criterion
        import_id_fields = ["code"]
        fields = ["code", "domain", "work_area", "order", "text", "points", "is_veto", "active"]

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        # A criterion an administrator adds is part of the official list, not the sample; an
        # existing one keeps its flag, so retiring the sample (启用 = 否) still shows what it was.
        if new:
            instance.is_sample = False


class AuthorityResource(PortalResource):
    optional_columns = frozenset({"英文名称", "英文简称"})
    code = column("代码", "code")
    name = column("名称", "name")
    short_name = column("简称", "short_name")
    name_en = column("英文名称", "name_en")
    short_name_en = column("英文简称", "short_name_en")
    region = column("辖区代码", "region", CodeForeignKey(Region, "code", label="区划"))
    active = column("有效", "active", YesNoWidget())

    class Meta(PortalResource.Meta):
        model = Authority
        import_id_fields = ["code"]
        fields = ["code", "name", "short_name", "name_en", "short_name_en", "region", "active"]


class StarStandardResource(PortalResource):
    optional_columns = frozenset({"英文名称", "英文说明"})
    number = column("序号", "number", IntegerInRange(1, 10))
    name = column("标准", "name")
    name_en = column("英文名称", "name_en")
    description = column("说明", "description")
    description_en = column("英文说明", "description_en")
    authority = column(
        "认定机关代码",
        "authority",
        CodeForeignKey(Authority, "code", by_name=True, label="认定机关"),
    )

    class Meta(PortalResource.Meta):
        model = StarStandard
        import_id_fields = ["number"]
        fields = ["number", "name", "name_en", "description", "description_en", "authority"]


class UserResource(PortalResource):
    """Accounts with their role and scope. Passwords never travel in a spreadsheet: a new
    account cannot sign in until an administrator sets its password."""

    username = column("用户名", "username")
    display_name = column("姓名", "display_name")
    email = column("邮箱", "email")
    role = column("角色", "role", ChoiceWidget(Role))
    region = column("负责区域代码", "region", CodeForeignKey(Region, "code", label="区划"))
    authority = column(
        "认定机关代码",
        "authority",
        CodeForeignKey(Authority, "code", by_name=True, label="认定机关"),
    )
    is_active = column("有效", "is_active", YesNoWidget())

    class Meta(PortalResource.Meta):
        model = User
        import_id_fields = ["username"]
        fields = ["username", "display_name", "email", "role", "region", "authority", "is_active"]

    def before_import(self, dataset, **kwargs) -> None:
        super().before_import(dataset, **kwargs)
        self.importing_user = kwargs.get("user")

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        if new:
            instance.set_unusable_password()

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True, in_bulk=False
    ):
        # The admin's rule: nobody changes an account with more power than their own. The
        # file has no staff or superuser column, so no row can grant either.
        # A command has no importing user: it may not change superusers either.
        importer = getattr(self, "importing_user", None) or AnonymousUser()
        if instance.pk is not None and not can_change_account(importer, instance):
            raise ValidationError(
                f"账号“{instance.username}”是超级用户，只有超级用户可以修改它；"
                "请从文件中删去这一行后再导入。"
            )
        super().validate_instance(instance, import_validation_errors, validate_unique, in_bulk)


class UnitResource(PortalResource):
    domain = column(
        "创建领域", "domain", CodeForeignKey(Domain, "code", by_name=True, label="创建领域")
    )
    region = column("所在区划代码", "region", CodeForeignKey(Region, "code", label="区划"))
    name = column("名称", "name")
    credit_code = column("统一社会信用代码", "credit_code")
    address = column("地址", "address")
    active = column("有效", "active", YesNoWidget())

    class Meta(PortalResource.Meta):
        model = Unit
        import_id_fields = ["domain", "region", "name"]
        fields = ["domain", "region", "name", "credit_code", "address", "active"]

    def before_import_row(self, row, **kwargs) -> None:
        code = row.get("统一社会信用代码")
        row["统一社会信用代码"] = str(code).strip().upper() if code else ""

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        if new and kwargs.get("user") is not None:
            instance.created_by = kwargs["user"]

    # A unit's save moves the coverage counters (`coverage_counts`): a chunk moves them once,
    # from what its stored units counted in to what its units count in once written.
    def before_bulk_write(self, changed: list[Unit]) -> Counter:
        return coverage_counts.unit_figures([unit.pk for unit in changed], lock=True)

    def after_bulk_write(self, before: Counter, written: list[Unit]) -> None:
        coverage_counts.figures_moved(
            before, coverage_counts.unit_figures([unit.pk for unit in written])
        )


class SurveyResultResource(PortalResource):
    """Satisfaction survey results (群众安全感满意度), one row per community and year."""

    community = column(
        "社区(村)代码", "community", CodeForeignKey(Region, "code", label="社区(村)")
    )
    year = column("年度", "year", IntegerInRange(2000, 2100))
    sample_size = column("样本量", "sample_size", IntegerInRange(1, 1_000_000))
    satisfied = column("满意人数", "satisfied", IntegerInRange(0, 1_000_000))

    class Meta(PortalResource.Meta):
        model = SurveyResult
        import_id_fields = ["community", "year"]
        fields = ["community", "year", "sample_size", "satisfied"]


RESOURCES = {
    "regions": RegionResource,
    "criteria": CriterionResource,
    "authorities": AuthorityResource,
    "standards": StarStandardResource,
    "users": UserResource,
    "units": UnitResource,
    "surveys": SurveyResultResource,
}
