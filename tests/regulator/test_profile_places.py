"""A profile's addresses as places: spellings of one place are one line, different places stay apart."""

from __future__ import annotations

from models import Address, AddressKind, EntityAddress, Role
from regulator.profile.identity_rows import AddressLine
from regulator.profile.places import places

REGISTERED = "深圳市福田区香蜜湖街道福华路186号河荣中心1206室"


def _line(text: str, kind: AddressKind = AddressKind.OPERATING) -> AddressLine:
    return AddressLine(address_id=0, kind=kind, text=text)


def test_spellings_of_the_registered_address_join_it() -> None:
    # four operating addresses of the demo's entity 827: the registered room written four ways
    lines = [_line(REGISTERED, AddressKind.REGISTERED), _line("福田区福华路186号河荣中心1206室"),
             _line("福田区福华路186号河荣中心1206"), _line("深圳市福田区福华路186号河荣中心1206"),
             _line("深圳市福田区福华路186号河荣中心1206室")]
    variants, others = places(REGISTERED, lines)
    assert others == []
    assert variants == ["福田区福华路186号河荣中心1206室", "福田区福华路186号河荣中心1206",
                        "深圳市福田区福华路186号河荣中心1206", "深圳市福田区福华路186号河荣中心1206室"]


def test_other_places_stay_apart_and_show_their_fullest_spelling() -> None:
    lines = [_line("福华路186号河荣中心1205"),  # another room of the building
             _line("南山区福华路186号河荣中心1206室"),  # the same street name in another district
             _line("龙华区民治大道8号"), _line("深圳市龙华区民治街道民治大道8号"),
             _line("龙华区民治大道8号", AddressKind.REGISTERED), _line("  "),
             _line("1234 N Clark St"), _line("1234 N. CLARK ST.")]
    variants, others = places(REGISTERED, lines)
    assert variants == []
    assert [(p.text, p.registered, p.variants) for p in others] == [
        ("福华路186号河荣中心1205", False, []),
        ("南山区福华路186号河荣中心1206室", False, []),
        ("深圳市龙华区民治街道民治大道8号", True, ["龙华区民治大道8号"]),  # once the registered address
        ("1234 N. CLARK ST.", False, ["1234 N Clark St"]),
    ]


def test_no_registered_address() -> None:
    variants, others = places(None, [_line("福田区福华路186号"), _line("深圳市福田区福华路186号")])
    assert variants == [] and [(p.text, p.variants) for p in others] == [("深圳市福田区福华路186号",
                                                                         ["福田区福华路186号"])]


def test_profile_page_shows_one_line_per_place(app, make, client, auth) -> None:  # noqa: ANN001
    home = make._add(Address(text=REGISTERED, text_norm=REGISTERED))
    entity = make.entity("深圳市河荣科技有限公司", address_id=home.id, district="福田区")
    for text in (REGISTERED, "福田区福华路186号河荣中心1206", "深圳市南山区科技园路1号",
                 "深圳市福田区福华路186号河荣中心1206"):
        address = home if text == REGISTERED else make._add(Address(text=text, text_norm=text))
        make._add(EntityAddress(entity_id=entity.id, address_id=address.id,
                                kind=AddressKind.REGISTERED if text == REGISTERED else AddressKind.OPERATING))
    make.user("coord", Role.COORDINATOR, agency_id=make.agency("SAMR").id)
    auth.login("coord")
    page = client.get(f"/entities/{entity.id}?lang=zh_Hans_CN").get_data(as_text=True)
    identity = page.split('<section id="identity">')[1].split("</section>")[0]
    assert identity.count("经营场所") == 1 and "深圳市南山区科技园路1号" in identity
    assert "其他写法：福田区福华路186号河荣中心1206；深圳市福田区福华路186号河荣中心1206</div>" in identity
