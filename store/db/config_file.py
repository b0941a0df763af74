"""The settings file: where it is and reading it (``domain.config`` checks what it says).

At ``COMPLAINTS_CONFIG`` or the user's config directory (``complaints config --path`` prints it).
A missing file means the defaults, as the login name.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from pathlib import Path

from domain.config import Config, ConfigError, from_settings
from domain.timescales import RuleError
from store.db.location import APP_NAME


def config_path() -> Path:
    env = os.environ.get("COMPLAINTS_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def load_config(path: Path | None = None) -> Config:
    """The configuration at ``path`` (default: ``config_path()``); defaults when there is no file.

    ConfigError names the file and what is wrong in it.
    """
    path = path or config_path()
    if not path.exists():
        return Config(user=login_name(), path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        return from_settings(data, login=login_name(), path=path)
    except (RuleError, ConfigError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
