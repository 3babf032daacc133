"""The command line's help and argparse's own usage errors in Chinese.

The help of every option is written in English where the option is declared (each command's
``add_parser``); :data:`HELP_ZH` gives each such text its Chinese, keyed by the English, and
:func:`localise` puts the Chinese in place when the command line speaks Chinese (``--lang zh``
or ``$HEZHANG_LANG``, read before the parser is built). A help text with no entry here stays
English; a test lists every such text, so a new option is not left untranslated unnoticed.
Argparse's own words (``usage:``, its section titles, its error messages) are translated here
too: argparse builds them with ``gettext``, which only a process-wide catalogue would change.
"""

from __future__ import annotations

import argparse
import re

HELP_ZH: dict[str, str] = {
    # argparse's own
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示程序版本号并退出",
    # the program and its commands
    "《清河门区河长制工作管理办法》 as executable policy": (
        "《清河门区河长制工作管理办法》的可执行规则"
    ),
    "evaluate rules over facts at an as-of date": "在基准日按规则审查事实",
    "explain one finding: rule, text, facts, readings, remedy": (
        "解释一条结论：规则、条文、事实、解读与补救办法"
    ),
    "list open (pending) obligations per holder by due date": (
        "按责任主体和期限列出尚未了结（待办）的义务"
    ),
    "check rule files: schema, meaning, source articles, conflicts, reachability, unused "
    "parameters, case coverage, clause register": (
        "检查规则文件：结构、含义、来源条文、冲突、可达性、未用参数、案例覆盖与条款登记"
    ),
    "run case files (facts, as-of, expected findings)": "运行案例文件（事实、基准日、预期结论）",
    "print the clause register (every sentence, how covered)": (
        "打印条款登记表（每一句及其涵盖方式）"
    ),
    "write the coverage table (docs/coverage.md)": "写出覆盖表（docs/coverage.md）",
    "print a JSON Schema": "打印 JSON Schema",
    "write a deterministic synthetic world (fact tables) for benchmarks": (
        "写出确定性的合成世界（事实表），用于基准测试"
    ),
    "write facts as fact tables (Parquet, JSON lines, CSV or an xlsx workbook) or into "
    "a database": "把事实写成事实表（Parquet、JSON 行、CSV 或 xlsx 工作簿）或写入数据库",
    "copy a pack's example district (fact files) into a new folder, to audit it": (
        "把规则包的示例辖区（事实文件）复制到新文件夹，以便审计"
    ),
    "list the runs a findings store holds": "列出检查结果存档中的各次运行",
    "list new breaches, fixed ones and other status changes between two runs or reports": (
        "列出两次运行或两份报告之间新增的违规、已纠正的违规和其他状态变化"
    ),
    # the findings store (docs/store.md)
    "a findings store: sqlite:///PATH or postgresql://USER@HOST[:PORT]/DB (docs/store.md)": (
        "检查结果存档：sqlite:///路径 或 postgresql://用户@主机[:端口]/库名（见 docs/store.md）"
    ),
    "record the run and its findings in this findings store (sqlite:///PATH or "
    "postgresql://USER@HOST[:PORT]/DB; docs/store.md); html and xlsx then show what "
    "changed since the last run": (
        "把本次运行及其结论存入该检查结果存档（sqlite:///路径 或 "
        "postgresql://用户@主机[:端口]/库名；见 docs/store.md）；html 和 xlsx 报告随之列出"
        "自上次运行以来的变化"
    ),
    "the earlier side: a run of --store (a number, last or previous) or a report file "
    "(json, jsonl or parquet)": (
        "较早的一方：--store 存档中的一次运行（编号、last 或 previous），或一份报告文件"
        "（json、jsonl 或 parquet）"
    ),
    "the later side, as A": "较晚的一方，写法同 A",
    "count advisory findings as breaches too (by default only mandatory ones)": (
        "一般性要求（advisory）的结论也算作违规（默认只算强制性结论）"
    ),
    "the statuses that make a breach (default: those the later run recorded, else the "
    "pack's breach_statuses)": (
        "视为违规的状态（默认：较晚一次运行存档时记录的状态，否则为规则包参数 breach_statuses）"
    ),
    # options shared by several commands
    "exit 1 when a mandatory finding has one of these statuses, e.g. violated or "
    "violated,fulfilled_late (default: the pack's breach_statuses)": (
        "任一强制性结论处于所列状态之一时以退出码 1 结束，例如 violated 或 "
        "violated,fulfilled_late（默认：规则包参数 breach_statuses）"
    ),
    "let advisory findings fail the gate too (by default only mandatory ones do)": (
        "一般性要求（advisory）的结论也计入退出码判定（默认只计强制性结论）"
    ),
    "the audit date, YYYY-MM-DD": "审计基准日，YYYY-MM-DD",
    "a rule pack folder, or the name of an installed pack (default: $HEZHANG_RULES_DIR if set, "
    "else the bundled pack qinghemen)": (
        "规则包文件夹，或已安装规则包的名称（默认：若设置了 $HEZHANG_RULES_DIR 则用它，"
        "否则用自带的规则包 qinghemen）"
    ),
    "an overlay pack refining the --rules pack for its jurisdiction (a town's measures, a "
    "department's plan: art. 37), folder or installed name; repeatable": (
        "细化 --rules 规则包、适用于其辖区的叠加规则包（镇的实施办法、部门的实施方案："
        "第三十七条），文件夹或已安装的名称；可重复"
    ),
    "override a parameter, e.g. art034.results_due_inclusive=false": (
        "覆盖一个参数，例如 art034.results_due_inclusive=false"
    ),
    "change an input limit, e.g. max_bytes=1000000 (docs/limits.md)": (
        "修改一项输入上限，例如 max_bytes=1000000（见 docs/limits.md）"
    ),
    "a waiver file (YAML or JSON, docs/waivers.md): approved exceptions that make the findings "
    "they name `waived` while in force": (
        "豁免文件（YAML 或 JSON，见 docs/waivers.md）：经批准的例外，在有效期内将其所指的检查结果"
        "记为“已豁免”"
    ),
    "fact files (.yaml/.yml/.json) or directories": "事实文件（.yaml/.yml/.json）或目录",
    "fact files (.yaml/.yml/.json) or directories, or a folder of fact tables": (
        "事实文件（.yaml/.yml/.json）或目录，或事实表文件夹"
    ),
    "auto (default: columnar for fact tables and for 100,000 fact records or more, else "
    "records), columnar, or records (every fact as a pydantic record, the batch evaluator); all "
    "give the same report": (
        "auto（默认：事实表及10万条以上的事实记录用列式引擎，其余用记录引擎）、columnar 或 "
        "records（每条事实作为 pydantic 记录，即批量评估器）；三者给出相同的报告"
    ),
    "fact files (.yaml/.yml/.json) or directories, or fact tables": (
        "事实文件（.yaml/.yml/.json）或目录，或事实表"
    ),
    "list only findings of these statuses, e.g. violated,fulfilled_late (text, markdown, json, "
    "jsonl; the report says which were left out)": (
        "只列出这些状态的结论，例如 violated,fulfilled_late（适用于 text、markdown、json、"
        "jsonl；报告会说明略去了哪些）"
    ),
    # monitor
    "stream facts (JSON lines) through the live monitor: events as they arise, then the report": (
        "以实时监控处理事实流（JSON 行）：随时输出事件，最后输出报告"
    ),
    "the report's format (default json, as check --format json)": (
        "报告格式（默认 json，与 check --format json 相同）"
    ),
    "the report's language": "报告语言",
    "write the events (JSON lines, as they arise) here instead of standard output": (
        "将事件（JSON 行，随时产生）写入此文件，而不是标准输出"
    ),
    "write the report here (atomically) when the stream ends; without it the report is written "
    "to standard output only when --events takes the events elsewhere": (
        "事实流结束时将报告（原子地）写入此文件；不指定时，仅当 --events 将事件写往别处时，"
        "报告才写到标准输出"
    ),
    # check
    "fact files (.yaml/.yml/.json) or directories, or a folder of fact tables (<kind>.parquet "
    "/ <kind>.jsonl, e.g. from `hezhang-rules synth`), or one database (sqlite:///PATH, "
    "postgresql://USER@HOST/DB)": (
        "事实文件（.yaml/.yml/.json）或目录，或事实表文件夹（<kind>.parquet / <kind>.jsonl，"
        "例如由 `hezhang-rules synth` 生成），或一个数据库（sqlite:///路径、"
        "postgresql://用户@主机/库名）"
    ),
    "for fact tables: columnar (default) or records (every row as a pydantic record, the batch "
    "evaluator); both give the same report": (
        "用于事实表：columnar（默认）或 records（每行作为一条 pydantic 记录，用批量求值器）；"
        "两者给出相同的报告"
    ),
    "write the report here (atomically) instead of stdout": (
        "把报告（原子地）写到这里，而不是标准输出"
    ),
    "assessment weights file (YAML; default: every rule weighs 1)": (
        "考核权重文件（YAML；默认每条规则权重为 1）"
    ),
    "to-do warning window in days for html and xlsx (default 30)": (
        "html 和 xlsx 中待办提醒的天数窗口（默认 30）"
    ),
    # explain
    "a finding id, e.g. art016.river_chief_half_yearly_inspection/p-zhao-wenbo/2021-H2": (
        "结论 id，例如 art016.river_chief_half_yearly_inspection/p-zhao-wenbo/2021-H2"
    ),
    # todo
    "mark obligations due within DAYS of the as-of date (default 30)": (
        "标出自基准日起 DAYS 天内到期的义务（默认 30）"
    ),
    "write here (atomically) instead of stdout": "（原子地）写到这里，而不是标准输出",
    # lint
    "case files that must give every rule a compliant and a violating case (default: the "
    "pack's cases/ folder, else tests/golden next to it, if any)": (
        "须为每条规则各提供一个合规案例和一个违规案例的案例文件（默认：规则包的 cases/ 文件夹，"
        "否则为旁边的 tests/golden，如有）"
    ),
    "do not check rule coverage by case files": "不检查案例文件对规则的覆盖",
    # test
    "case files or directories (default: the pack's cases/, else tests/golden next to it; with "
    "--overlay, the overlays' cases/)": (
        "案例文件或目录（默认：规则包的 cases/，否则为旁边的 tests/golden；给了 --overlay 时，"
        "为叠加规则包的 cases/）"
    ),
    "evaluator to run the cases on, repeatable (default: batch; known: batch, columnar, "
    "monitor)": "运行案例所用的求值器，可重复（默认 batch；已知：batch、columnar、monitor）",
    # coverage
    "golden case directory (default: the pack's cases/, else tests/golden next to it)": (
        "黄金案例目录（默认：规则包的 cases/，否则为旁边的 tests/golden）"
    ),
    "write here instead of stdout": "写到这里，而不是标准输出",
    # monitor
    "FACTS.jsonl, or - for standard input": "FACTS.jsonl，或用 - 表示标准输入",
    "the clock at end of input, YYYY-MM-DD": "输入结束时的时钟，YYYY-MM-DD",
    "follow: the clock moves to each fact's date as it arrives (default); end: only at the "
    "end of input": "follow：每条事实到达时时钟走到它的日期（默认）；end：只在输入结束时",
    "due-soon warning window (default 14)": "即将到期提醒的天数窗口（默认 14）",
    # synth
    "chief appointments (≈)": "河长任职数（约）",
    "the year of records (2021-2099)": "记录所属年份（2021-2099）",
    "random seed (default 0)": "随机种子（默认 0）",
    "output directory (new or empty)": "输出目录（新目录或空目录）",
    "inspections in the year (default: 5.8 per chief, 7 million for 1.2 million)": (
        "当年的巡查次数（默认：每位河长 5.8 次，120 万位河长即 700 万次）"
    ),
    "write into a DIR holding a world (tables, README.md, nothing else), replacing it": (
        "写入已存有一个世界（仅含表和 README.md）的 DIR，并替换它"
    ),
    "Build a synthetic world of N chiefs for year Y and write one file per fact kind "
    "(<kind>.parquet or <kind>.jsonl) into DIR. Same arguments, same bytes.": (
        "为 Y 年生成有 N 位河长的合成世界，每种事实写一个文件（<kind>.parquet 或 "
        "<kind>.jsonl）到 DIR 中。参数相同，字节相同。"
    ),
    # tables
    "write into a folder holding fact tables (and nothing else), or over a fact database, "
    "replacing them": "写入只存有事实表的文件夹，或覆盖事实数据库，并替换其中的表",
    "fact files (.yaml/.yml/.json) or directories, a folder of fact tables, or a database "
    "address": "事实文件（.yaml/.yml/.json）或目录、事实表文件夹，或数据库地址",
    "the folder to write <kind>.<format> (or facts.xlsx) into; for sqlite the database "
    "file, for postgresql the database address": (
        "写入 <kind>.<format>（或 facts.xlsx）的文件夹；sqlite 时为数据库文件，"
        "postgresql 时为数据库地址"
    ),
    # db
    "the database layout of facts": "事实在数据库中的布局",
    "print the SQL that creates the fact tables (generated from the model)": (
        "打印建立事实表的 SQL（由事实模型生成）"
    ),
    # example
    "a new (or empty) folder to write the example's files into": (
        "写入示例文件的新文件夹（或空文件夹）"
    ),
    "the pack (default: qinghemen)": "规则包（默认：qinghemen）",
}
"""Every help text of the command line, English → Chinese."""

