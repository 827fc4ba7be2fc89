"""Every user-facing string is translated into English and Simplified Chinese."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from regulator.extensions import db

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


def test_chinese_pages_use_chinese_punctuation(app, client, auth, make) -> None:  # noqa: ANN001
    """Brackets, list commas and colons around Chinese words are full-width (电子电路制造（C3982）, 违法行为（2）)."""
    import re

    from models import Role

    samr = make.agency("SAMR", name="市场监督管理局")
    entity = make.entity("深圳市标点测试有限公司", industry="电子电路制造", industry_code="C3982")
    for day in ("2024-05-01", "2024-06-01"):
        make.violation(entity, samr, description="未按规定明码标价", found_date=date.fromisoformat(day))
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    auth.login("coord")
    page = client.get(f"/entities/{entity.id}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", page, flags=re.S))
    assert "电子电路制造（C3982）" in re.sub(r"\s+", "", text) and "违法行为（2）" in text
    cjk = "\u4e00-\u9fff"
    assert not re.findall(rf"[{cjk}] ?\([^()]{{0,40}}\)|[{cjk}], [{cjk}]|[{cjk}]: [{cjk}]", text)


def test_agencies_page_names_each_field_of_supervision(app, client, auth, make) -> None:  # noqa: ANN001
    from models import Role

    make.agency("MEE", name="生态环境局", domain="environment")
    make.agency("CHI", name="Chicago", domain="food_safety_chicago")  # a domain the platform has no word for
    make.user("admin", Role.ADMIN)
    db.session.commit()
    auth.login("admin")
    page = client.get("/admin/agencies", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "<td>生态环境</td>" in page and "<td>food_safety_chicago</td>" in page


def test_agency_names_follow_the_readers_language(app, client, auth, make) -> None:  # noqa: ANN001
    """An agency's English name on English pages (headers, timeline, options, campaign pages, alerts' sentences)
    and its own name on Chinese ones; an agency with no English name keeps its own in both. The JSON API keeps
    the stored name whatever the language."""
    import re

    from models import Role
    from regulator.i18n import agency_name, local_name

    samr = make.agency("SAMR", name="市场监督管理局", name_en="Administration for Market Regulation")
    mee = make.agency("MEE", name="生态环境局")
    entity = make.entity("深圳市名称语言测试有限公司")
    make.inspection(entity, samr, inspection_date=date(2026, 3, 2))
    make.inspection(entity, mee, inspection_date=date(2026, 3, 3))
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    auth.login("coord")

    def text(url: str, lang: str) -> str:
        page = client.get(url, query_string={"lang": lang}).get_data(as_text=True)
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))

    english = text(f"/entities/{entity.id}", "en")
    assert "Administration for Market Regulation" in english and "市场监督管理局" not in english
    assert "生态环境局" in english  # no English name: its own
    assert "Coordination · Administration for Market Regulation" in text("/coordinator/", "en")
    chinese = text(f"/entities/{entity.id}", "zh_Hans_CN")
    assert "市场监督管理局" in chinese and "Administration for Market Regulation" not in chinese
    assert "协调 · 市场监督管理局" in text("/coordinator/", "zh_Hans_CN")
    api = client.get(f"/api/v1/entities/{entity.id}/records", query_string={"lang": "en"}).get_json()
    assert {i["agency"] for i in api["items"]} == {"市场监督管理局", "生态环境局"}
    auth.logout()
    make.user("admin", Role.ADMIN)
    db.session.commit()
    auth.login("admin")
    assert "SAMR · Administration for Market Regulation" in text("/coordinator/imports", "en")  # the upload's choice
    with app.test_request_context(query_string={"lang": "en"}):
        assert agency_name(samr) == "Administration for Market Regulation" and agency_name(None) == ""
        assert local_name("生态环境局", None) == "生态环境局"
    with app.test_request_context(query_string={"lang": "zh_Hans_CN"}):
        assert agency_name(samr) == "市场监督管理局"
