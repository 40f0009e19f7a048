"""Every URL, as a user allowed to use it, with malformed values in every parameter it reads
(and, first, in English: see CHINESE_PUNCTUATION_IN_ENGLISH).

The parameters are not listed by hand: a middleware records which keys each view reads from
the query string and the form data (with a valid request first), then each is replaced in turn
by every value of a corpus of bad input, and each path argument likewise. The answer may be a
refusal (400, 404, a form error, a redirect with a message) but never a server error, on SQLite
and PostgreSQL alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

import pytest
from django.contrib import admin
from django.db import transaction
from django.http import QueryDict
from django.urls import Resolver404, resolve, reverse

from ratings import workflow
from tests.permissions.test_matrix import (
    APPLICANT_SIDE,
    LOGIN,
    ROWS,
    UNIT_SIDE,
    Row,
    applicant_side,
    unit_side,
)
from tests.world import World

pytestmark = pytest.mark.django_db

# One list of values for a parameter that expects one.
AS_LIST = object()
BAD_VALUES = {
    "nul": "12\x00",
    "superscript-two": "²",
    "forty-digits": "9" * 40,
    "negative": "-1",
    "5000-characters": "长" * 5000,
    "emoji": "😀",
    "list": AS_LIST,
}

SEEN: set[tuple[str, str]] = set()
# The keys read as lists. A key read with `get` or `[]` takes the last of several values, so a
# list given to it is one more plain value: only these are given the list.
LISTS: set[tuple[str, str]] = set()

# The first, valid request is made in English, and its page must read as English: no
# full-width colon after a Latin word ("Certifying authority：") and no full-width brackets
# around a number ("海南区（1）"). Stored Chinese text (names, events, criteria) may remain.
CHINESE_PUNCTUATION_IN_ENGLISH = re.compile(r".{0,40}(?:[A-Za-z)]：|（[0-9]+）).{0,20}")


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes every key a view asks for."""

    source = "GET"

    def __getitem__(self, key):
        SEEN.add((self.source, key))
        return super().__getitem__(key)

    def get(self, key, default=None):
        SEEN.add((self.source, key))
        return super().get(key, default)

    def getlist(self, key, default=None):
        SEEN.add((self.source, key))
        LISTS.add((self.source, key))
        return super().getlist(key, default)

    def __contains__(self, key):
        SEEN.add((self.source, key))
        return super().__contains__(key)


def _recording(data: QueryDict, source: str) -> RecordingQueryDict:
    copy = RecordingQueryDict(mutable=True)
    copy.source = source
    for key, values in data.lists():
        copy.setlist(key, values)
    copy._mutable = False
    return copy


def recording_middleware(get_response):
    def middleware(request):
        request.GET = _recording(request.GET, "GET")
        if request.method == "POST":
            request.POST = _recording(request.POST, "POST")
        return get_response(request)

    return middleware


@pytest.fixture
def world(module_world, db, settings, monkeypatch) -> World:
    # The admin's changelists are crawled for their parameters, not for rendering 100 rows.
    for model_admin in admin.site._registry.values():
        monkeypatch.setattr(model_admin, "list_per_page", 3)
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("ratings.uploads.upload_name_middleware") + 1,
        f"{__name__}.recording_middleware",
    )
    settings.MIDDLEWARE = middleware
    # Every bad value of every field is one objection: more than a person's limit a minute.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "objection": 10_000, "report": 10_000}
    return module_world


@dataclass
class Target:
    name: str
    method: str
    url: object  # World -> str
    role: str
    data: object = lambda w: {}  # World -> dict
    # The admin site's changelists: their search box, filters, ordering and paging are Django's
    # own code, run together on one query; one request per bad value, given to every parameter
    # at once, is enough.
    all_at_once: bool = False