_TITLES_ZH = {"positional arguments": "位置参数", "options": "选项"}

# argparse's own usage errors (Python 3.11-3.13), each with its Chinese.
_ERRORS_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(en), zh)
    for en, zh in (
        (r"the following arguments are required: (?P<a>.*)", r"缺少必需的参数：\g<a>"),
        (r"unrecognized arguments: (?P<a>.*)", r"无法识别的参数：\g<a>"),
        (r"one of the arguments (?P<a>.*) is required", r"参数 \g<a> 须给出其一"),
        (
            r"ambiguous option: (?P<o>\S*) could match (?P<m>.*)",
            r"有歧义的选项：\g<o> 可能是 \g<m>",
        ),
        (r"unexpected option string: (?P<o>.*)", r"意外的选项：\g<o>"),
        (
            r"argument (?P<a>\S+): invalid choice: (?P<v>.*) \(choose from (?P<c>.*)\)",
            r"参数 \g<a>：无效的选项 \g<v>（可选：\g<c>）",
        ),
        (
            r"argument (?P<a>\S+): invalid (?P<t>\S+) value: (?P<v>.*)",
            r"参数 \g<a>：无效的值 \g<v>",
        ),
        (r"argument (?P<a>\S+): expected one argument", r"参数 \g<a>：需要一个值"),
        (r"argument (?P<a>\S+): expected at most one argument", r"参数 \g<a>：最多一个值"),
        (r"argument (?P<a>\S+): expected at least one argument", r"参数 \g<a>：至少一个值"),
        (r"argument (?P<a>\S+): expected (?P<n>\d+) arguments?", r"参数 \g<a>：需要 \g<n> 个值"),
        (
            r"argument (?P<a>\S+): not allowed with argument (?P<b>\S+)",
            r"参数 \g<a>：不能与参数 \g<b> 同时使用",
        ),
        (
            r"argument (?P<a>\S+): ignored explicit argument (?P<v>.*)",
            r"参数 \g<a>：忽略了多余的值 \g<v>",
        ),
    )
)


