"""Read queries used by views: every list and every object lookup goes through the user's scope.

Names say what they return: `<entity>_list_for_user` and `<entity>_get_for_user` (404 outside
the user's scope), with keyword-only arguments.
"""

from .applications import district_choices, district_mode_list
from .assessments import (
    assessment_count_awaiting,
    assessment_get_for_user,
    assessment_line_list,
    assessment_list_awaiting,
    assessment_reusable,
    assessment_review_list_for_user,
    criterion_list_active,
)
from .deadlines import (
    Deadline,
    deadline_list,
    deadline_list_for_user,
    extension_list,
    mark_overdue,
)
from .designations import designation_candidate_list, designation_get, designation_list
from .guidance import GUIDANCE_STATES, guidance_get_for_user, guidance_list_for_user
from .inbox import (
    Todo,
    event_list_for_inbox,
    rating_count_awaiting,
    todo_list_for_user,
    todo_total_for_user,
)
from .notices import (
    notice_entry_list,
    notice_get,
    notice_list,
    objection_counts,
    objection_get_by_receipt,
    objection_get_for_user,
    objection_list_for_user,
    rating_list_proposed,
)
from .outstanding import (
    community_list_unrated,
    holders,
    rating_list_outstanding,
)
from .plaques import (
    plaque_get,
    plaque_list_for_rating,
    plaque_list_for_year,
    plaque_list_not_taken_back,
    print_job_get,
    print_job_list,
    rating_list_awaiting_plaque,
)
from .progress import AuthorityRow, Progress, ProgressRow, year_progress
from .ratings import (
    NOT_STARTED,
    community_list_for_user,
    event_list_for_rating,
    evidence_get_for_user,
    evidence_reusable,
    item_get_for_user,
    item_list_flagged,
    item_list_for_rating,
    item_list_for_user,
    rating_get_for_user,
    rating_list_commended,
    rating_list_undecided,
    rating_status_counts_for_user,
)
from .regions import (
    community_get_for_user,
    region_ancestors,
    region_get_for_user,
    region_scope_root,
    unit_region_list_for_user,
)
from .reports import (
    report_count_awaiting,
    report_get_by_receipt,
    report_get_for_user,
    report_list_for_user,
)
from .rereviews import (
    rereview_count_awaiting,
    rereview_count_to_remove,
    rereview_entry_get_for_user,
    rereview_entry_list_for_user,
    rereview_get,
    rereview_list,
)
from .surveys import AreaRate, survey_list_below, survey_rates
from .units import unit_get_for_user, unit_list_for_user
from .years import year_current, year_get, year_list_with_figures

__all__ = [
    "AuthorityRow",
    "Progress",
    "ProgressRow",
    "year_progress",
    "Deadline",
    "deadline_list",
    "deadline_list_for_user",
    "extension_list",
    "mark_overdue",
    "Todo",
    "event_list_for_inbox",
    "rating_count_awaiting",
    "todo_list_for_user",
    "todo_total_for_user",
    "district_choices",
    "district_mode_list",
    "year_current",
    "year_get",
    "year_list_with_figures",
    "community_get_for_user",
    "region_ancestors",
    "region_get_for_user",
    "region_scope_root",
    "unit_region_list_for_user",
    "NOT_STARTED",
    "community_list_for_user",
    "event_list_for_rating",
    "evidence_get_for_user",
    "item_get_for_user",
    "item_list_flagged",
    "item_list_for_rating",
    "evidence_reusable",
    "item_list_for_user",
    "rating_get_for_user",
    "rating_list_commended",
    "rating_list_undecided",
    "rating_status_counts_for_user",
    "plaque_get",
    "plaque_list_for_rating",
    "plaque_list_for_year",
    "plaque_list_not_taken_back",
    "rating_list_awaiting_plaque",
    "print_job_get",
    "print_job_list",
    "GUIDANCE_STATES",
    "guidance_get_for_user",
    "guidance_list_for_user",
    "unit_get_for_user",
    "unit_list_for_user",
    "assessment_count_awaiting",
    "assessment_get_for_user",
    "assessment_line_list",
    "assessment_list_awaiting",
    "assessment_reusable",
    "assessment_review_list_for_user",
    "criterion_list_active",
    "designation_candidate_list",
    "designation_get",
    "designation_list",
    "AreaRate",
    "survey_list_below",
    "survey_rates",
    "report_count_awaiting",
    "report_get_by_receipt",
    "report_get_for_user",
    "report_list_for_user",
    "rereview_count_awaiting",
    "rereview_count_to_remove",
    "rereview_entry_get_for_user",
    "rereview_entry_list_for_user",
    "rereview_get",
    "rereview_list",
    "notice_entry_list",
    "notice_get",
    "notice_list",
    "objection_counts",
    "objection_get_by_receipt",
    "objection_get_for_user",
    "objection_list_for_user",
    "rating_list_proposed",
    "community_list_unrated",
    "holders",
    "rating_list_outstanding",
]
