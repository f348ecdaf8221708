"""Name normalisation (leaf layer): payer and customer names to comparable keys.

`name_forms(name)` folds full-width characters and case (NFKC + casefold), drops punctuation,
expands common abbreviations, strips legal forms (Ltd, Limited, Inc., LLC, GmbH, S.A., Pty Ltd,
有限公司, 股份有限公司, 有限责任公司, and their pinyin) and splits off a Chinese region
(北京, 上海, (深圳) ..., also in pinyin, before the name or after it as banks write
华为技术(深圳)有限公司). Chinese names also get a pinyin key (pypinyin), so a bank that writes
the payer in Latin letters still meets the customer. Nothing here raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u9fff]")
_PUNCT_JOIN = re.compile(r"[.'’`´]")
_NON_WORD = re.compile(r"[^\w\u3400-\u9fff]+")
_PARENS = re.compile(r"\(([^)]*)\)")

LATIN_FORMS = (
    "gmbh and co kg", "gmbh and co", "and co kg", "and co", "and company", "co ltd",
    "co limited", "company limited", "pty ltd", "pte ltd",
    "sdn bhd", "sp z o o", "limited", "ltd", "inc", "incorporated", "llc", "l l c", "llp",
    "lp", "plc", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "ab",
    "as", "aps", "pty", "pte", "corp", "corporation", "co", "company", "kk", "ug", "se", "sl",
    "co lt", "co l", "lt", "limite", "limit", "limi", "gmb", "corporatio", "corporati",
)  # fmt: skip
CJK_FORMS = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "集团", "公司")
CJK_REGIONS = (
    "北京", "上海", "天津", "重庆", "深圳", "广州", "杭州", "南京", "苏州", "成都", "武汉",
    "西安", "香港", "澳门", "台湾", "广东", "浙江", "江苏", "山东", "福建", "厦门", "宁波",
    "青岛", "大连", "沈阳", "长沙", "郑州", "合肥", "济南", "昆明", "无锡", "东莞", "佛山",
    "珠海", "河北", "河南", "湖北", "湖南", "四川", "辽宁", "吉林", "黑龙江", "安徽", "江西",
    "山西", "陕西", "云南", "贵州", "广西", "海南", "甘肃", "内蒙古", "新疆", "西藏", "宁夏",
    "青海", "中国",
)  # fmt: skip
ABBREVIATIONS = {
    "intl": "international", "tech": "technology", "technologies": "technology",
    "svcs": "services", "svc": "service", "mfg": "manufacturing", "bros": "brothers",
    "assoc": "associates", "und": "and", "et": "and", "mgmt": "management",
}  # fmt: skip
_FORMS_LONGEST_FIRST = tuple(sorted(LATIN_FORMS, key=len, reverse=True))
# The pinyin of CJK_REGIONS, longest first (checked against pypinyin by
# tests/matching/test_names_pinyin_table.py): Latin names are split without loading
# pypinyin's dictionary (about 0.3 s of CPU per process).
PINYIN_REGIONS = (
    "heilongjiang", "zhengzhou", "chongqing", "neimenggu", "guangzhou", "guangdong", "xianggang",
    "changsha", "zhejiang", "xinjiang", "shandong", "shenzhen", "liaoning", "shenyang",
    "dongguan", "zhongguo", "hangzhou", "shanghai", "nanjing", "qinghai", "kunming", "jiangxi",
    "guizhou", "beijing", "qingdao", "chengdu", "sichuan", "guangxi", "ningxia", "jiangsu",
    "tianjin", "zhuhai", "foshan", "xiamen", "ningbo", "dalian", "shanxi", "xizang", "taiwan",
    "yunnan", "hainan", "suzhou", "fujian", "hunan", "hubei", "jinan", "anhui", "hefei", "aomen",
    "jilin", "gansu", "wuhan", "henan", "hebei", "xian", "wuxi",
)  # fmt: skip
_REGION_RANK = {reg: n for n, reg in reversed(list(enumerate(PINYIN_REGIONS)))}
_REGION_LENGTHS = sorted({len(reg) for reg in PINYIN_REGIONS})
_PINYIN_FORMS = ("gufenyouxiangongsi", "youxianzerengongsi", "jituanyouxiangongsi",
                 "youxiangongsi", "jituan", "gongsi")  # fmt: skip
# Bank name fields are 32 (OFX NAME), 35 (SWIFT, SEPA lines) or more characters wide: a name at
# least this long may have been cut inside its legal form ("... SHEN ZHEN YOU XI").
CUT_NAME_MIN = 30


@dataclass(frozen=True)
class NameForms:
    """Comparable forms of one name. `keys` are space-free; `region` is '' when none."""

    spaced: str
    keys: tuple[str, ...]
    region: str


@lru_cache(maxsize=64)
def _pinyin(text: str) -> str:
    # imported here: pypinyin loads its phrase dictionary (~0.3 s) and most callers of this
    # module (fold_name on every service start-up) never need it
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text)).lower()




def fold_name(name: str) -> str:
    """The payer-name key everything shares (matcher, learned aliases): NFKC, casefold, '&' as
    'and', punctuation dropped, spaces collapsed. ``name_forms`` builds on it."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = _PUNCT_JOIN.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def _strip_latin_forms(words: list[str]) -> list[str]:
    words = [ABBREVIATIONS.get(w, w) for w in words]
    if words[:1] == ["the"]:
        words = words[1:]
    changed = True
    while changed and len(words) > 1:
        changed = False
        tail = " ".join(words)
        for form in _FORMS_LONGEST_FIRST:
            if tail.endswith(" " + form):
                words = words[: len(words) - len(form.split())]
                changed = True
                break
    return words


