"""Entity resolution: match incoming records to market entities with Splink (no Flask in the engine).

>>> decisions = match_records(records, entities)            # the ingest contract
>>> decisions = match_records(records, entities, LinkageSettings(upper=0.95))

The engine modules (features, levels, profiles, model, engine, training, matching, dedupe, explain)
import pandas and Splink only, so they run in benchmarks and beside Spark. Database services for
reviews, merges and splits live in ``review.py`` and ``merge.py`` and are imported explicitly.
"""

from .matching import DECISIONS, LinkageSettings, match_records
from .model import TrainedModel, load_model, model_path, settings_dict
from .profiles import PROFILES, Profile, get_profile, register_profile
from .training import train_model

__all__ = [
    "DECISIONS", "PROFILES", "LinkageSettings", "Profile", "TrainedModel", "get_profile", "load_model",
    "match_records", "model_path", "register_profile", "settings_dict", "train_model",
]
