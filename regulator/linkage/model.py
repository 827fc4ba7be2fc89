"""Trained linkage models: parameters estimated once, stored as Splink JSON, rendered for any backend.

A model file holds Splink's own settings JSON (``linker.misc.save_model_to_json``) with the m and u
probabilities of every comparison level, plus what it was trained on. To use it, the profile's
comparisons are rendered for the target backend ("duckdb", "spark", ...) and the stored m/u values are
copied onto them level by level: the same trained model drives DuckDB here and Spark at scale.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from splink import SettingsCreator

from .profiles import UID, Profile

log = logging.getLogger(__name__)
#: models shipped with the code, estimated once on the data named in each file's ``meta``
PACKAGED_DIR = Path(__file__).resolve().parent / "trained"
#: a directory of models re-estimated by `flask linkage train` (default: the app's instance folder)
ENV_DIR = "REGULATOR_LINKAGE_MODELS"
INSTANCE_DIR = Path(__file__).resolve().parents[2] / "instance" / "linkage"
_cache: dict[tuple[str, float], TrainedModel] = {}


class ModelMismatch(ValueError):
    """A stored model does not fit the profile's current comparisons."""


@dataclass
class TrainedModel:
    """A profile's estimated parameters (Splink settings JSON) and where they came from."""

    profile: str
    splink: dict[str, Any]
    match_rate: float
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"profile": self.profile, "match_rate": self.match_rate, "meta": self.meta,
                "splink": self.splink}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainedModel:
        """Read the JSON form; a clear error when keys are missing."""
        missing = {"profile", "splink"} - set(data)
        if missing:
            raise ValueError(f"not a linkage model: missing {sorted(missing)}")
        return cls(data["profile"], data["splink"], float(data.get("match_rate", 0.9)), data.get("meta", {}))

    def save(self, path: Path) -> Path:
        """Write the model as UTF-8 JSON (the directory is created)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return path

    def levels(self) -> dict[str, list[dict[str, Any]]]:
        """Comparison name -> its levels as stored (label, m_probability, u_probability ...)."""
        return {c["output_column_name"]: c["comparison_levels"] for c in self.splink["comparisons"]}


def model_path(profile: str, directory: Path | None = None) -> Path | None:
    """Where the model of ``profile`` is read from: given dir, $REGULATOR_LINKAGE_MODELS, instance, package."""
    candidates = [directory] if directory else []
    if os.environ.get(ENV_DIR):
        candidates.append(Path(os.environ[ENV_DIR]))
    candidates += [INSTANCE_DIR, PACKAGED_DIR]
    for folder in candidates:
        path = Path(folder) / f"{profile}.json"
        if path.is_file():
            return path
    return None


def load_model(profile: str, path: Path | str | None = None) -> TrainedModel:
    """The trained model of ``profile`` (cached until its file changes)."""
    resolved = Path(path) if path else model_path(profile)
    if resolved is None or not resolved.is_file():
        raise FileNotFoundError(f"no trained linkage model for profile {profile!r} "
                                f"({resolved or 'none found'}): run `flask linkage train --profile {profile}`")
    key = (str(resolved), resolved.stat().st_mtime)
    if key not in _cache:
        model = TrainedModel.from_dict(json.loads(resolved.read_text(encoding="utf-8")))
        if model.profile != profile:
            raise ModelMismatch(f"{resolved} holds a model for profile {model.profile!r}, not {profile!r}")
        _cache[key] = model
        log.info("loaded linkage model %s from %s", profile, resolved)
    return _cache[key]


#: rendered settings: key -> (profile, model, settings); the objects are kept so that an id is never reused
_rendered: dict[tuple[Any, ...], tuple[Profile, Any, dict[str, Any]]] = {}


def settings_dict(profile: Profile, link_type: str, *, dialect: str = "duckdb", model: TrainedModel | None = None,
                  prior: float = 1e-4, blocking: list[Any] | None = None) -> dict[str, Any]:
    """Splink settings for ``dialect`` with the model's m/u probabilities on every level.

    Usable as ``Linker(tables, settings_dict(...))`` on DuckDB, and on Spark with ``dialect="spark"``
    and ``SparkAPI`` tables: the comparisons are rendered in that backend's SQL. Rendered settings are
    kept per (profile, link type, dialect, model): rendering parses every level's SQL (~0.5 s), and
    ingest asks for the same settings twice per chunk with only the prior changed.
    """
    key = (profile.name, link_type, dialect, id(model))
    cached = _rendered.get(key) if blocking is None else None
    if cached is not None and cached[0] is profile and cached[1] is model:
        settings = copy.deepcopy(cached[2])
        settings["probability_two_random_records_match"] = prior
        return settings
    creator = SettingsCreator(
        link_type=link_type,
        unique_id_column_name=UID,
        comparisons=profile.comparisons(),
        blocking_rules_to_generate_predictions=profile.blocking() if blocking is None else blocking,
        probability_two_random_records_match=prior,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
    )
    settings = creator.create_settings_dict(dialect)
    if model is not None:
        apply_parameters(settings, model)
    if blocking is None:
        if len(_rendered) > 32:
            _rendered.clear()
        kept = copy.deepcopy(settings)
        kept.pop("linker_uid", None)  # each Linker draws its own
        _rendered[key] = (profile, model, kept)
    return settings


def apply_parameters(settings: dict[str, Any], model: TrainedModel) -> None:
    """Copy the model's m/u probabilities onto the levels of ``settings`` (same labels, same order)."""
    stored = model.levels()
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        if name not in stored:
            raise ModelMismatch(f"the {model.profile} model has no comparison {name!r}: re-estimate it with "
                                f"`flask linkage train --profile {model.profile}`")
        levels, trained = comparison["comparison_levels"], stored[name]
        if [lv.get("label_for_charts") for lv in levels] != [lv.get("label_for_charts") for lv in trained]:
            raise ModelMismatch(f"comparison {name!r} changed since the {model.profile} model was trained: "
                                f"re-estimate it with `flask linkage train --profile {model.profile}`")
        for level, source in zip(levels, trained, strict=True):
            for key in ("m_probability", "u_probability"):
                if key in source:
                    level[key] = source[key]
