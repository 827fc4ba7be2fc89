"""risk/ is usable without Flask or the ORM session."""

import subprocess
import sys


def test_importing_risk_does_not_import_flask() -> None:
    """`import risk` (and every submodule) leaves flask and the app out of sys.modules."""
    code = (
        "import pkgutil, importlib, sys, risk\n"
        "for m in pkgutil.walk_packages(risk.__path__, 'risk.'): importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m == 'flask' or m.startswith(('flask.', 'regulator', 'flask_'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
