"""RegulatorTemplate finds an imported template's module as Jinja's own Template does."""

from __future__ import annotations

from jinja2 import DictLoader, Environment, Template

from regulator.templating import RegulatorTemplate

TEMPLATES = {
    "macros.html": "{% macro hello(name) %}{{ greeting }}, {{ name }}{{ extra | default('') }}{% endmacro %}",
    "page.html": '{% from "macros.html" import hello %}{{ hello("A") }}',
    "with_globals.html": '{% from "macros.html" import hello %}{{ hello("B") }}',
}


def _render(template_class: type[Template]) -> tuple[str, str, bool]:
    env = Environment(loader=DictLoader(TEMPLATES))
    env.template_class = template_class
    env.globals["greeting"] = "hi"
    page = env.get_template("page.html").render()
    # a template with globals of its own that the imported one lacks gets a module of its own, which sees them
    other = env.get_template("with_globals.html", globals={"greeting": "hello", "extra": 1}).render()
    macros = env.get_template("macros.html")
    return page, other, macros._get_default_module() is macros._get_default_module()


def test_imports_render_as_with_jinjas_template() -> None:
    assert _render(RegulatorTemplate) == _render(Template) == ("hi, A", "hi, B1", True)