# The public site and the sign-in pages, which the permission matrix leaves out.
PUBLIC = [
    Target("home", "get", lambda w: reverse("home"), "anonymous"),
    Target("honours", "get", lambda w: reverse("honours"), "anonymous"),
    Target("honours-domains", "get", lambda w: reverse("honours") + "?kind=domains", "anonymous"),
    Target(
        "honours_export.csv", "get", lambda w: reverse("honours_export", args=["csv"]), "anonymous"
    ),
    Target(
        "honours_export.json",
        "get",
        lambda w: reverse("honours_export", args=["json"]) + "?kind=domains",
        "anonymous",
    ),
    Target("stats", "get", lambda w: reverse("stats"), "anonymous"),
    Target("stats_export", "get", lambda w: reverse("stats_export", args=["csv"]), "anonymous"),
    Target("stats_report", "get", lambda w: reverse("stats_report", args=[2025]), "anonymous"),
    Target("verify", "get", lambda w: reverse("verify"), "anonymous"),
    Target(
        "verify_number",
        "get",
        lambda w: reverse("verify_number", args=[w.plaque.number]),
        "anonymous",
    ),
    Target("commendation", "get", lambda w: reverse("commendation", args=[2025]), "anonymous"),
    Target(
        "commendation_xlsx", "get", lambda w: reverse("commendation_xlsx", args=[2025]), "anonymous"
    ),
    Target("notice_list", "get", lambda w: reverse("notice_list"), "anonymous"),
    Target(
        "notice_detail", "get", lambda w: reverse("notice_detail", args=[w.notice.pk]), "anonymous"
    ),
    Target(
        "notice_detail",
        "post",
        lambda w: reverse("notice_detail", args=[w.notice.pk]),
        "anonymous",
        data=lambda w: {
            "entry": w.objection.entry_id,
            "facts": "该宾馆存在消防隐患，多次反映未整改到位。",
            "name": "李明",
            "phone": "0473-1234567",
        },
    ),
    Target(
        "objection_status",
        "get",
        lambda w: reverse("objection_status", args=[w.objection.receipt]),
        "anonymous",
    ),
    Target(
        "report_new",
        "post",
        lambda w: reverse("report_new", args=[w.plaque.number]),
        "anonymous",
        data=lambda w: {
            "facts": "社区东门路灯损坏三个月，夜间多次发生盗窃。",
            "name": "赵春梅",
            "phone": "13847301234",
        },
    ),
    Target(
        "report_status",
        "get",
        lambda w: reverse(
            "report_status",
            args=[
                workflow.report_submit(
                    plaque=w.plaque,
                    report=workflow.ObjectionInput(
                        facts="社区东门路灯损坏三个月，夜间多次发生盗窃。",
                        name="赵春梅",
                        phone="13847301234",
                    ),
                ).receipt
            ],
        ),
        "anonymous",
    ),
    Target(
        "login",
        "post",
        lambda w: reverse("login"),
        "anonymous",
        data=lambda w: {"username": "nobody", "password": "wrong"},
    ),
    Target(
        "set_language",
        "post",
        lambda w: reverse("set_language"),
        "anonymous",
        data=lambda w: {"language": "en", "next": "/"},
    ),
]


def _role(row: Row) -> str | None:
    """The first role the matrix lets through (a page or a redirect after acting)."""
    for role in (
        "admin",
        "assessor_in",
        "certifier_right",
        "certifier_other",
        "filer_in",
        "town_in",
        "unit_in",
    ):
        if row.expected[role] in (200, 302) and not (
            role == "anonymous" and row.expected[role] == LOGIN
        ):
            return role
    return None


def _staff_targets() -> list[Target]:
    targets, seen = [], set()
    for row in ROWS:
        role = _role(row)
        key = (row.name, row.method)
        if role is None or key in seen:
            continue
        seen.add(key)
        targets.append(Target(row.name, row.method, row.url, role, row.data))
    return targets


def _admin_targets() -> list[Target]:
    """Every changelist of the admin site, with its search box and filters."""
    return [
        Target(
            f"admin:{model._meta.model_name}",
            "get",
            lambda w, model=model: (
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
                + "?q=x"
            ),
            "admin",
            all_at_once=True,
        )
        for model in admin.site._registry
    ]


TARGETS = PUBLIC + _staff_targets() + _admin_targets()


def _user(world: World, target: Target):
    if target.role in APPLICANT_SIDE:
        return applicant_side(world, target.role, target.url(world))
    if target.role in UNIT_SIDE:
        return unit_side(world, target.role, target.url(world))
    user = world.users[target.role]
    if target.role.startswith("certifier") and target.name in DOMAIN_NAMES:
        user = world.certifiers["wenlv"]
    return user


DOMAIN_NAMES = {row.name for row in ROWS if row.certifiers[0] == "wenlv"}


def _send(
    client, method: str, url: str, query: dict, form: dict, pages: list[str] | None = None
) -> tuple[int | None, str]:
    """One request in a savepoint rolled back after it; the status, or the exception. An
    HTML page is added to `pages` where one is given."""
    try:
        with transaction.atomic():
            if method == "get":
                response = client.get(url, query)
            else:
                target = url + ("?" + _urlencode(query) if query else "")
                response = client.post(target, form)
            if response.streaming:
                b"".join(response.streaming_content)
            elif pages is not None and response["Content-Type"].startswith("text/html"):
                pages.append(response.content.decode())
            transaction.set_rollback(True)
    except Exception as error:  # any exception is the finding
        return None, f"{type(error).__name__}: {str(error)[:120]}"
    return response.status_code, ""


