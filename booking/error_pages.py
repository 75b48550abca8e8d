"""Error pages in the practice's own look and name (wired in practice/urls.py).

They live in booking, which owns the pages visitors see (``base.html`` links to
the booking pages). Each says what happened and what to do, and none names the
software or shows a technical detail.
"""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """Explain a form refused for its CSRF token: a page left open, or cookies off."""
    return render(request, "403.html", {"csrf": True}, status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """Render the 500 page from the template alone: no request, no context processors.

    The error may be the database itself, so this page must not need it.
    """
    return HttpResponseServerError(loader.get_template("500.html").render())
