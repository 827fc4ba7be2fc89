"""RegulatorTemplate finds an imported template's module as Jinja's own Template does; the Python template
helpers render as the macros they replaced."""

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


def test_class_badge_shows_the_class_titled_with_its_label_and_escapes(app) -> None:  # noqa: ANN001
    from models import CreditClass
    from regulator.i18n import label
    from regulator.templating import class_badge

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert str(class_badge(CreditClass.A)) == f'<span class="badge credit-A" title="{label("A")}">A</span>'
        assert str(class_badge("B")) == str(class_badge(CreditClass.B))
        assert str(class_badge(None)) == '<span class="text-muted">—</span>'
        assert str(class_badge("")) == '<span class="text-muted">—</span>'
        assert "<script>" not in str(class_badge("<script>x</script>"))
        assert "&lt;script&gt;" in str(class_badge("<script>x</script>"))


def test_percent_keeps_small_risks_apart() -> None:
    """A ranked list of small risks: 0.2 % and 4 % are not both "0 %"; large ones read as whole percents."""
    from regulator.templating import percent

    assert [percent(p) for p in (0.0, 0.0001, 0.002, 0.0449, 0.0996, 0.1, 0.864, 1.0, None)] == [
        "0.0%", "<0.1%", "0.2%", "4.5%", "10%", "10%", "86%", "100%", "—"]


def test_a_label_and_its_value_are_joined_as_each_language_writes_it(app) -> None:  # noqa: ANN001
    from regulator.templating import colon

    with app.test_request_context("/?lang=zh_Hans_CN"):
        assert colon() == "："
    with app.test_request_context("/?lang=en"):
        assert colon() == ": "
