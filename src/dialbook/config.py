"""Settings, read from the environment (and CLI options, which override it)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar, get_args

DEFAULT_DATA_DIR = "dialbook-data"

# Where webhook deliveries are sent from: inside each `dialbook serve` process, or not
# there ("off": a `dialbook webhooks deliver` process of its own sends them).
WebhooksDelivery = Literal["serve", "off"]


class SettingError(ValueError):
    """An environment variable holds a value dialbook cannot use; the message names it."""


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: Path(DEFAULT_DATA_DIR))
    database_url: str | None = None
    # Requests larger than this answer 413 (Salesfinity documents a 10 MB payload).
    max_body_bytes: int = 10 * 1024 * 1024
    # Uploaded lead files (POST /v1/lists/{id}/imports) may be this large.
    max_upload_bytes: int = 5 * 1024 * 1024 * 1024
    # Region used to read national-format phones when nothing more specific is known.
    default_region: str = "US"
    # Per-key request budget, e.g. "100/10s"; None (the default) means no limit.
    rate_limit: str | None = None
    # Seconds an API key lookup may be served from memory (revocation delay across processes).
    key_cache_seconds: float = 5.0
    # Events older than this are pruned (a feed cursor older than what is kept gets 410).
    events_retention_days: int = 30
    # Webhooks: private, loopback and link-local targets are refused unless this is set
    # (server-side request forgery); a receiver gets this long to answer.
    webhooks_allow_private: bool = False
    webhook_timeout: float = 15.0
    # Multiplies the retry schedule (tests shorten it); an endpoint failing this long is
    # disabled.
    webhook_retry_scale: float = 1.0
    webhook_disable_after_seconds: float = 5 * 24 * 3600.0
    # "serve": every server process runs the delivery worker; "off": none does (run
    # `dialbook webhooks deliver` beside them). Events are recorded either way.
    webhooks_delivery: WebhooksDelivery = "serve"
    # Console: the key its session cookies are signed with (when unset, a random one kept in
    # <data_dir>/console-secret; set it to share sessions between machines), and how long
    # an unused session stays signed in.
    console_secret: str | None = None
    console_idle_minutes: int = 60
    # GET /metrics (Prometheus), for keys with the admin scope; DIALBOOK_METRICS=off hides it.
    metrics: bool = True
    # A running import holds a lease this long, renewed every fifth of it; when it runs out
    # (its process was killed, or hangs), any server process takes the job over.
    import_lease_seconds: float = 20.0
    # Server processes sharing the database (`dialbook serve --workers N` sets it for its
    # processes): they share PostgreSQL's group commits in flight.
    server_processes: int = 1

    @property
    def url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'dialbook.db').resolve()}"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "data_dir": Path(env.get("DIALBOOK_DATA_DIR", DEFAULT_DATA_DIR)),
            "database_url": env.get("DIALBOOK_DATABASE_URL") or None,
            "default_region": env.get("DIALBOOK_DEFAULT_REGION", "US").upper(),
            "rate_limit": env.get("DIALBOOK_RATE_LIMIT") or None,
            "console_secret": env.get("DIALBOOK_CONSOLE_SECRET") or None,
        }
        for name in (
            "max_body_bytes",
            "max_upload_bytes",
            "events_retention_days",
            "console_idle_minutes",
            "server_processes",
        ):
            if f"DIALBOOK_{name.upper()}" in env:
                values[name] = _number(f"DIALBOOK_{name.upper()}", env, int)
        for name in (
            "webhook_timeout",
            "webhook_retry_scale",
            "webhook_disable_after_seconds",
            "import_lease_seconds",
        ):
            if f"DIALBOOK_{name.upper()}" in env:
                values[name] = _number(f"DIALBOOK_{name.upper()}", env, float)
        if env.get("DIALBOOK_WEBHOOKS_ALLOW_PRIVATE", "").lower() in ("1", "true", "yes"):
            values["webhooks_allow_private"] = True
        if env.get("DIALBOOK_METRICS", "").lower() in ("0", "off", "false", "no"):
            values["metrics"] = False
        if "DIALBOOK_WEBHOOKS_DELIVERY" in env:
            values["webhooks_delivery"] = _choice(
                "DIALBOOK_WEBHOOKS_DELIVERY", env["DIALBOOK_WEBHOOKS_DELIVERY"], WebhooksDelivery
            )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


N = TypeVar("N", int, float)


def _number(variable: str, env: Mapping[str, str], kind: type[N]) -> N:
    """The positive number ``variable`` holds, else a SettingError naming it."""
    value = env[variable]
    try:
        number = kind(value.strip())
    except ValueError:
        number = None
    if number is None or not number > 0 or number == float("inf"):
        what = "a whole number" if kind is int else "a number"
        raise SettingError(f"{variable} must be {what} above 0, not {value!r}")
    return number


def _choice(variable: str, value: str, choices: object) -> str:
    """``value`` if it is one of the Literal ``choices`` (any case), else a SettingError."""
    allowed: tuple[str, ...] = get_args(choices)
    chosen = value.strip().lower()
    if chosen not in allowed:
        raise SettingError(f"{variable} must be {' or '.join(allowed)}, not {value!r}")
    return chosen
