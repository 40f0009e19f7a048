from ratings.resources import RegionResource

from ._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import regions from a spreadsheet (same engine and report as the admin)."
    resource_class = RegionResource
    what = "行政区划"
