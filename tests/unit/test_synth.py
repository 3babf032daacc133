"""The synthetic world: deterministic, valid against the fact model, exercising the rules."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import hezhang_rules as hz
from hezhang_rules.cli import main
from hezhang_rules.synth import build, generate, load_world, read_records, sizes_for
from hezhang_rules.synth.output import FORMATS

ROOT = Path(__file__).resolve().parents[2]
CHIEFS, YEAR, SEED = 300, 2021, 11
CHIEF_ROLES = {"general_chief", "deputy_general_chief", "river_chief"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world") / "parquet"
    generate(CHIEFS, YEAR, SEED, out)
    return out


@pytest.fixture(scope="module")
def facts(world: Path) -> hz.FactSet:
    return load_world(world)


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_arguments_give_the_same_bytes(tmp_path: Path, fmt: str) -> None:
    first = generate(CHIEFS, YEAR, SEED, tmp_path / "a", fmt)
    second = generate(CHIEFS, YEAR, SEED, tmp_path / "b", fmt)
    assert first == second
    files = _files(tmp_path / "a")
    assert files == _files(tmp_path / "b")
    assert set(files) == {f"{kind}.{fmt}" for kind in first} | {"README.md"}
    other = generate(CHIEFS, YEAR, SEED + 1, tmp_path / "c", fmt)
    assert _files(tmp_path / "c")[f"inspections.{fmt}"] != files[f"inspections.{fmt}"]
    assert other.keys() <= set(hz.FACT_KINDS)


def test_every_record_validates_and_every_reference_resolves(
    world: Path, facts: hz.FactSet
) -> None:
    counts = collections.Counter(kind for kind, _ in read_records(world))
    assert len(facts) == sum(counts.values())
    assert counts["inspections"] == round(CHIEFS * 5.8)
    for path in world.glob("*.parquet"):
        ids = pl.read_parquet(path, columns=["id"])["id"]
        assert ids.is_sorted() and ids.n_unique() == len(ids), path.name


def test_parquet_columns_follow_the_model(world: Path) -> None:
    frame = pl.read_parquet(world / "inspections.parquet")
    fields = list(hz.Inspection.model_fields)
    assert frame.columns == [f for f in fields if f in frame.columns]
    assert frame.schema["date"] == pl.Date
    assert frame.schema["duration_minutes"] == pl.Int64
    record = frame.schema["record"]
    assert isinstance(record, pl.Struct)
    assert [f.name for f in record.fields] == list(hz.InspectionRecord.model_fields)
    plans = pl.read_parquet(world / "assessment_plans.parquet")
    assert plans.schema["weights"] == pl.List(pl.Struct({"key": pl.String, "value": pl.Float64}))


def test_jsonl_and_parquet_hold_the_same_records(tmp_path: Path, world: Path) -> None:
    generate(CHIEFS, YEAR, SEED, tmp_path, "jsonl")

    def records(directory: Path) -> list[tuple[str, dict[str, object]]]:
        return [
            (kind, hz.FACT_KINDS[kind].model_validate(r).model_dump(mode="json"))
            for kind, r in read_records(directory)
        ]

    assert records(tmp_path) == records(world)
    line = (tmp_path / "assessment_plans.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert '"weights":{"u-' in line and "\\u" not in line


def test_inspections_fall_in_the_inspectors_tenure(facts: hz.FactSet) -> None:
    tenure = collections.defaultdict(list)
    for a in facts.of_kind("appointments"):
        assert isinstance(a, hz.Appointment)
        if a.role.value in CHIEF_ROLES:
            tenure[a.person].append((a.start, a.end or dt.date.max))
    for i in facts.of_kind("inspections"):
        assert isinstance(i, hz.Inspection)
        assert i.date.year == YEAR
        assert any(lo <= i.date <= hi for lo, hi in tenure[i.inspector]), i.id


def test_dates_follow_each_other(facts: hz.FactSet) -> None:
    """What the fact model does not check: later steps are not dated before earlier ones."""
    by_id = {f.id: f for f in facts}
    first_date = {"inspections": "date", "rectification_opinions": "issued",
                  "supervision_opinions": "issued", "evaluations": "date",
                  "complaint_cases": "received", "enforcement_cases": "opened",
                  "case_transfers": "date"}  # fmt: skip

    def start_of(ref: str) -> dt.date:
        f = by_id[ref]
        day = getattr(f, first_date[f.KIND])
        assert isinstance(day, dt.date)
        return day

    checked = collections.Counter()
    for f in facts:
        pairs: list[tuple[dt.date | None, dt.date | None]] = []
        if isinstance(f, hz.Appointment):
            pairs = [(f.start, f.end)]
        elif isinstance(f, hz.Meeting) and f.minutes is not None:
            pairs = [(f.date, f.minutes.issued)]
        elif isinstance(f, hz.RectificationOpinion) and f.inspection is not None:
            pairs = [(start_of(f.inspection), f.issued), (f.issued, f.deadline)]
        elif isinstance(f, hz.RectificationReport):
            pairs = [(start_of(f.responds_to), f.submitted)]
        elif isinstance(f, hz.CaseTransfer):
            pairs = [(start_of(f.case), f.date)]
        elif isinstance(f, hz.CaseResult):
            pairs = [(start_of(f.case), f.reported)]
        elif isinstance(f, hz.EnforcementCase):
            pairs = [(f.opened, f.suspected_crime_found)]
        elif isinstance(f, hz.Penalty):
            pairs = [(start_of(f.case), f.date)]
        elif isinstance(f, hz.AssessmentPlan):
            pairs = [(f.drafted, f.approved), (f.approved, f.issued)]
        elif isinstance(f, hz.SupervisionOpinion):
            pairs = [(f.issued, f.deadline)]
        for before, after in pairs:
            if before is not None and after is not None:
                assert before <= after, f.id
                checked[f.KIND] += 1
    assert checked["appointments"] and checked["rectification_reports"] and checked["meetings"]


def test_the_world_gives_compliant_and_violating_findings(facts: hz.FactSet) -> None:
    # The world's problems are found mostly by township and village chiefs, whose inspections
    # open art. 19 duties only under the wider reading of `art019.inspecting_chief_levels`.
    levels = {"art019.inspecting_chief_levels": ["district", "township", "village"]}
    plan = hz.compile_rules(
        hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"), levels
    )
    report = hz.evaluate(plan, facts, dt.date(YEAR + 1, 1, 10))
    statuses = collections.defaultdict(collections.Counter)
    for f in report.findings:
        statuses[f.rule_id][f.status] += 1
    for rule in ("art016.river_chief_half_yearly_inspection", "art018.inspection_record_elements"):
        assert statuses[rule]["violated"] > 0, rule
        assert statuses[rule]["fulfilled"] > 0, rule
    assert statuses["art019.office_issues_rectification_opinion"]["violated"] > 0
    assert len({f.article for f in report.findings}) >= 20


def test_sizes_scale_with_the_chiefs() -> None:
    world, counts = build(1000, YEAR, SEED)
    appointments = world["appointments"]
    assert isinstance(appointments, pl.DataFrame)
    chiefs = appointments.filter(pl.col("role").is_in(sorted(CHIEF_ROLES))).height
    assert 900 <= chiefs <= 1100
    assert counts["inspections"] == 5800
    national = sizes_for(1_200_000)
    assert 2_500 <= national.districts <= 3_200
    assert national.district_posts / national.posts == pytest.approx(0.02, abs=0.005)
    assert national.village_posts / national.posts == pytest.approx(0.75, abs=0.01)
    _, few = build(1000, YEAR, SEED, inspections=0)
    assert "inspections" not in few and "rectification_opinions" not in few


def test_force_replaces_an_earlier_world(tmp_path: Path) -> None:
    generate(50, YEAR, SEED, tmp_path, "jsonl")
    (tmp_path / "notes.txt").write_text("kept", encoding="utf-8")
    generate(50, YEAR, SEED, tmp_path, "parquet", force=True)
    assert not list(tmp_path.glob("*.jsonl"))
    assert (tmp_path / "notes.txt").exists() and (tmp_path / "inspections.parquet").exists()
    assert not list(tmp_path.glob(".*"))


def test_cli_writes_a_world(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["synth", "--chiefs", "50", "--year", "2022", "--seed", "3", "--out", str(tmp_path)]
    assert main([*args, "--format", "jsonl", "--inspections", "120"]) == 0
    out = capsys.readouterr().out
    assert "inspections" in out and "120" in out
    assert len((tmp_path / "inspections.jsonl").read_text(encoding="utf-8").splitlines()) == 120


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--chiefs", "abc"], "--chiefs expects a whole number, got `abc`"),
        (["--chiefs", "0"], "--chiefs must be from 10"),
        (["--chiefs", "100", "--year", "2019"], "--year must be from 2021"),
        (["--chiefs", "100", "--inspections", "-5"], "--inspections must be from 0"),
    ],
)
def test_cli_rejects_bad_arguments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    out = tmp_path / "w"
    args = ["synth", "--year", "2021", "--out", str(out), *extra]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "hz_usage_bad_synth" in err and message in err and "Traceback" not in err
    assert not out.exists()


def test_cli_refuses_a_non_empty_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "facts.yaml").write_text("people: []\n", encoding="utf-8")
    args = ["synth", "--chiefs", "50", "--year", "2021", "--out", str(tmp_path)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "hz_usage_output_not_empty" in err and "--force" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.yaml"]
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert main([*args[:-1], str(tmp_path / "file")]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    from hezhang_rules.synth import output

    def fail(path: str) -> None:
        Path(path).write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        output._atomically(tmp_path / "inspections.jsonl", fail)
    assert list(tmp_path.iterdir()) == []
