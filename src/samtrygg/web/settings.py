"""The one settings module: every value comes from the environment (docs/configuration.md).

SQLite under the data directory by default, so a fresh clone runs; ``DATABASE_URL`` selects
PostgreSQL (psycopg 3) in production.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from samtrygg.web import local_key
from samtrygg.web.clientip import parse_networks

# Lets ModelAdmin[Model] and friends be subscripted at run time, as the type stubs expect.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent  # src/samtrygg
PROJECT_DIR = BASE_DIR.parent.parent


def env_str(name: str, default: str) -> str:
    """A string setting."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting: 1/0, true/false, yes/no, on/off."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value; use 1 or 0.")


def env_int(name: str, default: int) -> int:
    """A whole-number setting."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated list setting."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("SAMTRYGG_DEBUG", False)
DATA_DIR = local_key.data_dir()

# SECRET_KEY wins; else the key `samtrygg demo` keeps in the data directory (a local set-up).
SECRET_KEY = os.environ.get("SECRET_KEY", "") or local_key.read_local_key(DATA_DIR) or ""
if not SECRET_KEY:
    if DEBUG:
        # Only for local development; production must set its own key.
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random value; for a local set-up "
            f"run `samtrygg demo` once (it keeps a key in {DATA_DIR / local_key.KEY_FILE}), or "
            "set SAMTRYGG_DEBUG=1 for development."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "samtrygg.web",
    "samtrygg.accounts",
    "samtrygg.partnerships",
    "samtrygg.areas",
    "samtrygg.gazetteer",
    "samtrygg.incidents",
    "samtrygg.picture",
    "samtrygg.lagesbild",
    "samtrygg.plans",
    "samtrygg.agreements",
    "samtrygg.followup",
    "samtrygg.public",
    "samtrygg.reference",
    "samtrygg.walks",
    "samtrygg.dialogues",
    "samtrygg.surveys",
    # Last, so that the product's own registration/ templates (password change and reset) are
    # found before the admin's.
    "django.contrib.admin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samtrygg.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages so that the code page can show them; deny by default (see twofactor).
    "samtrygg.accounts.twofactor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samtrygg.web.urls"
WSGI_APPLICATION = "samtrygg.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samtrygg.web.context.samtrygg",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'samtrygg.sqlite3'}"
_database_url = env_str("DATABASE_URL", _default_db)
if not _database_url.startswith(("sqlite:", "postgres:", "postgresql:")):
    raise ImproperlyConfigured(
        f"DATABASE_URL={_database_url!r} is not supported; use sqlite:////abs/path.sqlite3 or "
        "postgresql://user@host:5432/name."
    )
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
# A kept connection is checked before each request reuses it, so that after a database restart
# requests reconnect instead of failing on the dead connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DB_CONNECT_TIMEOUT = env_int("SAMTRYGG_DB_CONNECT_TIMEOUT", 5)
DB_STATEMENT_TIMEOUT = env_int("SAMTRYGG_DB_STATEMENT_TIMEOUT", 60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Time out instead of hanging: a database that does not answer, a statement that runs on
    # (the page then says to try again in a minute, web/views.server_error).
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    if DB_CONNECT_TIMEOUT > 0:
        _pg_options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    if DB_STATEMENT_TIMEOUT > 0:
        _pg_options.setdefault("options", f"-c statement_timeout={DB_STATEMENT_TIMEOUT * 1000}")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the server read while an import writes; busy timeout avoids "database is locked".
    # IMMEDIATE takes the write lock when a transaction starts, so that checks made inside it
    # (the hourly report limit, the last coordinator) cannot be raced by another writer, and a
    # transaction that reads before it writes waits instead of failing.
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("SAMTRYGG_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock an account+address pair after repeated failures.
# Two-factor sign-in (TOTP): on, everyone must set up an authenticator app before anything else.
SAMTRYGG_REQUIRE_2FA = env_bool("SAMTRYGG_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "Samtrygg"
# Sign-in records (who signed in from where, failed attempts) are removed after this many days
# by `samtrygg manage apply_retention`.
SIGN_IN_RECORDS_DAYS = env_int("SAMTRYGG_SIGN_IN_RECORDS_DAYS", 90)
AXES_FAILURE_LIMIT = env_int("SAMTRYGG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("SAMTRYGG_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
# Failures count per account and client address, so a stranger's wrong passwords lock only the
# stranger's own tries, never the account for everyone.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client address: REMOTE_ADDR, or X-Forwarded-For only from a trusted proxy (web/clientip.py).
AXES_CLIENT_IP_CALLABLE = "samtrygg.web.clientip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env_int("SAMTRYGG_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

SECURE = env_bool("SAMTRYGG_SECURE", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env_bool("SAMTRYGG_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SAMTRYGG_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SAMTRYGG_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies (IPs or CIDR blocks) whose X-Forwarded-For names the client; from anyone else the header
# is ignored, since a client can write anything into it.
TRUSTED_PROXIES = env_list("SAMTRYGG_TRUSTED_PROXIES", "")
try:
    parse_networks(TRUSTED_PROXIES)
except ValueError as exc:
    raise ImproperlyConfigured(f"SAMTRYGG_TRUSTED_PROXIES: {exc}") from None

# Background map tiles: OpenStreetMap's by default, so that "click where it happened" has streets
# to click on; a municipality may name its own tile server, and SAMTRYGG_MAP_OFFLINE=1 turns tiles
# off (the maps then show boundaries and data on a plain background, with no outside request).
DEFAULT_MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_MAP_TILE_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
MAP_OFFLINE = env_bool("SAMTRYGG_MAP_OFFLINE", False)
_tile_url_set = bool(os.environ.get("SAMTRYGG_MAP_TILE_URL"))
MAP_TILE_URL = "" if MAP_OFFLINE else env_str("SAMTRYGG_MAP_TILE_URL", "") or DEFAULT_MAP_TILE_URL
MAP_TILE_ATTRIBUTION = (
    ""
    if MAP_OFFLINE
    else env_str("SAMTRYGG_MAP_TILE_ATTRIBUTION", "")
    or ("" if _tile_url_set else DEFAULT_MAP_TILE_ATTRIBUTION)
)


def _tile_origin(url: str) -> list[str]:
    if not url.startswith("https://"):
        return []
    host = url.split("/")[2]
    return ["https://" + host.replace("{s}", "*")]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_tile_origin(MAP_TILE_URL)],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Without SAMTRYGG_STATIC_ROOT the files are served from the packages (WHITENOISE_USE_FINDERS);
# with it, run `samtrygg manage collectstatic` at deployment.
STATIC_ROOT = (
    Path(os.environ["SAMTRYGG_STATIC_ROOT"]) if os.environ.get("SAMTRYGG_STATIC_ROOT") else None
)


def _package_static(package: str) -> Path:
    # Leaflet and Leaflet.draw ship inside django-leaflet; we take its static files only, since
    # importing the app would pull in GeoDjango and GDAL.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImproperlyConfigured(f"The package {package!r} is missing; run `make install`.")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


STATICFILES_DIRS = [_package_static("leaflet")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the apps' static folders, so no collectstatic step is needed to start.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "samtrygg@localhost")
# A class that confirms a signer's identity (agreements/signing.py); empty: password (+ TOTP).
SAMTRYGG_SIGNING_BACKEND = env_str("SAMTRYGG_SIGNING_BACKEND", "")
# Empty: links in e-mails use the address each request came to (see samtrygg.partnerships.links).
SAMTRYGG_BASE_URL = env_str("SAMTRYGG_BASE_URL", "")
INVITATION_DAYS = env_int("SAMTRYGG_INVITATION_DAYS", 14)
# Reports one person may send in an hour (docs/domain.md §11: rate limits on reporting); larger
# amounts go through the import.
REPORTS_PER_HOUR = env_int("SAMTRYGG_REPORTS_PER_HOUR", 30)
# Uploads and imports (docs/configuration.md): a file is refused before it is read when it is over
# these; a small .xlsx can unpack into a huge sheet, so the unpacked size is what counts.
UPLOAD_MAX_MB = env_int("SAMTRYGG_UPLOAD_MAX_MB", 50)
IMPORT_MAX_UNPACKED_MB = env_int("SAMTRYGG_IMPORT_MAX_UNPACKED_MB", 100)
IMPORT_MAX_ROWS = env_int("SAMTRYGG_IMPORT_MAX_ROWS", 1_000_000)
IMPORT_MAX_CELLS = env_int("SAMTRYGG_IMPORT_MAX_CELLS", 10_000_000)
AREA_MAX_FEATURES = env_int("SAMTRYGG_AREA_MAX_FEATURES", 10_000)
# Characters in an incident's description, typed or imported.
TEXT_MAX_CHARS = env_int("SAMTRYGG_TEXT_MAX_CHARS", 2000)
# The small-count threshold k of every aggregate (public page, viewers, exports): no count from
# 1 to k - 1 is published; read through samtrygg.partnerships.disclosure only.
SAMTRYGG_PUBLIC_K = env_int("SAMTRYGG_PUBLIC_K", 5)
if SAMTRYGG_PUBLIC_K < 2:
    raise ImproperlyConfigured("SAMTRYGG_PUBLIC_K must be at least 2.")
# The secret of the cell-key perturbation (docs/privacy.md); empty: derived from SECRET_KEY.
# Keep it stable: a new key gives every published number new noise.
SAMTRYGG_DISCLOSURE_KEY = env_str("SAMTRYGG_DISCLOSURE_KEY", "")
# Anonymous requests to the public page one client may make per minute (then 429).
SAMTRYGG_PUBLIC_RATE = env_int("SAMTRYGG_PUBLIC_RATE", 120)
# Answers to an own survey one client may send in an hour (then 429); counted under a keyed
# hash of the address, never stored with the answers.
SAMTRYGG_SURVEY_ANSWERS_PER_HOUR = env_int("SAMTRYGG_SURVEY_ANSWERS_PER_HOUR", 30)
# Seconds the public page's content is kept at most (saves renew it at once; bulk imports not).
SAMTRYGG_PUBLIC_CACHE_SECONDS = env_int("SAMTRYGG_PUBLIC_CACHE_SECONDS", 600)

# One cache for every worker process: the public page's numbers (keyed by a data version), the
# rate-limit counters and the picture's hour groups. Files in the data directory need no set-up;
# SAMTRYGG_CACHE=locmem keeps it in one process (development, tests).
_cache_kind = env_str("SAMTRYGG_CACHE", "file")
if _cache_kind not in ("file", "locmem"):
    raise ImproperlyConfigured(f"SAMTRYGG_CACHE={_cache_kind!r}: use file or locmem.")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
        if _cache_kind == "file"
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # This worker process's memory only: rendered parts of the weekly picture
    # (samtrygg.picture.kept), which must not be written to the shared cache's files.
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "samtrygg-local",
        "OPTIONS": {"MAX_ENTRIES": 256},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("SAMTRYGG_LOG_LEVEL", "INFO")},
    # axes logs usernames on failures; usernames are personal data, so keep it quiet.
    "loggers": {"axes": {"level": "WARNING"}},
}
