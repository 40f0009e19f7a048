from ratings.resources import CriterionResource

from ._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import criteria from a spreadsheet (same engine and report as the admin)."
    resource_class = CriterionResource
    what = "创建标准"
