"""The Celery app keeps database connections across tasks, and drops a broken or old one."""

import time

import pytest
from celery.signals import task_prerun
from django.db import connection

from practice.celery import app


def test_it_keeps_the_database_connection_across_tasks():
    # Read by Celery's Django fixup: without it, every task opens a new connection.
    assert app.conf.get("CELERY_DB_REUSE_MAX") >= 100


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_drops_a_connection_that_outlived_its_age_before_a_task(postgres):
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1  # as after CONN_MAX_AGE
    task_prerun.send(sender=None, task_id="t", task=None, args=(), kwargs={})
    assert connection.connection is None
    connection.ensure_connection()  # and the next query opens a fresh one


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_keeps_a_healthy_connection_before_a_task(postgres):
    connection.ensure_connection()
    kept = connection.connection
    connection.close_at = time.monotonic() + 60
    task_prerun.send(sender=None, task_id="t", task=None, args=(), kwargs={})
    assert connection.connection is kept
