"""Settings for the benchmark only: the practice's own, plus a URLconf with /bench/trivial/.

Celery uses the email benchmark's own broker (bench/email_bench.py sets one of
BENCH_BROKER_URL, a Redis URL, or BENCH_BROKER_DIR, a folder for kombu's
filesystem transport) and its own queue, so the bench never sends tasks to the
developer's queue nor takes theirs.
"""

import os
from pathlib import Path

from practice.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The load generator is one visitor sending thousands of requests: measure the
# pages, not the limits that would (rightly) stop it.
PUBLIC_LIMITS = False
# The bench empties its cache between measurements: never a developer's Redis.
# Its gunicorn (bench/run.py) gets BENCH_SERVER_CACHE_URL, the throwaway Redis
# database of BENCH_REDIS_URL, so two workers share one cache as in production.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("BENCH_SERVER_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["BENCH_SERVER_CACHE_URL"],
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

# Its production-like gunicorn (DEBUG off) serves the manifest of a collectstatic
# run into var/bench, never into the project's own STATIC_ROOT.
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])

CELERY_TASK_DEFAULT_QUEUE = "bench"
if os.environ.get("BENCH_BROKER_URL"):
    CELERY_BROKER_URL = os.environ["BENCH_BROKER_URL"]
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
elif os.environ.get("BENCH_BROKER_DIR"):
    _folder = Path(os.environ["BENCH_BROKER_DIR"])
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_folder / "queue"),
        "data_folder_out": str(_folder / "queue"),
        "processed_folder": str(_folder / "processed"),
        "store_processed": False,
        # Exchange bindings; kombu's default is "control" in the working directory.
        "control_folder": str(_folder / "control"),
    }
