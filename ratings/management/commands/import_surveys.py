from ratings.resources import SurveyResultResource

from ._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import satisfaction survey results (same engine and report as the admin)."
    resource_class = SurveyResultResource
    what = "群众安全感满意度"
