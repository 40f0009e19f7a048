"""The administrator's back office: reference data, accounts and units, with spreadsheet import
and export.

Reference data is never deleted here (records keep pointing at it); it is deactivated instead.
Ratings, assessments, plaques, designations and events are shown read-only: their state changes
only through `ratings.workflow`. Only portal administrators reach any of it.
"""

from . import accounts, reference  # noqa: F401  (each registers its pages)
