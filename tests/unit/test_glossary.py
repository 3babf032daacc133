"""The one glossary (issue 19, item 3): every enumerated value has a Chinese and an English name,
and reports name values through it, never by their code."""

from __future__ import annotations

import re

import pytest

from hezhang_rules.facts.enums import ENUMS, GLOSSARY, in_order, term
from hezhang_rules.report.i18n import param_value, terms

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", sorted(ENUMS))
def test_every_value_of_every_enumeration_has_both_names(name: str) -> None:
    values = [m.value for m in ENUMS[name]]
    assert list(GLOSSARY.get(name, {})) == values  # complete, nothing extra, in the enum's order
    for code in values:
        zh, en = GLOSSARY[name][code]
        assert HAN.search(zh), (name, code)  # a Chinese name, not the code
        assert en and not HAN.search(en) and "_" not in en, (name, code)  # English words


def test_chinese_names_are_unique_within_an_enumeration() -> None:
    for name, words in GLOSSARY.items():
        zh = [w[0] for w in words.values()]
        assert len(zh) == len(set(zh)), name


def test_a_value_of_two_enumerations_is_named_by_its_own() -> None:
    assert term("department", "zh", "UnitType") == "区政府有关部门"
    assert term("department", "zh", "SupervisionLevel") == "部门督察督办"
    assert term("platform", "zh", "ComplaintChannel") == "网络平台"
    assert term("platform", "zh", "DisclosureChannel") == "河长制信息管理平台"
    assert term("other", "zh", "InspectionMethod") == "其他方式"
    assert term("other", "zh") == "其他"  # enumeration unknown: the generic word
    assert term(ENUMS["Role"]("river_chief"), "en") == "river chief"  # a member names its own


def test_flags_null_and_unknown_values() -> None:
    assert [term(v, "zh") for v in (True, False, None)] == ["是", "否", "未载明"]
    assert [term(v, "en") for v in (True, False, None)] == ["yes", "no", "not recorded"]
    assert term("not_a_value", "zh") == "not_a_value"  # shown as written, never dropped


def test_lists_follow_the_enumerations_order() -> None:
    methods = ["other", "site_survey", "report_hearing"]
    assert in_order(methods, "InspectionMethod") == ["report_hearing", "site_survey", "other"]
    assert terms(methods, "zh", "InspectionMethod") == "听取汇报、查勘现场、其他方式"
    assert terms(methods, "en", "InspectionMethod") == "hearing reports, site survey, other method"


def test_parameter_values_for_people() -> None:
    assert param_value(["district", "township"], "zh", "JurisdictionLevel") == "区级、乡镇级"
    assert param_value(["district", "township"], "en", "JurisdictionLevel") == "district, township"
    assert param_value([True, None], "zh") == "是、未载明"
    assert param_value(True, "en") == "true"  # English: as written
    assert param_value(["water", "水利"], "zh") == "`water`、水利"  # free text: codes marked
    assert param_value(30, "zh") == "30"
