"""Settings for the benchmark only: the practice's own, plus a URLconf with /bench/trivial/."""

from practice.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
