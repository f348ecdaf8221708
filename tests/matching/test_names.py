"""Name normalisation: legal forms, full width, Chinese regions and pinyin."""

import pytest

from matching.names import name_forms


@pytest.mark.parametrize(
    "name",
    [
        "Acme GmbH",
        "ACME GMBH",
        "Acme GmbH & Co. KG",
        "ＡＣＭＥ　ＧＭＢＨ",
        "acme, ltd.",
        "The Acme Inc",
    ],
)
def test_latin_legal_forms_case_and_width_fold_to_one_key(name):
    assert name_forms(name).keys == ("acme",)


def test_chinese_region_prefix_and_legal_form_are_split_off():
    a = name_forms("深圳市华为技术有限公司")
    b = name_forms("华为技术（深圳）有限公司")
    assert a.keys == b.keys == ("华为技术", "huaweijishu")
    assert a.region == b.region == "shenzhen"


@pytest.mark.parametrize("form", ["股份有限公司", "有限责任公司", "有限公司", "有限公"])
def test_chinese_legal_forms_including_cut_ones(form):
    assert name_forms(f"北京字节跳动科技{form}").keys[0] == "字节跳动科技"


def test_pinyin_payer_meets_chinese_customer_key():
    latin = name_forms("SHENZHEN HUAWEI JISHU YOUXIAN GONGSI")
    assert latin.keys == ("huaweijishu",)
    assert latin.region == "shenzhen"


def test_pinyin_payer_with_the_region_after_the_name():
    # the bank spells 海康机械(深圳)有限公司 in the order it is written
    latin = name_forms("HAI KANG JI XIE SHEN ZHEN YOU XIAN GONG SI")
    assert latin.keys == name_forms("海康机械(深圳)有限公司").keys[1:] == ("haikangjixie",)
    assert latin.region == "shenzhen"


@pytest.mark.parametrize(
    ("cut", "full"),
    [  # OFX NAME keeps 32 characters; the cut falls inside the legal form or the region
        ("GE LI JI XIE 41 SHEN ZHEN YOU XI", "格力机械41(深圳)有限责任公司"),
        ("DA HUA RUAN JIAN SHEN ZHEN YOU X", "大华软件(深圳)有限公司"),
        ("SHANG HAI GE LI KE JI YOU XIAN Z", "上海格力科技有限责任公司"),
        ("CHENG DU GE LI MAO YI GU FEN YOU", "成都格力贸易股份有限公司"),
        ("SHEN ZHEN SHI BAI DU JI XIE YOU", "深圳市百度机械有限公司"),
        ("XING HE WU LIU JI XIE MAO YI SHEN", "星河物流机械贸易(深圳)有限公司"),
    ],
)
def test_pinyin_name_cut_by_the_banks_field_width_meets_its_customer(cut, full):
    assert name_forms(cut).keys[0] == name_forms(full).keys[1]


@pytest.mark.parametrize("name", ["LI YOU", "Golden Gate Trading You", "ACME SHEN"])
def test_short_names_are_not_taken_for_cut_ones(name):
    # under 30 characters no field cut them: a final "you" or "shen" is part of the name
    assert name_forms(name).keys[0] == name_forms(name).spaced.replace(" ", "")


def test_empty_name_has_no_keys():
    assert name_forms("  ").keys == ()
