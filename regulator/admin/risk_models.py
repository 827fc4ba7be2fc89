"""The risk model registry: every version with its metrics, activation, and the evaluation report."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import ModelVersion

from ..extensions import db
from ..nav import nav_item
from ..services import risk_models
from ..services.risk_report import report_context
from . import bp

nav_item("admin.risk_models", _l("Risk models"), "admin", order=25, menu=_l("Administration"))


def get_version_or_404(version: str) -> ModelVersion:
    try:
        return risk_models.get_version(version)
    except risk_models.RegistryError:
        abort(404)


@bp.route("/models", endpoint="risk_models")
def risk_models_list():
    """Every risk model version, newest first, with its window and test metrics."""
    return render_template("admin/risk_models.html", versions=risk_models.versions())


@bp.route("/models/<version>/activate", methods=["POST"])
def risk_model_activate(version: str):
    """Make this version the active one (the form carries the CSRF token)."""
    row = get_version_or_404(version)
    try:
        risk_models.activate(row.version)
    except risk_models.MissingFeatures as exc:
        db.session.rollback()
        flash(_("Model %(version)s was not activated: the current data lacks %(count)s of its features "
                "(%(features)s), which it would read as unknown for every entity.", version=exc.version,
                count=len(exc.features), features=", ".join(exc.features)), "danger")
        return redirect(url_for("admin.risk_models"))
    db.session.commit()
    flash(_("Model %(version)s is now active. Run a scoring to update the scores.", version=row.version),
          "success")
    return redirect(url_for("admin.risk_models"))


@bp.route("/models/<version>/report")
def risk_model_report(version: str):
    """The evaluation report: ROC, gain and lift, calibration, precision at budget, fairness."""
    row = get_version_or_404(version)
    return render_template("admin/risk_report.html", **report_context(row))
