"""Typed settings; the one place where paths are resolved.

Settings come from (in increasing priority) the defaults below, an optional
TOML/YAML file (``--config``), and ``SIB_NLP_*`` environment variables for the
paths. Nothing else in the package reads the environment or guesses paths.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES = PACKAGE_DIR / "resources"


class ConfigError(ValueError):
    """A settings file or value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    # where things live
    store_path: Path = PROJECT_ROOT / "data" / "sib_nlp.duckdb"
    models_dir: Path = PROJECT_ROOT / "models"
    themes_dir: Path = PROJECT_ROOT / "models" / "themes"
    reports_dir: Path = PROJECT_ROOT / "reports"
    ud_dir: Path = PROJECT_ROOT.parent / "shared" / "data" / "ud"
    sample_dir: Path = PROJECT_ROOT / "data" / "sample"
    # the Dutch pipeline: a spaCy package name or a path; None = resolve automatically
    pipeline: str | None = None
    # the signal codebook (YAML); None = the one in the package (sib_nlp/resources/codebook.yaml)
    codebook: Path | None = None
    # spaCy factories of extra signal detectors (plug-ins), run after the pattern detector
    extra_detectors: tuple[str, ...] = ()
    # the trained signal classifier: "auto" = newest models/signals/sib_signals-*, "none" = patterns only, or a path
    signal_model: str = "auto"
    # text limits (characters / bytes) and the language filter
    min_text_chars: int = 3
    max_text_chars: int = 100_000
    max_file_bytes: int = 50_000_000
    language: str = "nl"
    # analysis
    batch_size: int = 64
    n_process: int = 1
    theme_unit: str = "sentence"  # "sentence" or "paragraph"
    # sentence embeddings for themes: "use", "tfidf", "sentence-transformers:<path>" or a registered plug-in
    embedder: str = "use"
    min_group_size: int = 5  # groups with fewer participants are not broken out
    bootstrap_samples: int = 1000
    random_state: int = 42
    # a second run on the same store waits this long for the first, then fails with a clear message
    lock_wait_seconds: float = 60.0
    # column mapping: canonical field -> the user's column name
    column_map: dict[str, str] = field(default_factory=dict)

    def with_overrides(self, **changes: Any) -> Settings:
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: _coerce(k, v) for k, v in changes.items()})

    def as_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}


_PATH_FIELDS = {"store_path", "models_dir", "themes_dir", "reports_dir", "ud_dir", "sample_dir", "codebook"}


def _coerce(name: str, value: Any) -> Any:
    if name in _PATH_FIELDS and value is not None:
        return Path(value).expanduser()
    if name == "extra_detectors":
        items = value.split(",") if isinstance(value, str) else list(value or ())
        return tuple(str(x).strip() for x in items if str(x).strip())
    return value


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings from defaults, an optional file, environment, then overrides."""
    values: dict[str, Any] = {}
    if config_file is not None:
        values.update(_read_config_file(Path(config_file)))
    for name in _PATH_FIELDS | {"pipeline"}:
        env = os.environ.get(f"SIB_NLP_{name.upper()}")
        if env:
            values[name] = env
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings().with_overrides(**values)


def _read_config_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        else:
            data = yaml.safe_load(text) or {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.__class__.__name__}: {exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    data = dict(data.get("sib_nlp", data))
    # relative paths in a config file are relative to that file
    for name in _PATH_FIELDS:
        if name in data and data[name] is not None and not Path(data[name]).is_absolute():
            data[name] = str((path.parent / data[name]).resolve())
    return data
