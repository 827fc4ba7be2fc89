"""A profile's addresses as places: the spellings that different records gave one place become one line.

Agencies write the same premises their own way (with or without the city, the street office, the 室 of the
unit); each spelling is an address of its own in the data, which a profile listed as four "operating
addresses" of one room. Two spellings are one place when their parsed street, number and unit agree
(``parse_address``) and they do not name different districts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..text import fold, parse_address
from .identity_rows import AddressLine

#: a district, county or new area after the province or city (or at the start): 深圳市福田区 -> 福田区
_DISTRICT_RE = re.compile("(?:^|[省市])([\u4e00-\u9fff]{1,4}?(?:新区|区|县))")


@dataclass
class Place:
    """One place as the profile shows it: the fullest spelling, and the others records used."""

    text: str
    registered: bool
    variants: list[str] = field(default_factory=list)
    keys: list[tuple[str, str | None]] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, text: str, registered: bool) -> Place:
        return cls(text, registered, keys=[_key(text)])

    def takes(self, key: tuple[str, str | None]) -> bool:
        norm, district = key
        return any(norm == n and (district is None or d is None or district == d) for n, d in self.keys)

    def add(self, text: str, key: tuple[str, str | None], registered: bool) -> None:
        self.keys.append(key)
        self.registered = self.registered or registered
        if text == self.text or text in self.variants:
            return
        self.variants.append(text)


def _key(text: str) -> tuple[str, str | None]:
    folded = fold(text)
    match = _DISTRICT_RE.search(folded)
    return parse_address(text).norm or folded, match.group(1) if match else None


def places(registered: str | None, lines: Iterable[AddressLine]) -> tuple[list[str], list[Place]]:
    """The other spellings of the registered address, and the entity's other places (each shown by its
    fullest spelling), in the order the records give them."""
    home = Place.of(registered, True) if registered else None
    others: list[Place] = []
    for line in lines:
        if not line.text or not line.text.strip():
            continue
        key = _key(line.text)
        is_registered = line.kind.value == "registered"
        place = home if home is not None and home.takes(key) else next((p for p in others if p.takes(key)), None)
        if place is None:
            others.append(Place.of(line.text, is_registered))
        else:
            place.add(line.text, key, is_registered)
    for place in others:  # the fullest spelling leads (with the city, the street office and the room)
        fullest = max([place.text, *place.variants], key=len)
        if fullest != place.text:
            place.variants = [place.text, *[v for v in place.variants if v != fullest]]
            place.text = fullest
    return (home.variants if home is not None else []), others
