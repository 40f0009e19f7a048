from ratings.resources import UnitResource

from ._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import units from a spreadsheet (same engine and report as the admin)."
    resource_class = UnitResource
    what = "创建单位"
