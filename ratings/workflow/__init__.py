"""Every state change of the portal, one function each.

Each function runs in one transaction: it locks the rows it changes, checks that the change is
allowed, writes with `update_fields`, and records an `Event`. Views, admin actions and commands
call these functions; nothing else changes a status field.

On PostgreSQL the locks are `SELECT … FOR UPDATE OF` the changed table only. SQLite ignores
those, but the settings open every SQLite transaction with `BEGIN IMMEDIATE`, so writers are
serialised there as a whole.

A locking query joins only rows that never change under it (year, community, standard), never
`updated_by` or `decided_by`: when PostgreSQL finds a locked row changed by the transaction it
waited for, it re-checks the joins against the rows read before the wait, and a join on a changed
column would silently lose the row. Those people are read after the lock, when needed.
"""

from .applications import (
    application_forward,
    application_return,
    application_review_return,
    application_save,
    application_submit,
    district_mode_set,
    year_unit_self_assessment_set,
)
from .assessments import (
    LineInput,
    Naming,
    assessment_decide,
    assessment_save,
    assessment_submit,
    designation_revoke,
    designations_create,
    meets_standard,
)
from .common import Conflict, TransitionNotAllowed, WorkflowError, event_committed
from .deadlines import apply_stage_close, deadline_extend, extension_for, year_deadlines_set
from .dynamic import plaque_take_back, star_remove
from .guidance import guidance_close, guidance_note_add, guidance_open, guidance_update
from .notices import (
    NoticeText,
    ObjectionInput,
    naming_candidates,
    notice_holds,
    notice_name_batch,
    notice_open_for_batch,
    notice_open_for_year,
    objection_assign,
    objection_find,
    objection_submit,
)
from .plaques import (
    eligibility_reinstate,
    eligibility_revoke,
    plaque_issue,
    plaque_revoke,
    plaques_issue_for_year,
)
from .reports import report_find, report_submit
from .rereviews import rereview_find, rereview_open, rereview_remove_stars, rereview_sample
from .stars import BulkResult, Finding, item_decide, items_decide, rating_save, rating_submit
from .unit_assessments import (
    unit_assessment_refusal,
    unit_assessment_return,
    unit_assessment_save,
    unit_assessment_submit,
)
from .years import ratings_mark_incomplete, year_close, year_open, year_publish

__all__ = [
    "apply_stage_close",
    "deadline_extend",
    "extension_for",
    "year_deadlines_set",
    "application_forward",
    "application_return",
    "application_review_return",
    "application_save",
    "application_submit",
    "year_unit_self_assessment_set",
    "unit_assessment_return",
    "unit_assessment_refusal",
    "unit_assessment_save",
    "unit_assessment_submit",
    "district_mode_set",
    "BulkResult",
    "LineInput",
    "Naming",
    "assessment_decide",
    "assessment_save",
    "assessment_submit",
    "designation_revoke",
    "designations_create",
    "meets_standard",
    "Conflict",
    "Finding",
    "TransitionNotAllowed",
    "WorkflowError",
    "event_committed",
    "eligibility_reinstate",
    "eligibility_revoke",
    "guidance_close",
    "guidance_note_add",
    "guidance_open",
    "guidance_update",
    "item_decide",
    "items_decide",
    "NoticeText",
    "ObjectionInput",
    "naming_candidates",
    "notice_holds",
    "notice_name_batch",
    "notice_open_for_batch",
    "notice_open_for_year",
    "objection_assign",
    "objection_find",
    "objection_submit",
    "plaque_issue",
    "plaque_revoke",
    "plaque_take_back",
    "plaques_issue_for_year",
    "rating_save",
    "report_find",
    "report_submit",
    "rereview_find",
    "rereview_open",
    "rereview_remove_stars",
    "rereview_sample",
    "star_remove",
    "ratings_mark_incomplete",
    "rating_submit",
    "year_close",
    "year_open",
    "year_publish",
]
