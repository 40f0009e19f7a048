"""Factories for the objects tests need beyond the reference data."""

from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from ratings.choices import CodeSource, RegionKind, RegionLevel, Role
from ratings.models import Region, User

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.django.Password(PASSWORD)


def assessor(region_code: str, **kwargs) -> User:
    return UserFactory(role=Role.ASSESSOR, region_id=region_code, **kwargs)


def filer(community_code: str, **kwargs) -> User:
    """社区(村)填报员 of one community or village."""
    return UserFactory(role=Role.FILER, region_id=community_code, **kwargs)


def unit_filer(unit, **kwargs) -> User:
    """填报员 of one creation-domain unit (its contact)."""
    return UserFactory(role=Role.FILER, unit=unit, **kwargs)


def prereviewer(town_code: str, **kwargs) -> User:
    """街道/镇初审员 of one street or town."""
    return UserFactory(role=Role.PREREVIEWER, region_id=town_code, **kwargs)


def certifier(authority_code: str, **kwargs) -> User:
    return UserFactory(role=Role.CERTIFIER, authority_id=authority_code, **kwargs)


def administrator(**kwargs) -> User:
    return UserFactory(role=Role.ADMIN, is_staff=True, **kwargs)


def communities(
    town_code: str, count: int, *, start: int = 100, name: str = "测试"
) -> list[Region]:
    """`count` communities under a town, with codes town + start…; names are numbered."""
    town = Region.objects.get(pk=town_code)
    made = [
        Region(
            code=town_code[:9] + f"{start + n:03d}",
            name=f"{name}{n + 1}社区",
            level=RegionLevel.VILLAGE,
            kind=RegionKind.COMMUNITY,
            parent=town,
            code_source=CodeSource.DEMO,
        )
        for n in range(count)
    ]
    return Region.objects.bulk_create(made)


def totp_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator app, made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="测试手机", confirmed=True)
