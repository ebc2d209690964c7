"""Local development: the embedded defaults, debug on, demo premium available."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
DEMO_PREMIUM_ENABLED = env.bool("DEMO_PREMIUM_ENABLED", default=True)
