"""The draw's verifier for anyone: the platform's own draw code, packed as a package that needs only NumPy
and pandas, so that a member of the public can re-run a published draw without installing the platform.

The zip holds ``risk/campaign/draw.py`` and ``public.py`` as they run here (a reader can check the algorithm
it applies), the command-line entry point, and a README; it is built once per process from those files.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

import risk.campaign

PACKAGE = "regulator_verify"
SOURCES = ("draw.py", "public.py", "__main__.py")
README = """Regulator: verify a published random draw

Needs Python 3.11 or newer with NumPy and pandas (pip install numpy pandas).

    python -m {package} campaign-ID-inputs.json

The inputs file is on the campaign's public page. The check prints whether the revealed seed matches the
commitment published before the draw, whether the inputs match their fingerprint, and whether the random
selection comes out again from the pool, the classes and the seed; it ends with VERIFIED or NOT VERIFIED
(exit status 0 or 1). draw.py and public.py are the code the platform draws with.

NumPy gives the same random numbers for the same seed only within one version: the inputs name the version the
draw ran on ("numpy"), and the check says so when yours differs (pip install numpy==THAT-VERSION).
"""
#: the package's __init__: the verifier needs neither the planner (SciPy) nor the inspector draw
INIT = '"""Re-run a published random draw: python -m {package} INPUTS.json"""\n'


@cache
def verifier_zip() -> bytes:
    """The verifier package as a zip (the same bytes for every download from this process)."""
    source = Path(risk.campaign.__file__).parent
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in ((f"{PACKAGE}/__init__.py", INIT.format(package=PACKAGE)),
                           ("README.txt", README.format(package=PACKAGE)),
                           *((f"{PACKAGE}/{name}", (source / name).read_text(encoding="utf-8")) for name in SOURCES)):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.replace("python -m risk.campaign", f"python -m {PACKAGE}"))
    return out.getvalue()
