"""The region table in pinyin is what pypinyin says, so Latin names need not load pypinyin."""

from __future__ import annotations

import subprocess
import sys

from matching.names import CJK_REGIONS, PINYIN_REGIONS, _pinyin


def test_the_pinyin_region_table_is_pypinyins_reading_longest_first() -> None:
    assert set(PINYIN_REGIONS) == {_pinyin(r) for r in CJK_REGIONS}
    assert len(PINYIN_REGIONS) == len(set(PINYIN_REGIONS))
    lengths = [len(r) for r in PINYIN_REGIONS]
    assert lengths == sorted(lengths, reverse=True)  # "shanghai" is tried before "xian"


def test_latin_names_do_not_load_pypinyin() -> None:
    code = ("import sys\nfrom matching.names import name_forms\n"
            "f = name_forms('Shanghai Huanan Trading Co Ltd')\n"
            "assert f.region == 'shanghai', f\nprint('pypinyin' in sys.modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
