"""Jinja's template class with a cheaper import of macro modules (``{% from "_macros.html" import ... %}``)."""

from __future__ import annotations

from flask import Flask
from jinja2 import Template
from jinja2.environment import TemplateModule
from jinja2.runtime import Context


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


def init_app(app: Flask) -> None:
    """Templates loaded from now on use RegulatorTemplate."""
    app.jinja_env.template_class = RegulatorTemplate
