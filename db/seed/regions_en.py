"""Build ``regions_en.csv`` (code → English name) from ``regions.csv``: ``python -m db.seed.regions_en``.

Provinces carry their official English names (SOURCE.md); cities and counties are written in Hanyu Pinyin by
pypinyin, with the kind of place in English after it ("Wujiang District", "Deqing County"; a city and a
county-level city are its name alone: "Suzhou", "Kunshan"). The bot reads the CSV it writes, never pypinyin.
"""

from __future__ import annotations

import csv
import re

from db.seed.places import SEED, read_seed

TARGET = SEED.with_name("regions_en.csv")

# The official English names of the 34 province-level divisions (State Council and each government's own usage).
PROVINCES = {
    "110000": "Beijing", "120000": "Tianjin", "130000": "Hebei", "140000": "Shanxi", "150000": "Inner Mongolia",
    "210000": "Liaoning", "220000": "Jilin", "230000": "Heilongjiang", "310000": "Shanghai", "320000": "Jiangsu",
    "330000": "Zhejiang", "340000": "Anhui", "350000": "Fujian", "360000": "Jiangxi", "370000": "Shandong",
    "410000": "Henan", "420000": "Hubei", "430000": "Hunan", "440000": "Guangdong", "450000": "Guangxi",
    "460000": "Hainan", "500000": "Chongqing", "510000": "Sichuan", "520000": "Guizhou", "530000": "Yunnan",
    "540000": "Xizang", "610000": "Shaanxi", "620000": "Gansu", "630000": "Qinghai", "640000": "Ningxia",
    "650000": "Xinjiang", "710000": "Taiwan", "810000": "Hong Kong", "820000": "Macao",
}  # fmt: skip

# Syllables pypinyin reads wrongly in place names (a character read otherwise in common words).
READINGS = {
    "朝阳": [["cháo"], ["yáng"]],
    "乐亭": [["lào"], ["tíng"]],
    "乐清": [["yuè"], ["qīng"]],
    "长子": [["zhǎng"], ["zǐ"]],
    "单县": [["shàn"], ["xiàn"]],
}

# Names whose English form is not their pinyin: Mongolian, Uyghur and Tibetan names in their established spelling
# (the form the local governments use in English), and a reading pypinyin cannot know for a lone character.
NAMES = {
    "哈尔滨市": "Harbin", "齐齐哈尔市": "Qiqihar", "呼和浩特市": "Hohhot", "鄂尔多斯市": "Ordos",
    "呼伦贝尔市": "Hulunbuir", "乌兰察布市": "Ulanqab", "巴彦淖尔市": "Bayannur", "锡林郭勒盟": "Xilingol League",
    "阿拉善盟": "Alxa League", "海拉尔区": "Hailar District", "乌鲁木齐市": "Urumqi", "克拉玛依市": "Karamay",
    "吐鲁番市": "Turpan", "哈密市": "Hami", "阿克苏地区": "Aksu Prefecture", "喀什地区": "Kashgar Prefecture",
    "和田地区": "Hotan Prefecture", "阿勒泰地区": "Altay Prefecture", "伊犁哈萨克自治州": "Ili Autonomous Prefecture",
    "拉萨市": "Lhasa", "日喀则市": "Xigaze", "单县": "Shan County",
}  # fmt: skip

# The kind of place a name ends in, longest first, and how it is said in English ("" = the name alone).
KINDS = [
    ("自治州", "Autonomous Prefecture"), ("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"),
    ("新区", "New Area"), ("特区", "Special District"), ("林区", "Forestry District"), ("地区", "Prefecture"),
    ("区", "District"), ("县", "County"), ("旗", "Banner"), ("盟", "League"), ("市", ""),
]  # fmt: skip

# The peoples named in autonomous places' names (民族): left out of the English form ("Yanbian Autonomous Prefecture").
PEOPLES = [
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    "各",
]
_PEOPLES = re.compile(
    "(?:" + "|".join(sorted((p + "族" for p in PEOPLES), key=len, reverse=True)) + "|蒙古|哈萨克|柯尔克孜)+$"
)  # 博尔塔拉蒙古自治州, 克孜勒苏柯尔克孜自治州: some names leave out 族


def pinyin(han: str) -> str:
    """``han`` in Hanyu Pinyin as a place name is written: one word, capitalised, an apostrophe before a syllable
    that starts with a, o or e ("Xi'an", "Lu'an")."""
    from pypinyin import lazy_pinyin, load_phrases_dict  # a build-time tool: the bot never imports it

    load_phrases_dict(READINGS)
    first, *rest = lazy_pinyin(han)
    return (first + "".join(("'" + s if s[0] in "aoe" else s) for s in rest)).capitalize()


def english(code: str, name: str) -> str:
    """A division's English name: the official one of a province, else pinyin and its kind."""
    if code in PROVINCES:
        return PROVINCES[code]
    if name in NAMES:
        return NAMES[name]
    for suffix, kind in KINDS:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            if suffix.startswith("自治"):
                base = _PEOPLES.sub("", base) or base.removesuffix("族")  # 鄂温克族自治旗: the people is the name
            if len(base) < 2 and suffix == "区":  # 城区, 郊区, 矿区: the one-character name keeps its suffix's sound
                base = name
            return " ".join(filter(None, [pinyin(base), kind]))
    return pinyin(name)


def main() -> None:
    with TARGET.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name_en"])
        for place in read_seed():
            writer.writerow([place.code, english(place.code, place.name)])


if __name__ == "__main__":
    main()
