"""Row-level keying noise of agency files: missing and mistyped codes, name and address variants."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from regulator.identifiers import USCC_ALPHABET

from .vocab import HOMOPHONES, TRADE_CHARS

log = logging.getLogger(__name__)
_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _default_uscc_rates() -> dict[str, float]:
    return {"SAMR": 0.97, "MEE": 0.86, "MEM": 0.9, "FIRE": 0.8, "NHC": 0.82, "TAX": 0.99, "HRSS": 0.85}


@dataclass(frozen=True)
class NoiseConfig:
    """Rates of the keying noise in agency files (SAMR's register uses ``registry_uscc_missing``)."""

    uscc_present: dict[str, float] = field(default_factory=_default_uscc_rates)  # by agency
    registry_uscc_missing: float = 0.002  # SAMR's own register: almost every code present and valid
    uscc_mistyped: float = 0.03  # of rows carrying a code: one character wrong, swapped, O for 0
    uscc_formatted: float = 0.02  # lower case, spaces, full-width: fixed by normalisation, still valid
    old_tax_id: float = 0.08  # TAX rows of pre-2016 entities with the old 15-digit tax registration number
    name_halfwidth: float = 0.3  # （深圳） written as (深圳)
    name_drop_region: float = 0.15  # 深圳市华盛达贸易有限公司 -> 华盛达贸易有限公司
    name_suffix_swap: float = 0.08  # 有限公司 <-> 有限责任公司
    name_space: float = 0.03  # a stray space
    name_typo: float = 0.015  # one character replaced (often a homophone)
    address_variant: float = 0.35  # city or street dropped, 室 dropped, full-width digits, 栋 -> 座
    phone_present: float = 0.75  # in files that have a phone column
    person_present: float = 0.85  # legal representative's name, in files that have the column

    def uscc_rate(self, agency: str) -> float:
        """Share of an agency's rows that carry a code."""
        return self.uscc_present.get(agency, 0.85)


def _mistype(code: str, kind: int, r: float, r2: float) -> str:
    """One realistic typing error that always breaks the check character."""
    if kind == 2 and ("0" in code or "1" in code):
        return code.replace("0", "O", 1) if "0" in code else code.replace("1", "I", 1)
    pos = int(r * 16)
    if kind == 1 and code[pos] != code[pos + 1]:
        return code[:pos] + code[pos + 1] + code[pos] + code[pos + 2:]
    pos = int(r * 18)
    alt = USCC_ALPHABET.replace(code[pos], "")
    return code[:pos] + alt[int(r2 * len(alt))] + code[pos + 1:]


def _format(code: str, r: float) -> str:
    if r < 0.4:
        return code.lower()
    if r < 0.8:
        return f"{code[:4]} {code[4:8]} {code[8:]}"
    return code.translate(_FULLWIDTH_DIGITS)


def noisy_uscc(rng: np.random.Generator, uscc: np.ndarray, present: float, cfg: NoiseConfig,
               old_tax: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Codes as written and a tag per row: ok, missing, mistyped, formatted or old_tax_id."""
    n = len(uscc)
    u = rng.random((n, 4))
    tag = np.where(u[:, 0] >= present, "missing",
                   np.where(u[:, 1] < cfg.uscc_mistyped, "mistyped",
                            np.where(u[:, 1] < cfg.uscc_mistyped + cfg.uscc_formatted, "formatted", "ok")))
    if old_tax is not None:
        tag = np.where((tag == "ok") & old_tax & (u[:, 2] < cfg.old_tax_id), "old_tax_id", tag)
    out = np.asarray(uscc, dtype=object).copy()
    kind = (u[:, 2] * 10).astype(int) % 3
    for i in np.flatnonzero(tag == "mistyped"):
        out[i] = _mistype(out[i], int(kind[i]), u[i, 3], u[i, 2])
    for i in np.flatnonzero(tag == "formatted"):
        out[i] = _format(out[i], u[i, 3])
    old = tag == "old_tax_id"
    out[old] = [c[2:8] + c[8:17] for c in out[old]]
    out[tag == "missing"] = ""
    return out.astype(str), tag.astype(str)


def _typo(name: str, r: float, r2: float) -> str:
    for i, ch in enumerate(name):
        if ch in HOMOPHONES and i > 0:
            return name[:i] + HOMOPHONES[ch] + name[i + 1:]
    pos = min(int(r * max(len(name) - 4, 1)) + 1, len(name) - 1)
    return name[:pos] + TRADE_CHARS[int(r2 * len(TRADE_CHARS))] + name[pos + 1:]


class _Edits:
    """Apply string edits to random subsets of a column, remembering which rows each edit changed."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = np.asarray(values, dtype=object).copy()
        self.tags = np.full(len(values), "", dtype=object)

    def apply(self, mask: np.ndarray, edit, tag: str) -> None:
        """Run a vectorised edit (Series -> Series) on the rows in ``mask``."""
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        old = pd.Series(self.values[idx], dtype=str)
        new = edit(old)
        changed = new.ne(old).to_numpy(dtype=bool)
        idx = idx[changed]
        self.values[idx] = new.to_numpy(dtype=object)[changed]
        t = self.tags[idx]
        self.tags[idx] = np.where(t == "", tag, t + ";" + tag)

    def apply_each(self, mask: np.ndarray, edit, tag: str) -> None:
        """A per-string Python edit ``edit(text, row)``, for the rare noise kinds."""
        rows = np.flatnonzero(mask)
        self.apply(mask, lambda old: pd.Series([edit(x, i) for x, i in zip(old, rows, strict=True)],
                                               dtype=str), tag)


def _drop_region(s: pd.Series) -> pd.Series:
    return s.str.replace(r"^深圳市?(?:[^\s区]{2,3}区)?|[（(]深圳[）)]", "", regex=True)


def _swap_suffix(s: pd.Series) -> pd.Series:
    long = s.str.contains("有限责任公司", regex=False)
    return s.str.replace("有限责任公司", "有限公司", regex=False).where(
        long, s.str.replace(r"(?<!股份)有限公司", "有限责任公司", regex=True))


def noisy_names(rng: np.random.Generator, names: np.ndarray, cfg: NoiseConfig) -> tuple[np.ndarray,
                                                                                        np.ndarray]:
    """Names as an agency clerk typed them, and ';'-joined tags of the variants applied."""
    n = len(names)
    u = rng.random((n, 7))
    ed = _Edits(names)
    ed.apply(u[:, 0] < cfg.name_halfwidth, lambda x: x.str.replace("（", "(").str.replace("）", ")"),
             "halfwidth")
    ed.apply(u[:, 1] < cfg.name_drop_region, _drop_region, "drop_region")
    ed.apply(u[:, 2] < cfg.name_suffix_swap, _swap_suffix, "suffix")
    pos = u[:, 5]
    ed.apply_each(u[:, 3] < cfg.name_space, lambda x, i: x[:int(pos[i] * (len(x) + 1))] + " " +
                  x[int(pos[i] * (len(x) + 1)):], "space")
    ed.apply_each(u[:, 4] < cfg.name_typo, lambda x, i: _typo(x, pos[i], u[i, 6]), "typo")
    return ed.values.astype(str), ed.tags.astype(str)


def noisy_addresses(rng: np.random.Generator, addresses: np.ndarray,
                    cfg: NoiseConfig) -> tuple[np.ndarray, np.ndarray]:
    """Addresses with the small variants of hand entry, and their tags."""
    n = len(addresses)
    hit = rng.random(n) < cfg.address_variant
    u = rng.random((n, 5))
    ed = _Edits(addresses)
    ed.apply(hit & (u[:, 0] < 0.5), lambda x: x.str.replace(r"^深圳市", "", regex=True), "drop_city")
    ed.apply(hit & (u[:, 1] < 0.4), lambda x: x.str.replace(r"[^区]{2,3}街道", "", regex=True), "drop_street")
    ed.apply(hit & (u[:, 2] < 0.3), lambda x: x.str.replace(r"室$", "", regex=True).str.replace("号铺", "铺"),
             "drop_unit_word")
    ed.apply(hit & (u[:, 3] < 0.1), lambda x: x.str.translate(_FULLWIDTH_DIGITS), "fullwidth")
    ed.apply(hit & (u[:, 4] < 0.1), lambda x: x.str.replace("栋", "座"), "building_word")
    return ed.values.astype(str), ed.tags.astype(str)


def present(rng: np.random.Generator, values: np.ndarray, rate: float) -> np.ndarray:
    """Values kept with probability ``rate``, blank otherwise (a column an agency often leaves empty)."""
    return np.where(rng.random(len(values)) < rate, values, "")
