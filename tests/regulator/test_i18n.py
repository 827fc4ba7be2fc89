"""Every user-facing string is translated into English and Simplified Chinese."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "regulator" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _extracted() -> set[str]:
    method_map = [("regulator/**.py", "python"), ("templates/**.html", "jinja2")]
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=KEYWORDS):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def _catalogue(lang: str) -> dict[str, object]:
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return {(m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po(fh) if m.id}


def test_catalogues_hold_every_message_translated() -> None:
    """Each message in code and templates has a non-fuzzy translation in both catalogues."""
    needed = _extracted()
    assert len(needed) > 100
    for lang in ("en", "zh_Hans_CN"):
        catalogue = _catalogue(lang)
        missing = sorted(needed - set(catalogue))
        assert not missing, f"{lang}: not in the catalogue (run `flask translate update`): {missing[:20]}"
        untranslated = sorted(i for i in needed if not catalogue[i].string or catalogue[i].fuzzy)
        assert not untranslated, f"{lang}: untranslated (scripts/translations.py check): {untranslated[:20]}"


def test_translations_script_reports_clean() -> None:
    """The maintainers' check agrees."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "check"], check=True)


def test_pages_render_in_chinese(sqlite_app) -> None:  # noqa: ANN001
    """A Chinese browser gets Chinese pages, with <html lang> and a UTF-8 charset."""
    client = sqlite_app.test_client()
    page = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert "市场主体信用信息" in page and 'lang="zh-Hans"' in page and 'charset="utf-8"' in page
    page = client.get("/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "Market entity credit information" in page and 'lang="en"' in page


def test_language_choice_sticks(sqlite_app) -> None:  # noqa: ANN001
    """Choosing a language in the bar keeps it for the session."""
    client = sqlite_app.test_client()
    client.get("/auth/lang/zh_Hans_CN")
    assert "市场主体信用信息" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_a_label_translated_under_another_locale_is_not_remembered(sqlite_app) -> None:  # noqa: ANN001
    """label() remembers translations per language for the process; one asked for under force_locale
    must not stand for the request's language afterwards, in this request or the next."""
    from flask_babel import force_locale

    from regulator.i18n import label

    with sqlite_app.test_request_context("/?lang=zh_Hans_CN"):
        assert label("inspector") == "执法检查人员"
        with force_locale("en"):
            assert label("revoked") == "Revoked"
        assert label("revoked") == "吊销"
    with sqlite_app.test_request_context("/?lang=zh_Hans_CN"):
        assert label("revoked") == "吊销"


def test_an_entity_in_business_and_a_record_in_effect_have_their_own_words(sqlite_app) -> None:  # noqa: ANN001
    """Both are stored as "active": an entity reads 存续 (in business), a record 有效 (in effect)."""
    from models import EntityStatus, RecordStatus
    from regulator.i18n import label

    with sqlite_app.test_request_context("/?lang=zh_Hans_CN"):
        assert (label(EntityStatus.ACTIVE), label(RecordStatus.ACTIVE), label("active")) == ("存续", "有效", "有效")
    with sqlite_app.test_request_context("/?lang=en"):
        assert (label(EntityStatus.ACTIVE), label(RecordStatus.ACTIVE)) == ("In business", "Active")
