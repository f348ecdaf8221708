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


def test_empty_name_has_no_keys():
    assert name_forms("  ").keys == ()
