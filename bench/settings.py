"""Production settings plus the benchmark's floor views (`bench.floor`): the server the
benchmark starts uses these, and only it."""

from wuhai_safety.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor"
