"""Django's admin, installed with the practice's own site (office/sites.py) as ``admin.site``.

In a module of its own: Django takes the one AppConfig a module declares.
"""

from django.contrib.admin.apps import AdminConfig


class OfficeAdminConfig(AdminConfig):
    default_site = "office.sites.OfficeSite"
