"""The Celery app: configuration comes from Django settings prefixed CELERY_."""

import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings")

app = Celery("practice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def database_connection_check(sender=None, **kwargs) -> None:
    """Before each task in a worker, drop a kept connection that broke or got too old.

    CELERY_DB_REUSE_MAX keeps connections across tasks; this is what Django does at
    the start of each web request, so a database restart costs one task, not all.
    A task run in place (eagerly, by its caller) shares the caller's connection and
    its transaction: it is left alone, as Celery's own fixup does.
    """
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
