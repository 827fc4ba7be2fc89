"""Seeded generator of a realistic multi-agency world and of each agency's files about it.

>>> world = generate_world(n_entities=2000, seed=7)
>>> manifest = write_agency_files(world, "demo_data")
"""

from .agency_files import FILE_SPECS, write_agency_files
from .catalogue import AGENCIES
from .noise import NoiseConfig
from .world import World, generate_world

__all__ = ["AGENCIES", "FILE_SPECS", "NoiseConfig", "World", "generate_world", "write_agency_files"]
