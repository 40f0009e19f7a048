"""The data of the programme, one module per aggregate; everything is re-exported here so
that `from ratings.models import X` (and the migrations) never depend on the layout.

State changes live in `ratings.workflow`; models hold data, constraints and small derived values.
"""

from .accounts import User
from .applications import DistrictMode, district_code_of, is_application_led
from .assessments import Assessment, AssessmentLine
from .base import Revocable
from .deadlines import DeadlineExtension, extended_q, overdue_q, stage_of, stage_q
from .designations import Designation
from .events import Event
from .evidence import EvidenceFile, evidence_path
from .guidance import NO_DUE_DATE, GuidanceCase, GuidanceNote, due_or_last
from .notices import (
    CalendarYear,
    Notice,
    NoticeEntry,
    Objection,
    OfficialDay,
    new_receipt,
    objection_path,
)
from .plaques import Plaque, PrintJob, print_path
from .programme import STAR_COUNT, Authority, Criterion, Domain, RatingYear, StarStandard, WorkArea
from .publication import CoverageCount, CoverageSnapshot, PublicDataVersion, StarSnapshot
from .regions import KINDS_BY_LEVEL, ROOT_LEVELS, Region, RegionQuerySet, code_range, within_q
from .reminders import Reminder
from .reports import ResidentReport, report_path
from .rereviews import Rereview, RereviewEntry
from .stars import RatingStatusCount, StarItem, StarRating, outcome_for
from .surveys import Rate, SurveyResult
from .units import (
    CREDIT_CODE_CHARS,
    CREDIT_CODE_WEIGHTS,
    FAMILY_DOMAIN,
    Unit,
    mask_household,
    validate_credit_code,
)

__all__ = [
    "User",
    "DistrictMode",
    "district_code_of",
    "is_application_led",
    "Assessment",
    "AssessmentLine",
    "Revocable",
    "DeadlineExtension",
    "extended_q",
    "overdue_q",
    "stage_of",
    "stage_q",
    "Designation",
    "Event",
    "EvidenceFile",
    "evidence_path",
    "GuidanceCase",
    "GuidanceNote",
    "NO_DUE_DATE",
    "due_or_last",
    "CalendarYear",
    "Notice",
    "NoticeEntry",
    "Objection",
    "OfficialDay",
    "new_receipt",
    "objection_path",
    "Plaque",
    "PrintJob",
    "print_path",
    "STAR_COUNT",
    "Authority",
    "Criterion",
    "Domain",
    "RatingYear",
    "StarStandard",
    "WorkArea",
    "CoverageCount",
    "CoverageSnapshot",
    "PublicDataVersion",
    "StarSnapshot",
    "ResidentReport",
    "report_path",
    "Rereview",
    "RereviewEntry",
    "KINDS_BY_LEVEL",
    "ROOT_LEVELS",
    "Region",
    "Reminder",
    "RegionQuerySet",
    "code_range",
    "within_q",
    "Rate",
    "SurveyResult",
    "StarItem",
    "RatingStatusCount",
    "StarRating",
    "outcome_for",
    "CREDIT_CODE_CHARS",
    "CREDIT_CODE_WEIGHTS",
    "FAMILY_DOMAIN",
    "Unit",
    "mask_household",
    "validate_credit_code",
]
