"""What every page shows around its content."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest

from . import permissions

MIIT_REGISTRY = "https://beian.miit.gov.cn/"
MPS_REGISTRY = "https://beian.mps.gov.cn/#/query/webSearch?code="


def site_footer(request: HttpRequest) -> dict:
    """The footer's lines from settings (主办单位, 承办单位, contact, the registrations); the
    public-security registration links to its record, found by the number's digits."""
    police = settings.SITE_POLICE_RECORD
    digits = "".join(re.findall(r"[0-9]+", police))
    return {
        "footer": {
            "sponsor": settings.SITE_SPONSOR,
            "organizer": settings.SITE_ORGANIZER,
            "address": settings.SITE_ADDRESS,
            "phone": settings.SITE_PHONE,
            "icp": settings.SITE_ICP_NUMBER,
            "icp_url": MIIT_REGISTRY,
            "police": police,
            "police_url": MPS_REGISTRY + digits if digits else "",
            "id_code": settings.SITE_ID_CODE,
        }
    }


def navigation(request: HttpRequest) -> dict:
    """`nav`: the header's links the person is offered (`permissions.navigation`)."""
    return {"nav": permissions.navigation(getattr(request, "user", None))}
