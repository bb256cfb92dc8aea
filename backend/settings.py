"""One settings object, read once from the environment (and the local `.env`)."""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Values that must never reach a running service: `make setup` writes real ones to `.env`.
PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "placeholder"}


class SettingsError(RuntimeError):
    """The environment does not describe a usable configuration."""


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a `KEY=value` file; blank lines and `#` comments are ignored."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def _secret(env: dict[str, str], name: str) -> str:
    value = env.get(name, "")
    if value.lower() in PLACEHOLDER_SECRETS:
        raise SettingsError(f"{name} is missing or a placeholder; run `make setup` to write .env")
    return value


def _key_bytes(env: dict[str, str], name: str) -> bytes:
    value = _secret(env, name)
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError) as exc:
        raise SettingsError(f"{name} must be url-safe base64") from exc
    if len(raw) != 32:
        raise SettingsError(f"{name} must decode to 32 bytes")
    return raw


@dataclass(frozen=True)
class Settings:
    """Everything the backend reads from its environment."""

    database_url: str
    service_token: str  # bearer token of the action server (service API only)
    id_encryption_key: bytes  # 32 bytes: Fernet key material for ID and phone numbers
    id_hash_key: bytes  # 32 bytes: HMAC key for lookups by ID number
    host: str = "127.0.0.1"
    port: int = 8000
    rasa_url: str = "http://127.0.0.1:5005"  # the chat page talks to Rasa's REST channel here
    max_body_bytes: int = 64 * 1024
    staff_token_hours: int = 12
    lookup_max_failures: int = 5  # failed case look-ups per chat user per window
    lookup_window_minutes: int = 30
    login_max_failures: int = 5  # failed staff sign-ins per user name per window
    login_window_minutes: int = 15
    monitoring_upload_max_mb: int = 200  # one cross-check file through the API or console
    signing_code_hours: int = 72
    db_pool_size: int = 10
    web_workers: int = 1  # server processes sharing the port (`serve --workers`)
    log_level: str = "INFO"
    console_secure_cookie: bool = False  # staff console cookie only over HTTPS
    notice_days: int = 7  # how long an approval stays on the public notice (救助公示)
    show_amount_in_notice: bool = False  # show the monthly amount on the public notice
    certificate_valid_days: int = 90  # how long a certificate (救助证明) verifies as valid
    certificate_link_hours: int = 24  # how long its download link works
    public_url: str = ""  # the backend as people reach it (links in chat); "" = the request's origin
    certification_interval_days: int = 90  # 待遇资格认证: days between certifications
    certification_due_window_days: int = 30  # a certification is "due" this long before its date
    identity_verifier: str = "knowledge"  # which IdentityVerifier checks who is certifying
    identity_max_failures: int = 3  # failed identity checks per case / chat user before a lock
    identity_lock_minutes: int = 30  # how long that lock lasts
    identity_valid_minutes: int = 30  # how long a started or passed identity check stays usable

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, env_file: Path | None = None) -> Settings:
        """Build the settings: process environment first, then `.env` for missing keys."""
        file_values = read_env_file(env_file or PROJECT_ROOT / ".env")
        env = {**file_values, **(environ if environ is not None else dict(os.environ))}
        default_db = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'backend.sqlite3'}"
        return cls(
            database_url=normalise_database_url(env.get("DATABASE_URL") or default_db),
            service_token=_secret(env, "SERVICE_TOKEN"),
            id_encryption_key=_key_bytes(env, "ID_ENCRYPTION_KEY"),
            id_hash_key=_key_bytes(env, "ID_HASH_KEY"),
            host=env.get("BACKEND_HOST", "127.0.0.1"),
            port=int(env.get("BACKEND_PORT", "8000")),
            rasa_url=env.get("RASA_URL", "http://127.0.0.1:5005"),
            login_max_failures=int(env.get("STAFF_LOGIN_MAX_FAILURES", "5")),
            login_window_minutes=int(env.get("STAFF_LOGIN_WINDOW_MINUTES", "15")),
            monitoring_upload_max_mb=int(env.get("MONITORING_UPLOAD_MAX_MB", "200")),
            db_pool_size=int(env.get("DB_POOL_SIZE", "10")),
            web_workers=int(env.get("WEB_WORKERS", "1")),
            log_level=env.get("LOG_LEVEL", "INFO"),
            console_secure_cookie=env.get("CONSOLE_SECURE_COOKIE", "").lower() in ("1", "true", "yes"),
            notice_days=int(env.get("NOTICE_DAYS", "7")),
            show_amount_in_notice=env.get("SHOW_AMOUNT_IN_NOTICE", "false").lower()
            in ("1", "true", "yes"),
            certificate_valid_days=int(env.get("CERTIFICATE_VALID_DAYS", "90")),
            certificate_link_hours=int(env.get("CERTIFICATE_LINK_HOURS", "24")),
            public_url=env.get("PUBLIC_URL", "").rstrip("/"),
            certification_interval_days=int(env.get("CERTIFICATION_INTERVAL_DAYS", "90")),
            certification_due_window_days=int(env.get("CERTIFICATION_DUE_WINDOW_DAYS", "30")),
            identity_verifier=env.get("IDENTITY_VERIFIER", "knowledge"),
            identity_max_failures=int(env.get("IDENTITY_MAX_FAILURES", "3")),
            identity_lock_minutes=int(env.get("IDENTITY_LOCK_MINUTES", "30")),
            identity_valid_minutes=int(env.get("IDENTITY_VALID_MINUTES", "30")),
        )


def normalise_database_url(url: str) -> str:
    """Accept plain `postgresql://` and `sqlite://` URLs and pick the async driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://") :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url