def _strip_cjk(name: str) -> tuple[str, str]:
    text = unicodedata.normalize("NFKC", name).casefold()
    region = ""
    for inner in _PARENS.findall(text):  # 华为技术(深圳)有限公司: region in parentheses
        if inner.rstrip("市") in CJK_REGIONS:
            region = inner.rstrip("市")
            text = text.replace(f"({inner})", "", 1)
    text = _NON_WORD.sub("", text).replace("_", "")
    for reg in CJK_REGIONS:
        if text.startswith(reg) and len(text) > len(reg) + 1:
            region = region or reg
            text = text[len(reg) :].removeprefix("市")
            break
    for form in CJK_FORMS:  # also cut forms: 有限公 (a 35-character field ended there)
        cut = next((n for n in range(len(form), 1, -1) if text.endswith(form[:n])), 0)
        if cut and len(text) > cut + 1:
            text = text[:-cut]
            break
    return text, region


def _strip_cut_pinyin(key: str) -> str:
    """A pinyin legal form or region cut by the bank's field width: its first three or more
    letters at the end of the key are taken off ("...youxi", "...shenzh")."""
    for forms in (_PINYIN_FORMS, PINYIN_REGIONS):
        for n in range(min(len(key) - 4, max(map(len, forms)) - 1), 2, -1):
            tail = key[-n:]
            if any(f.startswith(tail) and f != tail for f in forms):
                return key[:-n]
    return key


def _split_pinyin_region(key: str) -> tuple[str, str]:
    for form in _PINYIN_FORMS:
        if key.endswith(form) and len(key) > len(form) + 2:
            key = key[: -len(form)]
            break
    # the first region of PINYIN_REGIONS that starts the key (then: ends it), found by looking
    # up the key's heads and tails of each region length instead of trying all 56 regions
    fits = [n for n in _REGION_LENGTHS if len(key) - n >= 4]
    head = min((_REGION_RANK[key[:n]] for n in fits if key[:n] in _REGION_RANK), default=None)
    if head is not None:
        reg = PINYIN_REGIONS[head]
        rest = key[len(reg) :]
        return (rest[3:], reg) if rest.startswith("shi") else (rest, reg)
    # 华为技术(深圳)有限公司 as HUA WEI JI SHU SHEN ZHEN ...
    tail = min((_REGION_RANK[key[-n:]] for n in fits if key[-n:] in _REGION_RANK), default=None)
    if tail is not None:
        reg = PINYIN_REGIONS[tail]
        return key[: -len(reg)], reg
    return key, ""


@lru_cache(maxsize=200_000)
def name_forms(name: str) -> NameForms:
    """Normalised forms of a payer or customer name ('' when the name is empty)."""
    folded = fold_name(name)
    if not folded:
        return NameForms("", (), "")
    if _CJK.search(folded):
        core, region = _strip_cjk(name)
        py = _pinyin(core)
        region_py = _pinyin(region) if region else ""
        return NameForms(core, (core, py) if py != core else (core,), region_py)
    words = _strip_latin_forms(folded.split())
    key = "".join(words)
    if len(name.strip()) >= CUT_NAME_MIN:
        key = _strip_cut_pinyin(key)
    key, region = _split_pinyin_region(key)
    return NameForms(" ".join(words), (key,), region)
