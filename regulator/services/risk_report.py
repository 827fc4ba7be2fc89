"""The evaluation report of a risk model: inline SVG charts (no script, no CDN) and tables.

``report_context`` turns a stored evaluation into what ``templates/risk/_report.html`` draws; the admin
page includes that partial, and ``write_report`` renders it into a standalone HTML file for the CLI.
"""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from models import ModelVersion

SIZE = 240  # px, square plots
PAD = 30


def _xy(x: float, y: float, y_max: float = 1.0) -> str:
    px = PAD + x * (SIZE - 2 * PAD)
    py = SIZE - PAD - (y / y_max if y_max else 0) * (SIZE - 2 * PAD)
    return f"{px:.1f},{py:.1f}"


def polyline(xs: list[float], ys: list[float], y_max: float = 1.0) -> str:
    """SVG ``points`` for a polyline through (x, y) on the unit square (y scaled by ``y_max``)."""
    return " ".join(_xy(x, y, y_max) for x, y in zip(xs, ys, strict=False))


def report_context(row: ModelVersion) -> dict:
    """Everything the report partial needs."""
    ev = row.evaluation or {}
    roc, gain, cal = ev.get("roc", {}), ev.get("gain", {}), ev.get("calibration", {})
    lift_max = max([*gain.get("lift", []), 1.0])
    cal_max = max([*cal.get("predicted", []), *cal.get("observed", []), 0.05])
    charts = {
        "roc": polyline(roc.get("fpr", []), roc.get("tpr", [])),
        "gain": polyline([0.0, *gain.get("share", [])], [0.0, *gain.get("gain", [])]),
        "lift": polyline(gain.get("share", []), gain.get("lift", []), lift_max),
        "lift_max": lift_max,
        "calibration": polyline([p / cal_max for p in cal.get("predicted", [])], cal.get("observed", []), cal_max),
        "cal_max": cal_max,
        "diagonal": polyline([0.0, 1.0], [0.0, 1.0]),
        "lift_one": polyline([0.0, 1.0], [1.0, 1.0], lift_max),
        "size": SIZE, "pad": PAD,
    }
    budgets = [(key.removeprefix("precision_at_"), value) for key, value in ev.get("summary", {}).items()
               if key.startswith("precision_at_")]
    return {"model": row, "ev": ev, "charts": charts, "budgets": budgets}


def write_report(row: ModelVersion, out: Path, locale: str = "en") -> None:
    """Render the standalone HTML report into ``out``, in ``locale`` (English, the command line's language,
    unless asked: without a language the made-up request fell to the default, Chinese)."""
    from flask import current_app

    with current_app.test_request_context("/", query_string={"lang": locale}):
        html = render_template("risk/report_file.html", **report_context(row))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
