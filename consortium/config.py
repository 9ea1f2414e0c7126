"""Configuration from the environment, with safe defaults for a local demo."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

TRUTHY = {"1", "true", "yes", "on"}
ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("sv", "en")


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in TRUTHY


def load(app: Flask, overrides: dict[str, Any] | None) -> None:
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    demo = env_flag("CONSORTIUM_DEMO")
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance / 'consortium.sqlite3'}",
        SECRET_KEY=os.environ.get("SECRET_KEY") or _secret_from_instance(instance),
        # Keys the audit chain's hashes (HMAC), kept outside the database like SECRET_KEY:
        # whoever can write the database cannot recompute the chain without it
        AUDIT_KEY=os.environ.get("AUDIT_KEY") or _secret_from_instance(instance, "audit_key"),
        # The Ed25519 key (PEM) that signs the daily checkpoints of the chain's head
        AUDIT_SIGNING_KEY=os.environ.get("AUDIT_SIGNING_KEY")
        or str(instance / "audit_signing_key.pem"),
        DEMO=demo,
        COUNTRY=os.environ.get("CONSORTIUM_COUNTRY", "SE"),
        CONSORTIUM_NAME=os.environ.get("CONSORTIUM_NAME", "Sambruk"),
        # Flask-Limiter: memory:// serves one process; several hosts share redis://.
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        RATELIMIT_HEADERS_ENABLED=True,
        # Redis down: sign-in goes on, counted per process in memory (logged), never a 500.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_KEY_PREFIX="consortium",
        # Wrong passwords: per (account, client) the delays grow (5 a minute, then 10 in 15
        # minutes, 20 in an hour); per client across accounts, 30 in 15 minutes.
        LOGIN_THROTTLE=os.environ.get("LOGIN_THROTTLE",
                                      "5 per minute; 10 per 15 minutes; 20 per hour"),
        LOGIN_CLIENT_THROTTLE=os.environ.get("LOGIN_CLIENT_THROTTLE", "30 per 15 minutes"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=env_flag("SESSION_COOKIE_SECURE", default=not (demo or app.debug)),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        WTF_I18N_ENABLED=True,
        BABEL_DEFAULT_LOCALE="sv",
        # The consortium's day (consortium/clock.py): dates decide in this zone, not the server's.
        TIMEZONE=os.environ.get("TIMEZONE") or (
            "Europe/Oslo" if os.environ.get("CONSORTIUM_COUNTRY", "SE") == "NO"
            else "Europe/Stockholm"),
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        PROXY_FIX_HOPS=int(os.environ.get("PROXY_FIX_HOPS", "0")),
        # Requests (uploads) of at most 4 MB: the municipality CSV of a country is ~15 kB.
        MAX_CONTENT_LENGTH=int(os.environ.get("MAX_CONTENT_LENGTH", str(4 * 1024 * 1024))),
        MAX_FORM_MEMORY_SIZE=int(os.environ.get("MAX_CONTENT_LENGTH", str(4 * 1024 * 1024))),
        # Long work (SPEC "Notices"): "rq" hands it to `flask --app app worker` through Redis;
        # "thread" runs it beside the web server in this process (a machine without Redis);
        # "inline" runs it at once, inside the request (tests).
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        JOBS_MODE=os.environ.get("JOBS_MODE", "rq"),
        JOBS_QUEUE=os.environ.get("JOBS_QUEUE", "consortium"),
        # Notices by e-mail (SPEC "Notices"); without MAIL_SERVER they go to the log.
        MAIL_SERVER=os.environ.get("MAIL_SERVER", ""),
        MAIL_PORT=int(os.environ.get("MAIL_PORT", "25")),
        MAIL_USERNAME=os.environ.get("MAIL_USERNAME", ""),
        MAIL_PASSWORD=os.environ.get("MAIL_PASSWORD", ""),
        MAIL_USE_TLS=env_flag("MAIL_USE_TLS"),
        MAIL_FROM=os.environ.get("MAIL_FROM", "registret@localhost"),
        MAIL_TIMEOUT=float(os.environ.get("MAIL_TIMEOUT", "10")),
        # The address people reach the registry at: the links in e-mail and calendars.
        BASE_URL=os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        NOTICE_RETRY_SECONDS=float(os.environ.get("NOTICE_RETRY_SECONDS", "30")),
        NOTICE_MAX_ATTEMPTS=int(os.environ.get("NOTICE_MAX_ATTEMPTS", "10")),
        WORKER_SWEEP_SECONDS=float(os.environ.get("WORKER_SWEEP_SECONDS", "5")),
        # Finished jobs (a ZIP's bytes among them) are removed after this many hours
        JOBS_KEEP_HOURS=float(os.environ.get("JOBS_KEEP_HOURS", "24")),
        # werkzeug's method for new password hashes (its scrypt, n=2**15, by default)
        PASSWORD_HASH_METHOD=os.environ.get("PASSWORD_HASH_METHOD") or "scrypt",
        # A folder an access point's connector collects e-invoices from (unset: none written)
        INVOICE_OUTBOX_DIR=os.environ.get("INVOICE_OUTBOX_DIR") or None,
        # The certificate that seals signed protocols (PAdES): PEM files, or a PKCS#12 file
        # with its password; `make run` makes a demo CA and certificate in instance/signing/
        SIGNING_CERT=os.environ.get("SIGNING_CERT") or _existing(instance / "signing" /
                                                                  "cert.pem"),
        SIGNING_KEY=os.environ.get("SIGNING_KEY") or _existing(instance / "signing" / "key.pem"),
        SIGNING_KEY_PASSWORD=os.environ.get("SIGNING_KEY_PASSWORD") or None,
        SIGNING_PKCS12=os.environ.get("SIGNING_PKCS12") or None,
        SIGNING_PKCS12_PASSWORD=os.environ.get("SIGNING_PKCS12_PASSWORD") or None,
        SIGNING_TRUST_ROOT=os.environ.get("SIGNING_TRUST_ROOT") or _existing(
            instance / "signing" / "ca.pem"),
        SIGNING_TSA_URL=os.environ.get("SIGNING_TSA_URL") or None,
        # The worker walks the audit events written since its last verification this often
        AUDIT_VERIFY_MINUTES=float(os.environ.get("AUDIT_VERIFY_MINUTES", "10")),
        # ... and links the events written since its last round into the chain this often
        AUDIT_LINK_SECONDS=float(os.environ.get("AUDIT_LINK_SECONDS", "1")),
    )
    if overrides:
        app.config.update(overrides)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    if not app.config.get("SECRET_KEY"):
        if demo or app.debug or app.testing:
            app.config["SECRET_KEY"] = secrets.token_hex(32)
        else:
            raise RuntimeError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
                "(or write one into instance/secret_key) before serving the registry."
            )
    if not app.config.get("AUDIT_KEY"):
        if demo or app.debug or app.testing:
            app.config["AUDIT_KEY"] = _write_secret(instance, "audit_key")
        else:
            raise RuntimeError(
                "AUDIT_KEY is not set. Set the AUDIT_KEY environment variable (or write one "
                "into instance/audit_key), kept apart from the database, before serving the "
                "registry: it keys the audit log's hash chain.")


def _existing(path: Path) -> str | None:
    return str(path) if path.exists() else None


def _secret_from_instance(instance: Path, name: str = "secret_key") -> str | None:
    path = instance / name
    return path.read_text().strip() if path.exists() else None


def _write_secret(instance: Path, name: str) -> str:
    """A new secret, kept in instance/ (as `make run` keeps SECRET_KEY), so that every process
    of a demo uses the same one."""
    value = secrets.token_hex(32)
    path = instance / name
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value
