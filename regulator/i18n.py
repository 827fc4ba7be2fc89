"""Translations: locale choice, catalogue compilation, and labels for the domain's vocabularies."""

from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, get_translations, lazy_gettext
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy import func

from models import Agency
from models.enums import EntityStatus

from .extensions import babel

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
log = logging.getLogger(__name__)


def select_locale() -> str:
    """Explicit choice (query or session), then the user's preference, then the browser's, then the default.

    Outside a request (a command-line command) English, the language of the command line's own output.
    """
    if not has_request_context():
        return "en"
    supported = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), session.get("locale"),
                      getattr(current_user, "locale", None)):
        if candidate in supported:
            return candidate
    for lang, _quality in request.accept_languages:
        lang = lang.lower()
        if lang.startswith("zh"):
            return "zh_Hans_CN"
        if lang.startswith("en"):
            return "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_catalogues(directory: Path = TRANSLATIONS, force: bool = False) -> list[Path]:
    """Compile every messages.po whose .mo is missing or older; returns the files written."""
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parent.parent.name)
        try:
            with mo_path.open("wb") as fh:
                write_mo(fh, catalog)
        except OSError as exc:  # a read-only install ships compiled catalogues
            log.warning("cannot write %s: %s", mo_path, exc)
            continue
        written.append(mo_path)
    return written


def html_lang() -> str:
    """The BCP 47 tag for <html lang>."""
    return "zh-Hans" if str(get_locale()).startswith("zh") else "en"


#: where a request keeps what it translates with (its environ, which, unlike g, never outlives it)
_TRANSLATIONS = "regulator.translations"
_MEMO = "regulator.translated"
#: texts translated for good, by catalogue (weak: a catalogue Flask-Babel drops takes its texts along)
_by_catalogue: WeakKeyDictionary = WeakKeyDictionary()


def _environ() -> dict | None:
    """The current request's WSGI environ (None outside a request), read through the request proxy's own
    object: an attribute of the proxy is found only after a failed lookup raised an AttributeError."""
    try:
        return request._get_current_object().environ
    except RuntimeError:
        return None


def translations():  # noqa: ANN201 - a babel Translations object
    """The current request's translations, looked up once per request.

    Each of Flask-Babel's lookups walks its context (g, the domain, the locale, the cache of catalogues):
    a page translating 50 strings did that 50 times. The locale does not change within a request.
    """
    environ = _environ()
    if environ is None:  # outside a request
        return get_translations()
    found = environ.get(_TRANSLATIONS)
    if found is None:
        found = environ[_TRANSLATIONS] = get_translations()
    return found


def _memo() -> dict | None:
    """The current catalogue's texts translated so far in this process (None outside a request), looked
    up once per request. The same catalogue gives the same translation of the same text: a page's labels
    and template texts are translated once per language, not on every page."""
    environ = _environ()
    if environ is None:
        return None
    memo = environ.get(_MEMO)
    if memo is None:
        catalogue = translations()
        memo = _by_catalogue.get(catalogue)
        if memo is None:
            memo = _by_catalogue[catalogue] = {}
        environ[_MEMO] = memo
    return memo


@pass_context
def _template_gettext(context: Context, text: str, /, **variables: Any) -> str:
    """Jinja's new-style ``gettext`` (jinja2.ext._make_new_gettext) with the request's catalogue; a text
    without variables is translated, escaped and formatted once per catalogue."""
    memo = None if variables else _memo()
    key = (text, context.eval_ctx.autoescape)
    if memo is not None and key in memo:
        return memo[key]
    found = translations().ugettext(text)
    if context.eval_ctx.autoescape:
        found = Markup(found)  # noqa: S704 - a translation is markup, as in Jinja's own gettext
    found = found % variables  # always a format string, as Jinja has it ("%%" is "%")
    if memo is not None:
        memo[key] = found
    return found


def init_app(app: Flask) -> None:
    """Configure Flask-Babel and make sure compiled catalogues are current."""
    compile_catalogues()
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(TRANSLATIONS))
    # templates translate with the request's catalogue, looked up once (Flask-Babel's callables look it up
    # for every string)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.before_request(_forget_locale)
    app.jinja_env.globals["gettext"] = _template_gettext
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["agency_name"] = agency_name


def _english() -> bool:
    """Whether the reader reads English (outside an app context: no)."""
    locale = get_locale() if has_app_context() else None
    return locale is not None and locale.language == "en"


def local_name(name: str, name_en: str | None) -> str:
    """An agency's name in the reader's language: its English name for an English reader where it has one, else
    its own name (the Chinese one agencies are registered under)."""
    return name_en if name_en and _english() else name


def agency_name(agency: Any) -> str:
    """``local_name`` of an agency (or of any row with ``name`` and ``name_en``); "" for none."""
    if agency is None:
        return ""
    return local_name(agency.name, getattr(agency, "name_en", None))


def agency_name_column() -> Any:
    """``Agency.name`` in SQL as ``local_name`` gives it: the English name for an English reader where it has one."""
    return (func.coalesce(Agency.name_en, Agency.name) if _english() else Agency.name).label("agency_name")


