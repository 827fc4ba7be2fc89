"""The audit log's action codes and object types in words, for the administrator reading the log.

The log stores stable codes (``objection.accepted``, ``market_entity``): filters and exports keep using them,
and the page shows these words beside them. A code without words here (a new action) is shown as it is.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from .i18n import LABELS

ACTIONS = {
    "login": _("Signed in"), "login.failed": _("Sign-in failed"), "login.locked": _("Sign-in locked out"),
    "logout": _("Signed out"),
    "login.two_step_failed": _("Wrong code at the second step"),
    "account.password_failed": _("Wrong current password on the account page"),
    "account.code_failed": _("Wrong code on the account page"),
    "user.two_step_on": _("Two-step sign-in turned on"), "user.two_step_off": _("Two-step sign-in turned off"),
    "user.recovery_codes": _("New recovery codes made"), "user.recovery_code_used": _("Recovery code used"),
    "user.create": _("Account created"), "user.activate": _("Account enabled"),
    "user.deactivate": _("Account disabled"), "user.password": _("Password changed"),
    "user.password_link": _("Link to set a new password mailed"),
    "user.password_reset": _("New password set from a mailed link"), "user.mail_choice": _("E-mail choice changed"),
    "user.email": _("E-mail address changed"), "user.role": _("Role or agency changed"),
    "enterprise.register": _("Enterprise account opened by the enterprise"),
    "enterprise.register_failed": _("Enterprise registration refused: details did not match"),
    "token.issue": _("API token issued"), "token.revoke": _("API token revoked"),
    "profile.view": _("Profile viewed"), "profile.records": _("Profile records read over the API"),
    "profile.graph": _("Relationship graph viewed"), "record.view": _("Record viewed"),
    "source_record.view": _("Source row viewed"), "attachment.download": _("Document downloaded"),
    "objection.submit": _("Objection raised"), "objection.review": _("Objection taken up"),
    "objection.accepted": _("Objection accepted"), "objection.rejected": _("Objection rejected"),
    "objection.withdraw": _("Objection withdrawn"),
    "repair.apply": _("Credit repair applied for"), "repair.review": _("Credit repair taken up"),
    "repair.granted": _("Credit repair granted"), "repair.rejected": _("Credit repair rejected"),
    "match_review.view": _("Suggested match viewed"), "match_review.confirm": _("Suggested match confirmed"),
    "match_review.reject": _("Suggested match rejected"),
    "entity.merge": _("Entities merged"), "entity.split": _("Records split off"),
    "entity.undo": _("Merge or split undone"),
    "campaign.create": _("Campaign created"), "campaign.commit": _("Seed committed"),
    "campaign.draw": _("Draw made"), "campaign.plan": _("Joint plan made"),
    "campaign.publish": _("Campaign published"), "campaign.release": _("Results released"),
    "cluster.to_campaign": _("Risk cluster sent to a campaign"),
    "task.result": _("Visit result recorded"),
    "referral.send": _("Referral sent"), "referral.decide": _("Referral decided"),
    "referral.acted": _("Referral acted on"),
    "risk_model.activate": _("Risk model activated"), "audit.export": _("Audit log exported"),
    "agency.create": _("Agency registered"), "agency.update": _("Agency changed"),
    "quarantine.export": _("Quarantined rows downloaded"), "quarantine.dismiss": _("Quarantined rows dismissed"),
    "quarantine.restore": _("Dismissed row returned to the quarantine"),
    "conflict.declare": _("Conflict of interest declared"), "conflict.end": _("Conflict of interest ended"),
    "task.replace_inspector": _("Inspector replaced on a visit"),
    "task.withdraw_agency": _("Agency withdrawn from a visit"), "task.cancel": _("Visit cancelled"),
}

OBJECTS = {
    "market_entity": _("Market entity"), "source_record": _("Source row"), "attachment": _("Document"),
    "objection": _("Objection"), "credit_repair": _("Credit repair application"),
    "match_review": _("Suggested match"), "entity_event": _("Merge or split"), "campaign": _("Campaign"),
    "risk_cluster": _("Risk cluster"), "referral": _("Referral"), "user": _("Account"),
    "api_token": _("API token"), "model_version": _("Risk model version"), "agency": _("Agency"),
    "import_batch": _("Import"), "conflict_declaration": _("Conflict of interest"),
    "inspection_task": _("Visit"),
}


def action_label(code: str | None) -> str:
    """An action in words (the code itself when it has none)."""
    words = ACTIONS.get(code or "")
    return str(words) if words is not None else (code or "")


def object_label(object_type: str | None) -> str:
    """An object type in words: the log's own types, else a record kind's (inspection, licence ...)."""
    words = OBJECTS.get(object_type or "") or LABELS.get(object_type or "")
    return str(words) if words is not None else (object_type or "")
