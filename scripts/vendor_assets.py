"""Copy the front-end libraries from node_modules (installed from the npm registry) into static/vendor.

The app serves these files itself: the machines that run Regulator may have no internet, so no page
loads anything from a CDN. Run `npm ci` first; the copied files are committed.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "regulator" / "static" / "vendor"
#: package -> files to copy (relative to the package folder)
FILES = {
    "bootstrap": ["dist/css/bootstrap.min.css", "dist/js/bootstrap.bundle.min.js", "LICENSE"],
    "cytoscape": ["dist/cytoscape.min.js", "LICENSE"],
    "swagger-ui-dist": ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "LICENSE"],
}


def main() -> int:
    """Copy each package's files to static/vendor/<package>/ and write a versions manifest."""
    versions = {}
    for package, files in FILES.items():
        source = ROOT / "node_modules" / package
        if not source.exists():
            sys.stderr.write(f"node_modules/{package} is missing: run `npm ci` first\n")
            return 1
        target = VENDOR / package
        target.mkdir(parents=True, exist_ok=True)
        for rel in files:
            shutil.copy2(source / rel, target / Path(rel).name)
        versions[package] = json.loads((source / "package.json").read_text())["version"]
    (VENDOR / "versions.json").write_text(json.dumps(versions, indent=2, sort_keys=True) + "\n")
    sys.stdout.write(f"vendored {versions}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
