"""Units of the creation domains: registering one and changing its particulars.

A unit's particulars are part of the record: registering it and every later change is an event,
and a change lists each field that changed, before and after. What was published about a unit
(its name and region on an honour roll) is kept on its designations, so renaming or moving the
unit changes the register, never what was published.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..choices import EventAction
from ..models import Domain, Region, Unit, User
from ..workflow.common import TransitionNotAllowed, record_event

# The particulars a person edits, in the order the event lists them.
TRACKED_FIELDS = ("domain", "region", "name", "credit_code", "address", "active")


@dataclass(frozen=True)
class UnitDetails:
    """What the unit form says about a unit."""

    domain: Domain
    region: Region
    name: str
    credit_code: str = ""
    address: str = ""
    active: bool = True

    def value(self, field: str):
        """The value to store in `field`, cleaned of stray spaces."""
        value = getattr(self, field)
        return value.strip() if isinstance(value, str) else value


def _require_scope(user: User, region: Region) -> None:
    if not permissions.can_register_unit(user, region):
        raise TransitionNotAllowed(
            _("区划代码 %(code)s 不存在或不在您负责的范围内。") % {"code": region.code}
        )


def _comparable(value) -> object:
    """Foreign keys compare by key, so that a fresh and a cached Region are the same place."""
    return value.pk if isinstance(value, Domain | Region) else value


def _shown(field: str, value) -> str:
    """A value as a person reads it in the history."""
    if field == "region":
        return f"{value.name}（{value.code}）"
    if field == "domain":
        return value.name
    if field == "active":
        return _("有效") if value else _("停用")
    return value or _("（空）")


def _label(field: str) -> str:
    if field == "active":
        return _("状态")  # reads "状态：有效 → 停用"
    return str(Unit._meta.get_field(field).verbose_name)


def _save(unit: Unit, **options) -> None:
    """Save, turning a credit code taken in the meantime into a message instead of an error."""
    try:
        with transaction.atomic():
            unit.save(**options)
    except IntegrityError:
        raise TransitionNotAllowed(
            _("统一社会信用代码 %(code)s 已被其他单位使用。") % {"code": unit.credit_code}
        ) from None


def unit_create(*, user: User, details: UnitDetails) -> Unit:
    """Register a unit in a region inside the user's scope; the event records what was entered."""
    _require_scope(user, details.region)
    with transaction.atomic():
        unit = Unit(created_by=user, **{field: details.value(field) for field in TRACKED_FIELDS})
        _save(unit)
        record_event(
            EventAction.UNIT_CREATE,
            user,
            unit=unit,
            detail="；".join(
                f"{_label(field)}：{_shown(field, getattr(unit, field))}"
                for field in TRACKED_FIELDS
            ),
        )
    return unit


def unit_update(*, user: User, unit: Unit, details: UnitDetails) -> Unit:
    """Change a unit's particulars. The event lists every changed field as before → after;
    when nothing changed, nothing is written.

    The domain is fixed once the unit has an assessment: its lines were scored against that
    domain's criteria, and whether the public sees a household's name depends on it."""
    with transaction.atomic():
        # No join in the locking query: region_id is what a concurrent edit may change.
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        _require_scope(user, unit.region)
        _require_scope(user, details.region)
        changed = [
            field
            for field in TRACKED_FIELDS
            if _comparable(getattr(unit, field)) != _comparable(details.value(field))
        ]
        if not changed:
            return unit
        if "domain" in changed and unit.assessments.exists():
            raise TransitionNotAllowed(
                _(
                    "%(name)s 已有测评记录，不能改变创建领域。"
                    "如登记有误，请停用本单位，在正确的领域重新登记。"
                )
                % {"name": unit.name}
            )
        before = {field: _shown(field, getattr(unit, field)) for field in changed}
        for field in changed:
            setattr(unit, field, details.value(field))
        _save(unit, update_fields=changed)
        record_event(
            EventAction.UNIT_UPDATE,
            user,
            unit=unit,
            detail="；".join(
                f"{_label(field)}：{before[field]} → {_shown(field, getattr(unit, field))}"
                for field in changed
            ),
        )
    return unit
