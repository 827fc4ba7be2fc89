"""Vectorised identifiers: unified social credit codes, resident ID numbers, phone numbers."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from regulator.identifiers import USCC_ALPHABET

from .vocab import MOBILE_PREFIXES

log = logging.getLogger(__name__)

_ALPHA = np.array(list(USCC_ALPHABET))
_ALPHA_INDEX = {c: i for i, c in enumerate(USCC_ALPHABET)}
_BASE36 = np.array([int(c, 36) for c in USCC_ALPHABET])
_USCC_W = np.array([pow(3, i, 31) for i in range(17)])
_ORG_W = np.array([3, 7, 9, 10, 5, 8, 4, 2])
_RID_W = np.array([pow(2, 17 - i, 11) for i in range(17)])
_RID_CHECK = np.array(list("10X98765432"))


def join(*parts: object) -> np.ndarray:
    """Concatenate string arrays (or scalars) element-wise into one unicode array."""
    out = np.asarray(parts[0]).astype(str)
    for p in parts[1:]:
        out = np.char.add(out, np.asarray(p).astype(str))
    return out


def zfill(values: object, width: int) -> np.ndarray:
    """Zero-pad numbers or digit strings to ``width`` (works on empty arrays too)."""
    return pd.Series(np.asarray(values).astype(str), dtype=str).str.zfill(width).to_numpy().astype(str)


def _rows_to_str(chars: np.ndarray) -> np.ndarray:
    """Turn an (n, k) array of single characters into n strings of length k."""
    chars = np.ascontiguousarray(chars.astype("<U1"))
    return chars.view(f"<U{chars.shape[1]}").ravel()


def _indices(strings: np.ndarray, width: int) -> np.ndarray:
    """Alphabet indices (n, width) of fixed-width strings made of USCC characters."""
    codes = np.frombuffer(np.ascontiguousarray(strings.astype(f"<U{width}")).tobytes(), dtype=np.uint32)
    lookup = np.zeros(128, dtype=np.int64)
    for c, i in _ALPHA_INDEX.items():
        lookup[ord(c)] = i
    return lookup[codes.reshape(-1, width)]


def uscc_codes(dept: np.ndarray, etype: np.ndarray, region: np.ndarray, org8: np.ndarray) -> np.ndarray:
    """Valid GB 32100 codes from department, type, 6-digit region and 8-character organisation stem."""
    org_idx = _indices(org8, 8)
    total = (_BASE36[org_idx] * _ORG_W).sum(axis=1)
    r = 11 - total % 11
    org_check = np.where(r == 11, 0, np.where(r == 10, _ALPHA_INDEX["X"], r))
    head = _indices(join(dept, etype, region), 8)
    idx = np.concatenate([head, org_idx, org_check[:, None]], axis=1)
    check = (31 - (idx * _USCC_W).sum(axis=1) % 31) % 31
    return _rows_to_str(_ALPHA[np.concatenate([idx, check[:, None]], axis=1)])


def org_stems(rng: np.random.Generator, new_style: np.ndarray, sole: np.ndarray) -> np.ndarray:
    """8-character organisation-code stems: 'MA5…' after 2015, digits (companies) or 'L…' before."""
    n = len(new_style)
    alnum = rng.integers(0, 31, size=(n, 8))
    digits = rng.integers(0, 10, size=(n, 8))
    digits[:, 0] = rng.integers(1, 8, size=n)
    idx = np.where(sole[:, None], alnum, digits)
    idx[sole, 0] = _ALPHA_INDEX["L"]
    idx[new_style, :3] = [_ALPHA_INDEX["M"], _ALPHA_INDEX["A"], 5]
    idx[new_style, 3:] = alnum[new_style, 3:]
    return _rows_to_str(_ALPHA[idx])


def unique_usccs(rng: np.random.Generator, dept: np.ndarray, etype: np.ndarray, region: np.ndarray,
                 new_style: np.ndarray, sole: np.ndarray) -> np.ndarray:
    """Valid codes, redrawing organisation stems until no two entities share a code."""
    codes = uscc_codes(dept, etype, region, org_stems(rng, new_style, sole))
    for _ in range(50):
        dup = pd.Series(codes).duplicated().to_numpy()
        if not dup.any():
            return codes
        codes[dup] = uscc_codes(dept[dup], etype[dup], region[dup], org_stems(rng, new_style[dup], sole[dup]))
    raise RuntimeError("could not draw unique organisation codes")


def resident_ids(rng: np.random.Generator, regions: np.ndarray, birth: np.ndarray,
                 male: np.ndarray) -> np.ndarray:
    """18-digit resident ID numbers (GB 11643) from region codes, birth dates and sex."""
    n = len(regions)
    seq = rng.integers(0, 500, size=n) * 2 + male.astype(int)
    ymd = np.datetime_as_string(birth.astype("datetime64[D]"), unit="D")
    first17 = join(regions, np.char.replace(ymd, "-", ""), zfill(seq.astype(str), 3))
    digits = np.frombuffer(np.ascontiguousarray(first17.astype("<U17")).tobytes(), dtype=np.uint32)
    digits = digits.reshape(n, 17).astype(np.int64) - 48
    check = _RID_CHECK[(digits * _RID_W).sum(axis=1) % 11]
    return join(first17, check)


def mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    """11-digit mainland mobile numbers with real carrier prefixes."""
    prefix = rng.choice(np.array(MOBILE_PREFIXES, dtype=np.int64), size=n)
    return (prefix * 10**8 + rng.integers(0, 10**8, size=n)).astype(str)


def landlines(rng: np.random.Generator, n: int) -> np.ndarray:
    """Shenzhen fixed-line numbers written as 0755-2xxxxxxx."""
    first = rng.choice(np.array([2, 3, 8]), size=n)
    return join("0755-", (first * 10**7 + rng.integers(0, 10**7, size=n)).astype(str))


def luhn_digit(numbers: np.ndarray) -> np.ndarray:
    """Luhn check digit of equal-length digit strings (used for demo licence numbers)."""
    width = len(numbers[0]) if len(numbers) else 1
    d = np.frombuffer(np.ascontiguousarray(numbers.astype(f"<U{width}")).tobytes(), dtype=np.uint32)
    d = d.reshape(-1, width).astype(np.int64) - 48
    d = d[:, ::-1]
    doubled = d[:, 0::2] * 2
    total = np.where(doubled > 9, doubled - 9, doubled).sum(axis=1) + d[:, 1::2].sum(axis=1)
    return ((10 - total % 10) % 10).astype(str)
