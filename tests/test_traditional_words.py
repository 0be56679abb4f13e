"""Taiwan's forms without the computer vocabulary (the newcomer's LANG=zh_TW run, item 2): OpenCC's s2twp wrote
分区办事处 as the disk's "分割槽辦事處", 国家行政区划代码 as "程式碼", 向项目所在地 as "專案", 账号 as "賬號". Every
catalogue text and every GB/T 4754 industry name and note is converted in every traditional variant and checked for
the known-bad forms (each allowed only where the source itself says the word that gives it)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from i18n import catalogue, localise
from nlp.script import TRADITIONAL_VARIANTS, to_traditional

# the bad form → the simplified words that may honestly give it (None: no word of ours does)
BAD = {
    "割槽": None,  # 分区 as a disk partition
    "程式碼": ("源代码", "程序代码"),  # 代码 (行政区划代码, 信用代码, 行业代码) is 代碼
    "專案": ("专案",),  # 项目: a construction project's 工程項目, a settings item
    "稽核": ("稽核", "审计"),  # 审核 (an application reviewed) is 審核
    "裝置": ("装置",),  # 设备 (equipment) is 設備
    "型別": None,  # 类型
    "物件": ("物件",),  # 对象 (a broadcast's audience) is 對象
    "繫結": None,  # 绑定 (a Telegram account linked)
    "除錯": None,  # 调试 (a machine commissioned)
    "許可權": None,  # 权限
    "高階": ("高阶",),  # 高级工, 高级中等教育
    "釋出": ("释出",),  # 发布 (a competition published)
    "遮蔽": ("遮蔽",),  # 屏蔽 (people who blocked the bot)
    "社群": ("社群",),  # 社区 (a neighbourhood)
    "新增劑": None,  # 添加剂 (a food additive)
    "韌體": ("固件",),  # 紧固件 (a fastener) read 紧/固件
    "指標織": None,  # 针织 read 指针/织
    "引數": None,  # 参数 (a physical parameter)
    "剪下": ("剪下",),  # 剪切 (shearing metal)
    "排程": ("排程",),  # 调度 (dispatching)
    "調變": None,  # 调制 (prepared by mixing)
    "零元件": None,  # 零组件
    "效能": ("效能",),  # 性能 (a material's properties)
}
TAIWAN_ONLY = {"賬": None}  # 帳號, 帳戶 in Taiwan


def bad_forms(source: str, converted: str, bad: dict[str, tuple[str, ...] | None]) -> list[str]:
    return [form for form, honest in bad.items() if form in converted and not any(w in source for w in honest or ())]


def industry_texts() -> list[str]:
    path = Path(__file__).parent.parent / "nlp" / "data" / "gbt4754_2017.csv"
    with path.open(encoding="utf-8") as file:
        return [text for row in csv.DictReader(file) for text in (row["name"], row["desc"]) if text]


@pytest.mark.parametrize("variant", sorted(TRADITIONAL_VARIANTS))
def test_no_catalogue_text_takes_a_computer_word_in_any_traditional_variant(variant):
    found = {}
    for key, entry in catalogue().items():
        bad = {**BAD, **(TAIWAN_ONLY if variant == "zh-tw" else {})}
        if forms := bad_forms(entry["zh-hans"], entry[variant], bad):
            found[key] = (forms, entry[variant])
    assert not found, found


def test_no_industry_name_or_note_takes_a_computer_word_in_taiwan():
    found = [(text, localise(text, "zh-tw")) for text in industry_texts()]
    assert not [(s, c, f) for s, c in found if (f := bad_forms(s, c, BAD | TAIWAN_ONLY))]


@pytest.mark.parametrize(
    ("simplified", "taiwan"),
    [
        ("香港工联会各分区办事处", "香港工聯會各分區辦事處"),
        ("国家行政区划代码", "國家行政區劃代碼"),
        ("向项目所在地或单位所在地", "向項目所在地或單位所在地"),
        ("Telegram 账号", "Telegram 帳號"),
        ("通用设备制造业", "通用設備製造業"),
        ("紧固件制造", "緊固件製造"),
        ("软件开发", "軟體開發"),  # the software words stay Taiwan's
        ("发送 /help 查看", "傳送 /help 檢視"),
    ],
)
def test_the_newcomers_words_in_taiwans_forms(simplified, taiwan):
    assert to_traditional(simplified, "zh-tw") == taiwan


def test_hong_kong_keeps_its_forms():
    assert to_traditional("香港工联会各分区办事处；Telegram 账号", "zh-hk") == "香港工聯會各分區辦事處；Telegram 賬號"