def _urlencode(query: dict) -> str:
    encoded = QueryDict(mutable=True)
    for key, value in query.items():
        encoded.setlist(key, value if isinstance(value, list) else [value])
    return encoded.urlencode()


def _split(url: str) -> tuple[str, dict]:
    path, _, query_string = url.partition("?")
    query = {key: values for key, values in QueryDict(query_string).lists()}
    return path, {key: values[-1] if len(values) == 1 else values for key, values in query.items()}


def _one_of_each_shape(keys: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The ten findings of a rating read s1-met … s10-met, an assessment c7-points …: the same
    field, the same code. One key of each shape is enough."""
    shapes: dict[tuple[str, str], tuple[str, str]] = {}
    for source, key in sorted(keys):
        shapes.setdefault((source, re.sub(r"[0-9]+", "#", key)), (source, key))
    return sorted(shapes.values())


def _read_as_list(source: str, key: str) -> bool:
    """Whether the view read `key` (or a key of its shape: s1-files, s2-files…) as a list."""
    shape = re.sub(r"[0-9]+", "#", key)
    return any(s == source and re.sub(r"[0-9]+", "#", k) == shape for s, k in LISTS)


def _bad(value, good):
    if value is AS_LIST:
        return [str(good or "1"), "2"]
    return value


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"{t.method}-{t.name}")
def test_no_server_error_on_bad_input(client, as_user, world, target):
    crawl(client, world, target, sign_in=as_user)


def crawl(client, world: World, target: Target, sign_in=None) -> None:
    """Crawl one target; `sign_in(user)` (the module's sessions) or else `force_login` signs
    in its role. An anonymous target keeps the client's session (a sign-in half done)."""
    user = _user(world, target)
    if user is not None:
        (sign_in or client.force_login)(user)
    path, query = _split(target.url(world))
    form = dict(target.data(world))
    # A first, valid request tells which keys the view reads ("_" binds forms that read
    # only a non-empty query string).
    SEEN.clear()
    LISTS.clear()
    client.cookies["django_language"] = "en"
    pages: list[str] = []
    status, error = _send(client, target.method, path, {**query, "_": "1"}, form, pages)
    assert status is not None and status < 500, f"valid request failed: {status} {error}"
    assert not [bit for page in pages for bit in CHINESE_PUNCTUATION_IN_ENGLISH.findall(page)]
    seen = {item for item in SEEN if item[1] != "_"}
    read = _one_of_each_shape(seen | {("GET", key) for key in query})
    failures = []
    for label, value in BAD_VALUES.items():
        if target.all_at_once:
            keys = {key for source, key in read if source == "GET"}
            bad_query = {key: _bad(value, query.get(key)) for key in keys}
            status, error = _send(client, target.method, path, bad_query, form)
            if status is None or status >= 500:
                failures.append(f"every key={label}: {status or error}")
            continue
        for source, key in read:
            if value is AS_LIST and not _read_as_list(source, key):
                continue
            if source == "GET":
                bad_query = {**query, key: _bad(value, query.get(key))}
                status, error = _send(client, target.method, path, bad_query, form)
            else:
                bad_form = {**form, key: _bad(value, form.get(key))}
                status, error = _send(client, target.method, path, query, bad_form)
            if status is None or status >= 500:
                failures.append(f"{source} {key}={label}: {status or error}")
    # Path arguments: each one the URL pattern captures, in its place in the route. A value
    # the route's converter refuses never reaches the view (the resolver answers 404), and a
    # POST reaches the same view, and its object lookup, as the GET of the same URL does.
    match = resolve(path)
    if target.method == "post" and ("get", target.name) in CRAWLED_BY_GET:
        return _report(target, path, read, failures)
    for name in match.kwargs:
        for label, value in BAD_VALUES.items():
            if value is AS_LIST:
                continue
            bad_path = "/" + re.sub(
                r"<(?:\w+:)?(\w+)>",
                lambda part, name=name, value=value: quote(
                    value if part[1] == name else str(match.kwargs[part[1]])
                ),
                match.route,
            )
            if _resolved_name(bad_path) != match.url_name:
                continue
            status, error = _send(client, target.method, bad_path, query, form)
            if status is None or status >= 500:
                failures.append(f"path {name}={label}: {status or error}")
    _report(target, path, read, failures)


CRAWLED_BY_GET = {(target.method, target.name) for target in TARGETS}


def _resolved_name(path: str) -> str | None:
    try:
        return resolve(unquote(path)).url_name
    except Resolver404:
        return None


def _report(target: Target, path: str, read, failures: list[str]) -> None:
    assert not failures, f"{target.method.upper()} {path} read {read}:\n" + "\n".join(failures)
