"""Pools of Chinese names and record texts, and vectorised builders of names from them.

Everything is invented: place names are two syllables from a pool plus a suffix (镇, 村 …),
people a common surname and one or two given-name characters. Texts are phrases typical of
river chief platforms (巡河内容, 发现问题, 整改要求), picked per record.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from hezhang_rules.synth.columns import IntArray, choose, pick

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红飞鹏辉建国志文博海波宁斌凯雪峰岩慧东"
    "晓立新宏春燕帆亮林浩宇晨欣怡佳俊丹琳婷松柏德福喜庆安康"
)
PLACE_SYLLABLES = list(
    "清河门阜新东西南北中大小新老上下前后高安平和兴隆福寿康宁永长丰庆泰顺昌盛太白黄青红金银石山"
    "水泉溪湖林桥沟岭岗屯堡营庄台湾坝口杨柳榆树松花桃李马牛羊鹿龙凤"
)
RIVER_STEMS = list("清细柳浑太辽沙白黑青黄绕大小新老南北东西凌汤蒲饶碧玉长双滦渭泾洛汾")
RIVER_SUFFIXES = ["河", "河", "河", "河", "沟", "川", "溪"]

CONTENTS = [
    "河道保洁及沿河垃圾清理情况",
    "“清四乱”专项整治推进情况",
    "入河排污口排查及整治情况",
    "河道非法采砂巡查",
    "汛前河道行洪障碍排查",
    "汛期堤防险工险段巡查",
    "冰封期河道安全巡查",
    "沿河畜禽养殖污染排查",
    "河湖岸线占用情况核查",
    "河长公示牌设置及信息更新情况",
    "“一河一策”实施方案落实情况",
    "村级河长履职及巡河台账",
    "沿河违章建筑排查",
    "河道水质及断面监测情况",
    "上次巡查问题整改落实情况",
]
HEARING_CONTENTS = [
    "听取乡镇河长制工作汇报",
    "审阅巡河台账及问题整改资料",
    "召开河长制工作座谈会",
    "现场办公协调解决重点难点问题",
]
PROBLEMS = [
    "河道内堆放生活垃圾",
    "岸坡零星白色垃圾",
    "河道管理范围内违规种植作物",
    "河道管理范围内违建大棚",
    "入河排污口未规范设置",
    "沿河住户生活污水直排",
    "河道内非法采砂痕迹",
    "堤防被挖毁",
    "河长公示牌信息未更新",
    "沿河畜禽养殖粪污入河",
    "河道行洪障碍未清除",
    "河湖岸线被非法占用",
]
REQUIREMENTS = [
    "限期完成垃圾清运并建立河道保洁长效机制",
    "拆除违建并恢复河道原貌",
    "会同生态环境部门完成排污口封堵或规范设置",
    "完成沿河住户生活污水截流，杜绝直排",
    "加强夜间巡查，严厉打击非法采砂",
    "及时更新河长公示牌信息",
    "汛前完成行洪障碍清除",
    "建立问题台账，逐项整改销号",
]
ROUTINE_REQUIREMENTS = [
    "保持巡河频次，做好巡河记录",
    "村级河长加强日常巡查",
    "区河长办跟踪督办",
]
INDICATORS = ["河长巡河完成率", "问题整改销号率", "河道保洁覆盖率", "入河排污口整治完成率"]
STANDARDS = ["完成率100%得满分，每低1个百分点扣1分", "问题按期销号率≥95%得满分"]
DECISIONS = [
    "部署本年度河长制重点工作",
    "开展“清四乱”专项整治行动",
    "汛前完成河道行洪障碍排查",
    "入河排污口年内完成溯源整治",
]


def place_names(rng: np.random.Generator, n: int, suffixes: list[str]) -> pl.Series:
    """Two syllables and a suffix (河西镇, 东梁村 …)."""
    a = rng.integers(0, len(PLACE_SYLLABLES), n).astype(np.int64)
    b = rng.integers(0, len(PLACE_SYLLABLES), n).astype(np.int64)
    s = rng.integers(0, len(suffixes), n).astype(np.int64)
    return join(pick(PLACE_SYLLABLES, a), pick(PLACE_SYLLABLES, b), pick(suffixes, s))


def person_names(rng: np.random.Generator, n: int) -> pl.Series:
    """A surname and one (30 %) or two given-name characters."""
    sur = rng.integers(0, len(SURNAMES), n).astype(np.int64)
    g1 = rng.integers(0, len(GIVEN), n).astype(np.int64)
    g2 = rng.integers(0, len(GIVEN) + len(GIVEN) * 3 // 7, n).astype(np.int64)
    second = pick([*GIVEN, *[""] * (len(GIVEN) * 3 // 7)], g2)
    return join(pick(SURNAMES, sur), pick(GIVEN, g1), second)


def river_names(rng: np.random.Generator, n: int) -> pl.Series:
    stem = rng.integers(0, len(RIVER_STEMS), n).astype(np.int64)
    suffix = choose(rng, n, [1.0] * len(RIVER_SUFFIXES))
    return join(pick(RIVER_STEMS, stem), pick(RIVER_SUFFIXES, suffix))


def join(*parts: pl.Series | str) -> pl.Series:
    """Concatenate string series (and literals) element-wise."""
    return pl.select(pl.concat_str([pl.lit(p) for p in parts])).to_series()


def as_list(*items: pl.Series) -> pl.Series:
    """One list per row of the given items; null items are left out."""
    return pl.select(pl.concat_list([pl.lit(s) for s in items]).list.drop_nulls()).to_series()


def pool_index(rng: np.random.Generator, pool: list[str], n: int) -> IntArray:
    return rng.integers(0, len(pool), n).astype(np.int64)
