"""The office's own Content-Security-Policy: the clients' strict one, plus inline styles.

The stock admin's pages run under the strict policy as they are (its scripts set
styles through the DOM, which the policy allows). Our own office pages use inline
styles: the questionnaire report, the questionnaire status on a booking, and the
email previews, whose HTML (styled inline, as email must be) is shown in a sandboxed
frame that inherits this policy. Scripts stay ``'self'`` only. A later change can
move those styles into files and keep ``'unsafe-inline'`` for the previews alone.
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import reverse

OFFICE_POLICY_UPDATE = {"style-src": [UNSAFE_INLINE]}


def office_csp_middleware(get_response):
    """Relax style-src for the office's pages; list it after csp.middleware.CSPMiddleware."""
    relaxed = csp_update(OFFICE_POLICY_UPDATE)(get_response)

    def middleware(request):
        if request.path_info.startswith(reverse("admin:index")):
            return relaxed(request)
        return get_response(request)

    return middleware
