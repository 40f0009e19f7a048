"""待办 (what awaits the user) and 通知 (events that concern them), for every signed-in role."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors
from ..forms import InboxFilterForm
from ..permissions import rating_roles_required
from .common import list_context, paginate, read_filters


@rating_roles_required
def todo(request: HttpRequest) -> HttpResponse:
    """Each kind of work waiting for the user, with its count and a link to the list."""
    todos = selectors.todo_list_for_user(user=request.user)
    return render(
        request, "inbox/todo.html", {"todos": todos, "total": sum(t.count for t in todos)}
    )


@rating_roles_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The events that concern the user: returned, rejected, endorsed, forwarded, applied…"""
    form = read_filters(request, InboxFilterForm)
    events = selectors.event_list_for_inbox(user=request.user, search=form.filters.get("q", ""))
    return render(
        request,
        "inbox/inbox.html",
        {**list_context(request, form), "form": form, "page": paginate(request, events)},
    )
