"""Audit settings: named profiles read from a TOML file (the defaults ship in ``models/data/audit.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from models.audit.findings import Severity
from nlp.errors import JixiaoError

__all__ = ["AuditSettings", "GradeRule", "SettingsError", "load_settings", "profile_names", "DEFAULT_SETTINGS_FILE"]

#: where the packaged defaults live (a Traversable; read with :func:`load_settings`)
DEFAULT_SETTINGS_FILE = "audit.toml"


class SettingsError(JixiaoError):
    """The audit settings file or the requested profile cannot be used."""


@dataclass(frozen=True)
class GradeRule:
    """How a project's findings become 优 / 良 / 中 / 差."""

    penalty: tuple[tuple[str, float], ...]  #: (severity, points deducted per finding)
    per_rule_cap: int  #: a rule counts at most this many times per project
    cutoffs: tuple[tuple[str, float], ...]  #: (grade, minimum score), best grade first
    cap_rules: tuple[str, ...]  #: an error of one of these rules caps the grade at ``cap_grade``
    cap_grade: str

    def penalty_for(self, severity: Severity) -> float:
        return dict(self.penalty).get(severity.value, 0.0)


@dataclass(frozen=True)
class AuditSettings:
    """One resolved profile: enabled rules, severities, thresholds and the grade rule."""

    profile: str
    description: str
    enabled: tuple[str, ...]
    tiers: tuple[str, ...]
    required_tiers: tuple[str, ...]
    required_output_subs: tuple[str, ...]
    severity: tuple[tuple[str, Severity], ...]
    thresholds: tuple[tuple[str, float], ...]
    grade: GradeRule

    def is_enabled(self, rule: str) -> bool:
        return rule in self.enabled

    def severity_of(self, rule: str) -> Severity:
        return dict(self.severity).get(rule, Severity.WARNING)

    def threshold(self, name: str) -> float:
        values = dict(self.thresholds)
        if name not in values:
            raise SettingsError(
                f"audit profile '{self.profile}' has no threshold '{name}'; add it under [profiles.default.thresholds]"
            )
        return values[name]


def _read(path: Path | None) -> tuple[str, dict[str, Any]]:
    if path is None:
        text = resources.files("models").joinpath("data", DEFAULT_SETTINGS_FILE).read_text(encoding="utf-8")
        where = f"models/data/{DEFAULT_SETTINGS_FILE}"
    else:
        where = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SettingsError(f"{where}: cannot read the audit settings ({exc.strerror}); check the path") from exc
    try:
        return where, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{where}: invalid TOML ({exc}); fix the file or remove --settings") from exc


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve(where: str, profiles: Mapping[str, Any], name: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    if name not in profiles:
        known = ", ".join(sorted(profiles))
        raise SettingsError(f"{where}: no audit profile '{name}'; choose one of: {known}")
    if name in seen:
        raise SettingsError(f"{where}: profile '{name}' extends itself (cycle {' → '.join(seen + (name,))})")
    raw = dict(profiles[name])
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    return _merge(_resolve(where, profiles, str(parent), seen + (name,)), raw)


def _severity(where: str, rule: str, value: Any) -> Severity:
    try:
        return Severity(str(value))
    except ValueError as exc:
        raise SettingsError(
            f"{where}: severity of {rule} is '{value}'; use one of error, warning, info"
        ) from exc


def profile_names(path: Path | None = None) -> list[str]:
    """The profiles defined in a settings file (the packaged one by default)."""
    _, data = _read(path)
    return sorted(data.get("profiles", {}))


def load_settings(profile: str = "default", path: Path | None = None) -> AuditSettings:
    """Resolve one profile of a settings file (the packaged defaults when ``path`` is None)."""
    where, data = _read(path)
    profiles = data.get("profiles")
    if not isinstance(profiles, Mapping) or not profiles:
        raise SettingsError(f"{where}: no [profiles.<name>] tables; start from models/data/audit.toml")
    raw = _resolve(where, profiles, profile)
    try:
        grade = raw["grade"]
        cutoffs = sorted(((str(k), float(v)) for k, v in grade["cutoffs"].items()), key=lambda kv: -kv[1])
        return AuditSettings(
            profile=profile,
            description=str(raw.get("description", "")),
            enabled=tuple(str(r) for r in raw["enabled"]),
            tiers=tuple(raw["tiers"]),
            required_tiers=tuple(raw["required_tiers"]),
            required_output_subs=tuple(raw["required_output_subs"]),
            severity=tuple((str(k), _severity(where, k, v)) for k, v in raw.get("severity", {}).items()),
            thresholds=tuple((str(k), float(v)) for k, v in raw.get("thresholds", {}).items()),
            grade=GradeRule(
                penalty=tuple((str(k), float(v)) for k, v in grade["penalty"].items()),
                per_rule_cap=int(grade["per_rule_cap"]),
                cutoffs=tuple(cutoffs),
                cap_rules=tuple(grade.get("cap_rules", ())),
                cap_grade=str(grade.get("cap_grade", "中")),
            ),
        )
    except KeyError as exc:
        raise SettingsError(
            f"{where}: profile '{profile}' lacks the key {exc.args[0]!r}; copy it from models/data/audit.toml"
        ) from exc
