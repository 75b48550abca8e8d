"""The practice's name for every page, so no page falls back to the software's name."""

from django.utils.functional import SimpleLazyObject

from . import selectors


def practice(request):
    """Offer the practitioner's name, looked up only by a page that shows it.

    Pages that pass ``practitioner`` use its name and never ask; the error page for
    a server error renders with no context processors at all, so it needs no database.
    """
    return {"practice_name": SimpleLazyObject(selectors.practice_name)}