def _forget_locale() -> None:
    """Choose the locale afresh for each request: one chosen outside a request stays on ``g`` (an app context
    pushed around requests, as in tests and commands that call views)."""
    g.pop("_flask_babel", None)


def label(value: object) -> str:
    """The translated display label of an enum value (or the value itself when it has none)."""
    # an enum's ``_value_`` is what ``.value`` returns, without the descriptor (a list asks once per row)
    key = value._value_ if isinstance(value, Enum) else getattr(value, "value", value)
    key = OWN_WORDS.get((type(value), key), key)
    text = LABELS.get(key)
    if text is None:
        return "" if key is None else str(key)
    memo = _memo()
    if memo is None:  # outside a request
        return str(text)
    found = memo.get(key)
    if found is None:
        found = str(text)
        if get_translations() is translations():  # not translated in another language for a moment
            memo[key] = found
    return found


_ = lazy_gettext
#: display labels of the stored vocabularies; keys are the enum values in models/enums.py
LABELS = {
    "admin": _("Administrator"), "coordinator": _("Agency coordinator"), "inspector": _("Inspector"),
    "enterprise": _("Enterprise user"), "public": _("Public"),
    "company": _("Company"), "branch": _("Branch"), "sole_trader": _("Sole trader"),
    "partnership": _("Partnership"), "other": _("Other"),
    "active": _("Active"), "revoked": _("Revoked"), "cancelled": _("Cancelled"), "merged": _("Merged"),
    "unknown": _("Unknown"),
    "legal_representative": _("Legal representative"), "shareholder": _("Shareholder"),
    "director": _("Director"), "manager": _("Manager"), "supervisor": _("Supervisor"), "owner": _("Owner"),
    "registration": _("Registration"), "role": _("Role"), "investment": _("Investment"),
    "licence": _("Licence"), "inspection": _("Inspection"), "violation": _("Violation"),
    "enforcement": _("Enforcement action"), "list_entry": _("List entry"), "complaint": _("Complaint"),
    "context": _("Context"),
    "random_draw": _("Random draw"), "risk_ranking": _("Risk ranking"), "follow_up": _("Follow-up"),
    "referral": _("Referral"), "cluster": _("Relationship cluster"),
    "routine": _("Routine"), "special": _("Special"), "joint": _("Joint"),
    "pass": _("Pass"), "pass_with_conditions": _("Pass with conditions"), "fail": _("Fail"),
    "no_entry": _("No entry"), "not_found": _("Not found"), "closed": _("Closed"),
    "minor": _("Minor"), "serious": _("Serious"), "critical": _("Critical"),
    "warning": _("Warning"), "fine": _("Fine"), "confiscation": _("Confiscation"),
    "suspension": _("Suspension"), "licence_revocation": _("Licence revocation"),
    "detention": _("Detention"),
    "abnormal_operations": _("Abnormal operations list"),
    "serious_illegal": _("Serious illegal and dishonest list"),
    "corrected": _("Corrected"), "withdrawn": _("Withdrawn"),
    "valid": _("Valid"), "expired": _("Expired"), "suspended": _("Suspended"),
    "open": _("Open"), "unfounded": _("Unfounded"), "substantiated": _("Substantiated"),
    "draft": _("Draft"), "committed": _("Seed committed"), "drawn": _("Drawn"), "planned": _("Planned"),
    "published": _("Published"), "released": _("Results released"),
    "assigned": _("Assigned"), "in_progress": _("In progress"), "done": _("Done"),
    "sent": _("Sent"), "accepted": _("Accepted"), "rejected": _("Rejected"), "acted": _("Acted on"),
    "submitted": _("Submitted"), "under_review": _("Under review"), "granted": _("Granted"),
    "pending": _("Pending"), "confirmed": _("Confirmed"),
    "running": _("Running"), "completed": _("Completed"), "failed": _("Failed"),
    "resubmitted": _("Re-submitted"), "dismissed": _("Dismissed"), "joint_punishment": _("Joint punishment"),
    "registered": _("Registered name"), "former": _("Former name"), "variant": _("Name variant"),
    "trade": _("Trade name"), "operating": _("Operating address"), "enforcement_action": _("Penalty"),
    "system": _("System"), "uscc": _("Unified social credit code"), "source_key": _("Agency key"),
    "probabilistic": _("Probabilistic match"), "review": _("Confirmed in review"), "manual": _("Manual"),
    "address": _("Address"), "new": _("New entity"),
    "A": _("A (low risk)"), "B": _("B (general risk)"), "C": _("C (higher risk)"), "D": _("D (high risk)"),
    "entity_event_merge": _("Merge"), "entity_event_split": _("Split"), "entity_event_link": _("Record moved"),
    "entity_event_undo": _("Undo"),
    "entity_active": _("In business"),
    # agencies' fields of supervision (Agency.domain; a domain not listed reads as stored)
    "market": _("Market regulation"), "environment": _("Ecology and environment"), "work_safety": _("Work safety"),
    "fire": _("Fire safety"), "health": _("Health"), "tax": _("Taxation"), "labour": _("Labour and social security"),
}
#: values that one vocabulary says in its own words (an entity is 存续, in business; a record is 有效, active)
OWN_WORDS = {(EntityStatus, "active"): "entity_active"}
