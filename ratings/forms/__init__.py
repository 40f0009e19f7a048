"""Forms validate and clean input; the workflow and service functions write."""

from .administration import ReasonForm, YearOpenForm
from .domains import (
    REGION_SELECT_LIMIT,
    AssessmentEditForm,
    LineForm,
    NamingForm,
    ReviewForm,
    TickedUnitsForm,
    UnitForm,
)
from .fields import (
    ACCEPT,
    ID_PATTERN,
    ModelIdsField,
    MultipleFileField,
    MultipleFileInput,
    ReasonedDecisionForm,
    clean_version,
)
from .filters import (
    DomainFilterMixin,
    DomainListFilterForm,
    FilterForm,
    GuidanceFilterForm,
    HonoursFilterForm,
    QueueFilterForm,
    UnitFilterForm,
    VerifyForm,
    WorkFilterForm,
)
from .guidance import GuidanceCloseForm, GuidanceForm, GuidanceNoteForm
from .ratings import MET_CHOICES, BulkDecisionForm, DecisionForm, FindingForm, RatingEditForm

__all__ = [
    "ACCEPT",
    "ID_PATTERN",
    "ModelIdsField",
    "MultipleFileField",
    "MultipleFileInput",
    "ReasonedDecisionForm",
    "clean_version",
    "BulkDecisionForm",
    "DecisionForm",
    "FindingForm",
    "MET_CHOICES",
    "RatingEditForm",
    "DomainFilterMixin",
    "DomainListFilterForm",
    "FilterForm",
    "GuidanceFilterForm",
    "HonoursFilterForm",
    "QueueFilterForm",
    "UnitFilterForm",
    "VerifyForm",
    "WorkFilterForm",
    "ReasonForm",
    "YearOpenForm",
    "GuidanceCloseForm",
    "GuidanceForm",
    "GuidanceNoteForm",
    "AssessmentEditForm",
    "LineForm",
    "NamingForm",
    "REGION_SELECT_LIMIT",
    "ReviewForm",
    "TickedUnitsForm",
    "UnitForm",
]
