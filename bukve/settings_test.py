"""Settings for the test suite: the same as production, with a fast password hasher."""

import os

os.environ.setdefault("BUKVE_DEBUG", "true")

from bukve.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