def error_zh(message: str) -> str:
    """One of argparse's usage errors in Chinese; one it does not know is said generally."""
    for pattern, zh in _ERRORS_ZH:
        m = pattern.fullmatch(message)
        if m:
            return m.expand(zh)
    return "命令行有误"


def usage_zh(text: str) -> str:
    """Argparse's usage line (or help) with its ``usage:`` prefix in Chinese."""
    return text.replace("usage: ", "用法：", 1) if text.startswith("usage: ") else text


def localise(parser: argparse.ArgumentParser) -> None:
    """Put the Chinese of every help text, description and section title of ``parser`` and
    of its subcommands in place (a text with no Chinese in :data:`HELP_ZH` stays English)."""
    parser.description = _zh(parser.description)
    parser.epilog = _zh(parser.epilog)
    for group in parser._action_groups:
        group.title = _TITLES_ZH.get(group.title or "", group.title)
    for action in parser._actions:
        action.help = _zh(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                choice.help = _zh(choice.help)
            for sub in dict.fromkeys(action.choices.values()):
                localise(sub)


def _zh(text: str | None) -> str | None:
    return HELP_ZH.get(text, text) if text else text


def untranslated(parser: argparse.ArgumentParser) -> list[str]:
    """Every help text and description of ``parser`` and its subcommands with no Chinese."""
    out = [t for t in (parser.description, parser.epilog) if t and t not in HELP_ZH]
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS and action.help not in HELP_ZH:
            out.append(action.help)
        if isinstance(action, argparse._SubParsersAction):
            out += [c.help for c in action._choices_actions if c.help and c.help not in HELP_ZH]
            for sub in dict.fromkeys(action.choices.values()):
                out += untranslated(sub)
    return sorted(set(out))
