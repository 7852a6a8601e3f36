"""The node's settings: one typed object, built once and passed in.

Precedence, lowest first: ``DATA/settings.toml`` < environment ``SOLIDARITY_<FIELD>``
< command-line flags. Every field is documented in docs/configuration.md, and a
test fails when one is not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from federation.uris import Uris
from schemas.vocab import LocationPrecision

SETTINGS_FILE = "settings.toml"
DEFAULT_DATA_DIR = Path("solidarity-data")


class Area(BaseModel):
    """An admin area the group declares, for ``admin-area`` location precision."""

    name: str = Field(min_length=1, max_length=100)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    radius_km: float = Field(gt=0, le=500)


class Settings(BaseSettings):
    """Everything a node can be told. Field names are the TOML keys."""

    model_config = SettingsConfigDict(env_prefix="SOLIDARITY_", extra="forbid")

    data_dir: Path = DEFAULT_DATA_DIR
    public_url: str = ""
    handle: str = Field(default="group", pattern=r"^[a-z0-9_][a-z0-9_.-]{0,63}$")
    name: str = Field(default="Mutual aid group", min_length=1, max_length=200)
    summary: str = ""
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    default_language: str = "en"
    location_precision: LocationPrecision = LocationPrecision.GRID_5KM
    areas: list[Area] = Field(default_factory=list)
    default_validity_days: int = Field(default=14, ge=1, le=365)
    retention_days: int = Field(default=30, ge=0, le=3650)
    queue_retention_days: int = Field(default=14, ge=0, le=3650)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    private_address_allowlist: str = ""
    worker_interval_seconds: float = Field(default=30.0, gt=0)
    federation_interval_seconds: float = Field(default=2.0, gt=0)
    inbox_rate_per_minute: float = Field(default=600.0, gt=0)
    inbox_burst: int = Field(default=200, ge=1)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "starttls"
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    mail_from: str = ""
    notify_interval_seconds: float = Field(default=15.0, gt=0)
    notify_match_threshold: float = Field(default=0.6, ge=0, le=1)
    notify_digest_hour: int = Field(default=7, ge=0, le=23)

    @model_validator(mode="after")
    def _derive_public_url(self) -> Settings:
        if not self.public_url:
            self.public_url = f"http://{self.host}:{self.port}"
        self.public_url = self.public_url.rstrip("/")
        if self.location_precision is LocationPrecision.ADMIN_AREA and not self.areas:
            raise ValueError("location_precision 'admin-area' needs at least one entry in areas")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        data_dir = DEFAULT_DATA_DIR
        if isinstance(init_settings, InitSettingsSource):
            data_dir = Path(init_settings.init_kwargs.get("data_dir", DEFAULT_DATA_DIR))
        toml = TomlConfigSettingsSource(settings_cls, toml_file=data_dir / SETTINGS_FILE)
        return (init_settings, env_settings, toml)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "node.db"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def instance_keys_dir(self) -> Path:
        return self.data_dir / "keys" / "instance"

    @property
    def uris(self) -> Uris:
        return Uris(self.public_url)

    @property
    def actor_url(self) -> str:
        return self.uris.actor


def load_settings(data_dir: Path, **flags: Any) -> Settings:
    """Build the settings for ``data_dir``; flags left as ``None`` are not set."""
    given = {key: value for key, value in flags.items() if value is not None}
    return Settings(data_dir=data_dir, **given)
