"""One typed settings object, read from the environment and `.env`.

With nothing configured, Langso runs on a SQLite file under `var/` with in-memory sessions:
a fresh clone works with no configuration at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dotenv import dotenv_values

from marketplace.errors import ApplicationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATABASE_SCHEMES = ("sqlite:///", "postgres://", "postgresql://")


class ConfigurationError(ApplicationError):
    """A setting that cannot work, refused when the settings are read (before anything runs)."""


def _env() -> dict[str, str]:
    """The process environment over the values of `.env` (the environment wins)."""
    values = {k: v for k, v in dotenv_values(PROJECT_ROOT / ".env").items() if v is not None}
    values.update(os.environ)
    return values


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything that differs between a laptop, CI and a production deployment."""

    database_url: str
    redis_url: str | None
    meilisearch_url: str | None
    meilisearch_api_key: str | None
    secret_key: str
    base_url: str
    var_dir: Path
    media_dir: Path
    debug: bool
    secure_cookies: bool
    argon2_profile: str
    log_level: str
    trusted_proxies: tuple[str, ...] = field(default_factory=tuple)
    # S3-compatible media storage (AWS, MinIO, Garage, Cloudflare R2…): used when a bucket is
    # set; credentials come from boto's standard chain (AWS_ACCESS_KEY_ID/…, profiles, roles).
    media_s3_bucket: str | None = None
    media_s3_endpoint_url: str | None = None
    media_s3_region: str | None = None
    media_s3_prefix: str = ""
    # Where pages link media when a CDN serves them (default: this app's own /media/ route).
    media_public_base_url: str | None = None
    # Which database search answers: auto (fts5 on SQLite, postgresql on PostgreSQL), memory
    # (the per-process in-memory index), fts5 or postgresql. Meilisearch, when
    # MEILISEARCH_URL is set, answers first and falls back to this one.
    search_backend: str = "auto"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file named by `sqlite:///path` (relative paths are under the project)."""
        raw = self.database_url.removeprefix("sqlite:///")
        path = Path(raw)
        return path if path.is_absolute() else PROJECT_ROOT / path


def load_settings() -> Settings:
    """Read the settings afresh (tests and the CLI call this after changing the environment)."""
    env = _env()
    var_dir = Path(env.get("LANGSO_VAR_DIR", str(PROJECT_ROOT / "var")))
    database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'langso.sqlite3'}"
    _check_database_url(database_url)
    secret = env.get("SECRET_KEY") or _development_secret(var_dir)
    return Settings(
        database_url=database_url,
        redis_url=env.get("REDIS_URL") or None,
        meilisearch_url=env.get("MEILISEARCH_URL") or None,
        meilisearch_api_key=env.get("MEILISEARCH_API_KEY") or None,
        secret_key=secret,
        base_url=env.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        var_dir=var_dir,
        media_dir=Path(env.get("MEDIA_DIR", str(var_dir / "media"))),
        debug=_flag(env.get("DEBUG"), False),
        secure_cookies=_flag(env.get("SECURE_COOKIES"), False),
        argon2_profile=env.get("LANGSO_ARGON2_PROFILE", "rfc9106-low-memory"),
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
        trusted_proxies=tuple(p for p in env.get("TRUSTED_PROXIES", "").split(",") if p),
        media_s3_bucket=env.get("MEDIA_S3_BUCKET") or None,
        media_s3_endpoint_url=env.get("MEDIA_S3_ENDPOINT_URL") or None,
        media_s3_region=env.get("MEDIA_S3_REGION") or None,
        media_s3_prefix=env.get("MEDIA_S3_PREFIX", "").strip("/"),
        media_public_base_url=(env.get("MEDIA_PUBLIC_BASE_URL") or "").rstrip("/") or None,
        search_backend=(env.get("SEARCH_BACKEND") or "auto").strip().lower(),
    )


def _check_database_url(url: str) -> None:
    """Refuse a DATABASE_URL that names neither engine: it would silently become a SQLite file
    named after the URL."""
    if url.startswith(DATABASE_SCHEMES) and url not in DATABASE_SCHEMES:
        return
    shown = url.split("://", 1)[0] + "://…" if "://" in url else url  # never print a password
    raise ConfigurationError(
        "database_url_invalid",
        f"DATABASE_URL phải bắt đầu bằng sqlite:/// hoặc postgres:// (hoặc postgresql://), "
        f"ví dụ sqlite:///var/langso.sqlite3 hay postgres://user@host:5432/langso; "
        f"giá trị hiện tại: {shown}",
        f"DATABASE_URL must start with sqlite:/// or postgres:// (or postgresql://), e.g. "
        f"sqlite:///var/langso.sqlite3 or postgres://user@host:5432/langso; it is: {shown}",
    )


def _development_secret(var_dir: Path) -> str:
    """A random secret kept in `var/secret_key`, so a fresh clone needs no configuration.

    Production sets SECRET_KEY; every worker of one deployment must share it.
    """
    import secrets

    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return load_settings()
