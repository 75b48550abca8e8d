"""'Leave this page quickly': end the client's session and show a neutral page.

The link is on every client page (``templates/base.html``), so the view lives
in booking, the lowest app that owns the site visitors see. It ends the
session (an open booking or questionnaire, a code being asked for), so pressing Back
shows "open the link in your email again" and nothing of what was on the
screen, and asks the browser to drop its cache of this site.

The device cookie (``assessments.access``) is kept on purpose: it holds no
answers and opens nothing by itself (the email link is still needed), and
dropping it would make the person's own next visit wait for a code by email.
"""

from django.http import HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

NEUTRAL_URL = "https://www.bbc.com/weather"


@never_cache
@require_safe
def leave(request):
    """End the session and send a weather page, leaving nothing cached behind."""
    request.session.flush()
    response = HttpResponseRedirect(NEUTRAL_URL)
    response["Clear-Site-Data"] = '"cache"'
    return response
