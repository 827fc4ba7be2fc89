"""Jinja's template class with a cheaper import of macro modules (``{% from "_macros.html" import ... %}``),
and the template helpers written in Python."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Flask
from flask_babel import gettext as _
from jinja2 import Template
from jinja2.environment import TemplateModule
from jinja2.runtime import Context
from markupsafe import Markup

from .i18n import html_lang, label


class RegulatorTemplate(Template):
    """A template whose module, when imported by another template, is found with one set difference.

    On every render an import asks the imported template for its module, and Jinja first compares the
    caller's globals with the template's through a keys view of their ChainMap: a Python-level loop over
    every global (about 4 % of a profile page's instructions, four imports). ``set.difference`` over the
    ChainMap gives the same keys; the module returned is the same.
    """

    def _get_default_module(self, ctx: Context | None = None) -> TemplateModule:
        if ctx is None or self.environment.is_async:
            return super()._get_default_module(ctx)
        keys = ctx.globals_keys.difference(self.globals)
        if keys:
            return self.make_module({k: ctx.parent[k] for k in keys})
        return super()._get_default_module()


_NO_CLASS = Markup('<span class="text-muted">—</span>')
_BADGE = Markup('<span class="badge credit-{0}" title="{1}">{0}</span>')


def class_badge(value: object) -> Markup:
    """A credit or risk class as a badge titled with its label (a dash for none).

    A Python function rather than a Jinja macro: the ranked list calls it on every row, and a macro call
    cost more than the rest of its cell.
    """
    if not value:
        return _NO_CLASS
    return _BADGE.format(getattr(value, "value", value), label(value))


def percent(probability: float | None) -> str:
    """A probability as a percentage: one decimal below 10 % (a ranked list of small risks would otherwise
    read 0 % for most rows), whole percents above; under 0.05 % "<0.1%"; a dash for none."""
    if probability is None:
        return "—"
    value = probability * 100
    if 0 < value < 0.05:
        return "<0.1%"
    return f"{value:.1f}%" if round(value, 1) < 10 else f"{value:.0f}%"


def colon() -> str:
    """The colon between a label and its value: full-width in Chinese (标签：值), with a space in English."""
    return "：" if html_lang() == "zh-Hans" else ": "


def in_brackets(text: str) -> str:
    """A parenthesis after a word: full-width in Chinese (分支机构（股东）), spaced in English."""
    return f"（{text}）" if html_lang() == "zh-Hans" else f" ({text})"


def listed(items: Any, each: Any = str) -> str:
    """Items of a list in a sentence (each one said by ``each``): 、 between them in Chinese, a comma in English."""
    return ("、" if html_lang() == "zh-Hans" else ", ").join(str(each(i)) for i in items)


def field_text(spec: Any, value: str | None) -> str:
    """A record field's value (as ``record_kinds.form_value`` gives it) for reading: enums by their label,
    amounts with thousands separators, yes/no in words, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if spec.kind == "enum":
        return label(value)
    if spec.kind == "decimal":
        try:
            return f"{Decimal(value):,.2f}"
        except InvalidOperation:
            return value
    if spec.kind == "bool":
        return _("Yes") if value in ("True", "true", "1") else _("No")
    if spec.name == "notes":
        from .ingest.row_messages import note

        return note(value)
    return value


def local_strftime(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored moment (UTC) as the platform's local time reads it, the clock its working days and deadlines
    follow (``{{ event.created_at|local }}``, ``|local('%Y-%m-%d')``); empty for none."""
    from .services.working_days import local_time

    return local_time(moment).strftime(fmt) if moment is not None else ""


def unread_notifications() -> int:
    """How many notifications the signed-in user has not opened (the bar shows the number)."""
    from flask_login import current_user

    return getattr(current_user, "unread_notifications", 0) or 0 if current_user.is_authenticated else 0


def init_app(app: Flask) -> None:
    """Templates loaded from now on use RegulatorTemplate; the Python helpers become template globals."""
    app.jinja_env.template_class = RegulatorTemplate
    app.jinja_env.globals["unread_notifications"] = unread_notifications
    app.jinja_env.globals["class_badge"] = class_badge
    app.jinja_env.globals["percent"] = percent
    app.jinja_env.globals["colon"] = colon
    app.jinja_env.globals["field_text"] = field_text
    app.jinja_env.globals["in_brackets"] = in_brackets
    app.jinja_env.globals["listed"] = listed
    from .risk_text import industry_label

    app.jinja_env.globals["industry_label"] = industry_label
    from .risk_features import feature_name

    app.jinja_env.globals["feature_name"] = feature_name
    from .ingest import row_messages

    app.jinja_env.globals["row_error"] = row_messages.error
    from .ingest.readers import file_row

    app.jinja_env.globals["file_row"] = file_row
    from .services import working_days

    app.jinja_env.globals["decide_by"] = working_days.decide_by
    app.jinja_env.globals["local_day"] = working_days.local_day
    app.jinja_env.filters["local"] = local_strftime
    from .privacy import mask_personal_text

    app.jinja_env.filters["masked"] = mask_personal_text  # free text on public pages: ID and phone numbers masked
    from .access import may_decide_requests

    app.jinja_env.globals["may_decide"] = may_decide_requests
    from . import audit_words

    app.jinja_env.globals["action_label"] = audit_words.action_label
    app.jinja_env.globals["object_label"] = audit_words.object_label
    app.jinja_env.globals["row_reason"] = row_messages.reason
    app.jinja_env.globals["row_message"] = row_messages.message
    app.jinja_env.globals["row_finding"] = row_messages.finding
    app.jinja_env.globals["row_note"] = row_messages.note
    app.jinja_env.globals["platform_key"] = row_messages.platform_key
    app.jinja_env.globals["finding_kind"] = row_messages.finding_kind
