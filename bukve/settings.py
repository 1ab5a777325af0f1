"""Settings, read from the environment strictly (STYLE.md 7).

BUKVE_DEBUG        "true" or "false" (default false)
BUKVE_SECRET_KEY   required unless debug (then a random one is kept in var/secret_key)
DATABASE_URL       default: SQLite in var/bukve.sqlite3 of the checkout
BUKVE_ALLOWED_HOSTS comma-separated (default: localhost names)
BUKVE_EMAIL_*, BUKVE_SMS_*, BUKVE_LETTERS_DIR: how messages go out (README, Settings)
BUKVE_PAYMENT_PROVIDER, BUKVE_STRIPE_*, BUKVE_SANDBOX_SECRET: online payment (below)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bukve.installation import installation_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def envbool(name: str, default: str = "false") -> bool:
    value = os.environ.get(name, default)
    if value not in ("true", "false"):
        raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")
    return value == "true"


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, str(default))
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}")
    return int(value)


DEBUG = envbool("BUKVE_DEBUG")
SECRET_KEY = os.environ.get("BUKVE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("BUKVE_DEMO") != "true":
        raise ImproperlyConfigured("set BUKVE_SECRET_KEY (or BUKVE_DEBUG=true for development)")
    # Random per installation, never a published one, so that nobody can forge what it signs.
    SECRET_KEY = installation_secret(VAR_DIR / "secret_key")

ALLOWED_HOSTS = os.environ.get("BUKVE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # Swagger UI's scripts and styles served by Bukve itself: /api/docs works offline
    "bukve.libraries",
    "bukve.catalog",
    "bukve.members",
    "bukve.circulation",
    "bukve.accounts",
    "bukve.notices",
    "bukve.membership",
    "bukve.interlibrary",
    "bukve.desk",
    "bukve.portal",
    "bukve.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bukve.middleware.LanguageMiddleware",
    "bukve.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bukve.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bukve" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "bukve.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bukve.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many desks at once on the embedded default (issue 20). SQLite has one writer at a time:
    # a transaction takes the write lock when it begins (BEGIN IMMEDIATE), so it waits its
    # turn for up to `timeout` seconds; a transaction that read first and wanted to write later
    # failed at once with "database is locked" when another wrote meanwhile. With WAL readers
    # never wait for the writer, nor the writer for readers; synchronous=NORMAL is safe with WAL
    # (a power cut may lose the last commits, never corrupt the file).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The tables and indexes are read from memory or an SSD, where reading a page here and
    # there costs little more than reading them in a row. PostgreSQL's default (4, for
    # spinning disks) made the catalogue search walk 180,000 index entries for two common
    # words seldom together rather than read their 1,700 matches (bench/README.md); 1.1 is
    # the usual value for SSDs.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"-c random_page_cost=1.1 {options.get('options', '')}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "sl"
LANGUAGES = [("sl", "Slovenščina"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "bukve" / "locale"]
TIME_ZONE = "Europe/Ljubljana"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "bukve" / "static"]

LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "desk:login"
# Seed 000: a password of at least 8 characters; common ones are refused too.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# In the database, so that every app process shares it (the failed-login counts of
# bukve/throttle.py); `bukve serve`, `bukve demo` and the tests create the table.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "bukve_cache",
    }
}

# Where the web app is reached from outside, for links in e-mails (the activation link).
BUKVE_BASE_URL = os.environ.get("BUKVE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Messages out (bukve/notices): e-mail over SMTP, SMS through an HTTP gateway, letters as PDF
# files for the library to print and post.
EMAIL_HOST = os.environ.get("BUKVE_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("BUKVE_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("BUKVE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("BUKVE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("BUKVE_EMAIL_USE_TLS")
EMAIL_TIMEOUT = envint("BUKVE_EMAIL_TIMEOUT", 10)  # seconds; a dead server is retried later
DEFAULT_FROM_EMAIL = os.environ.get("BUKVE_EMAIL_FROM", "Bukve <bukve@localhost>")
BUKVE_SMS_URL = os.environ.get("BUKVE_SMS_URL", "")  # empty: SMS messages fail (and say why)
BUKVE_SMS_TOKEN = os.environ.get("BUKVE_SMS_TOKEN", "")
BUKVE_LETTERS_DIR = Path(os.environ.get("BUKVE_LETTERS_DIR", VAR_DIR / "letters"))
# The demo, and development when asked, keep e-mail and SMS on this machine instead, as files
# to read: e-mail as .eml in BUKVE_MAIL_DIR/<library>/, SMS as .txt in BUKVE_SMS_DIR/<library>/
# (`bukve demo`: var/mail and var/sms). Production sends over SMTP and through the gateway.
_DEMO = os.environ.get("BUKVE_DEMO") == "true"
BUKVE_MAIL_DIR = os.environ.get("BUKVE_MAIL_DIR", str(VAR_DIR / "mail") if _DEMO else "")
BUKVE_SMS_DIR = os.environ.get("BUKVE_SMS_DIR", str(VAR_DIR / "sms") if _DEMO else "")
if (BUKVE_MAIL_DIR or BUKVE_SMS_DIR) and not (DEBUG or _DEMO):
    raise ImproperlyConfigured(
        "BUKVE_MAIL_DIR and BUKVE_SMS_DIR keep messages on this machine: only with "
        "BUKVE_DEBUG=true or in `bukve demo`; production sends e-mail over SMTP "
        "(BUKVE_EMAIL_HOST) and SMS through the gateway (BUKVE_SMS_URL)"
    )

# Online payment (bukve/accounts/providers.py): "stripe" (Stripe Checkout) or "sandbox", a
# pretend bank in Bukve itself for development, the demo and the tests. The sandbox takes no
# money, so it works only with BUKVE_DEBUG=true or in `bukve demo`; elsewhere it is off and the
# portal offers no online payment.
BUKVE_PAYMENT_PROVIDER = os.environ.get("BUKVE_PAYMENT_PROVIDER", "sandbox")
if BUKVE_PAYMENT_PROVIDER not in ("sandbox", "stripe"):
    raise ImproperlyConfigured(
        f"BUKVE_PAYMENT_PROVIDER must be sandbox or stripe, not {BUKVE_PAYMENT_PROVIDER!r}"
    )
BUKVE_STRIPE_SECRET_KEY = os.environ.get("BUKVE_STRIPE_SECRET_KEY", "")
BUKVE_STRIPE_WEBHOOK_SECRET = os.environ.get("BUKVE_STRIPE_WEBHOOK_SECRET", "")
if BUKVE_PAYMENT_PROVIDER == "stripe" and not (
    BUKVE_STRIPE_SECRET_KEY and BUKVE_STRIPE_WEBHOOK_SECRET
):
    raise ImproperlyConfigured(
        "BUKVE_PAYMENT_PROVIDER=stripe needs BUKVE_STRIPE_SECRET_KEY and "
        "BUKVE_STRIPE_WEBHOOK_SECRET"
    )
BUKVE_SANDBOX_SECRET = ""
if DEBUG or os.environ.get("BUKVE_DEMO") == "true":
    BUKVE_SANDBOX_SECRET = os.environ.get("BUKVE_SANDBOX_SECRET") or installation_secret(
        VAR_DIR / "sandbox_secret"
    )

# Errors and warnings go to stderr whatever DEBUG says (Django sends them only to the
# site's admins by e-mail outside debug): a server error must leave its traceback somewhere.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "bukve": {"handlers": ["stderr"], "level": "WARNING"},
    },
}
