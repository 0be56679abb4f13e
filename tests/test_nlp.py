"""nlp/: normalisation, tokenisation with the user dictionary, classifier, intent router, CLI, evaluation set."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import jieba
import numpy as np
import pytest

from nlp.analyzer import Analyzer, shared_analyzer
from nlp.classify import run, text_of
from nlp.evaluate import EVAL, EVAL_TRADITIONAL, read
from nlp.industry import catalogue
from nlp.intent import Intent, family
from nlp.normalize import normalize
from nlp.script import to_traditional
from nlp.tokenize import Tokenizer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return shared_analyzer()


def test_normalize_folds_width_script_case_urls_emoji_and_spaces():
    assert normalize("ＬＦ精煉爐水冷電纜扭曲") == "lf精炼炉水冷电缆扭曲"
    assert (
        normalize("注塑件  缩痕\n\t严重 😡🔥 详见 https://example.com/a?b=1 或 www.x.cn") == "注塑件 缩痕 严重 详见 或"
    )
    assert normalize("１２３，ＡＢＣ！") == "123,abc!"
    assert normalize("   ") == ""


def test_private_tokenizer_keeps_industry_terms_whole_and_leaves_global_jieba_alone(tmp_path: Path):
    tokenizer = Tokenizer(cache_dir=tmp_path)
    assert tokenizer.cut(normalize("回转窑结圈，配电线路跳闸")) == ["回转窑", "结圈", "配电线路", "跳闸"]
    assert "铝型材" in tokenizer.cut(normalize("铝型材喷涂过程遇到氧化"))
    assert tokenizer.content_words("我们的电解槽怎么办") == ["电解槽"]  # stopwords and single characters dropped
    assert (tmp_path / "jieba.prefix.cache").exists()  # the prefix dictionary is cached for the next start
    jieba.initialize()
    assert tokenizer._jieba is not jieba.dt
    assert not jieba.dt.FREQ.get("配电线路") and not jieba.dt.FREQ.get("感应线圈")  # ours only, not the global one
    assert tokenizer._jieba.FREQ["配电线路"] > 0


@pytest.mark.parametrize(
    "text, division",
    [
        ("铝型材喷涂过程遇到氧化，皮膜厚度不均", "32"),
        ("LF精煉爐水冷電纜扭曲", "31"),
        ("感应线圈和导电板输出功率不一致", "38"),
        ("10千伏配电线路频繁跳闸", "44"),
        ("后厨上菜慢，客人投诉", "62"),
        ("高炉炉缸温度升高", "31"),
    ],
)
def test_classifier_names_division_with_reasons(analyzer: Analyzer, text: str, division: str):
    p = analyzer.analyse(text).industry
    assert p.division == division and p.section == catalogue().divisions[division].section
    assert len(p.top) == 3 and p.top[0].division == division and p.top[0].reasons
    assert 0.5 < p.confidence <= 1.0 and sum(c.score for c in p.top) <= 1.0 + 1e-6
    assert p.division_name == catalogue().divisions[division].name


def test_traditional_and_simplified_texts_get_the_same_answer(analyzer: Analyzer):
    simplified = analyzer.analyse("回转窑结圈，熟料产量下降").industry
    traditional = analyzer.analyse(to_traditional("回转窑结圈，熟料产量下降")).industry
    assert (simplified.division, simplified.confidence) == (traditional.division, traditional.confidence)


def test_text_without_industry_words_is_not_confident(analyzer: Analyzer):
    p = analyzer.analyse("生产线效率低").industry
    assert p.confidence < 0.6
    assert analyzer.analyse("").industry.evidence == 0


@pytest.mark.parametrize(
    "text, intent",
    [
        ("注塑件表面有缩痕怎么办", Intent.PROBLEM),
        ("电解槽阳极效应频繁", Intent.PROBLEM),
        ("想请劳模给新员工培训焊接", Intent.TRAINING),
        ("焊工比赛什么时候报名", Intent.COMPETITION),
        ("职工夜校怎么报名", Intent.COURSE),
        ("公司拖欠工资三个月了怎么办", Intent.WAGES),
        ("工伤认定要多久", Intent.INJURY),
        ("被公司辞退了没有补偿", Intent.LABOUR_RIGHTS),
        ("你好", Intent.GREETING),
        ("Hello", Intent.GREETING),
        ("今天天气不错", Intent.OTHER),
    ],
)
def test_intent_router(analyzer: Analyzer, text: str, intent: Intent):
    assert analyzer.analyse(text).intent is intent


def test_cli_reads_text_and_json_lines_and_writes_json_lines(analyzer: Analyzer):
    source = io.StringIO('铝型材喷涂过程遇到氧化\n{"text": "配电线路跳闸"}\n\n{"id": 3}\n{"text": ""}\n{bad json\n')
    sink = io.StringIO()
    assert run(source, sink, analyzer) == 3
    lines = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert [line.get("division") for line in lines[:4]] == ["32", "44", None, None] and len(lines) == 5
    assert lines[2] == lines[3] == {"error": "no text"} and lines[4]["text"] == "{bad json"
    first = lines[0]
    assert set(first) == {"text", "intent", "section", "section_name", "division", "division_name", "confidence", "top"}
    assert set(first["top"][0]) == {"division", "name", "score", "reasons"} and len(first["top"]) == 3
    assert text_of("{bad json") == "{bad json"  # not JSON after all: classified as plain text


@pytest.mark.slow
def test_cli_as_a_process():
    out = subprocess.run(
        [sys.executable, "-m", "nlp.classify"],
        input='回转窑结圈\n{"text": "LF精煉爐水冷電纜扭曲"}\n',
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    ).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["division"] for r in rows] == ["30", "31"] and rows[1]["text"] == "LF精煉爐水冷電纜扭曲"


def test_evaluation_set_is_real_sourced_broad_and_has_traditional_copies():
    items = read()
    assert len(items) >= 200
    assert all(i.source.startswith("http") for i in items)
    assert len({i.text for i in items}) == len(items)
    sections = {catalogue().divisions[i.division].section for i in items if i.division}
    assert len(sections) >= 12
    assert {i.intent for i in items} == {family(e.value) for e in Intent}
    with EVAL_TRADITIONAL.open(encoding="utf-8") as fh:
        copies = list(csv.DictReader(fh, delimiter="\t"))
    assert [c["text"] for c in copies] == [to_traditional(i.text) for i in items]
    assert EVAL.exists()


def test_enterprise_prior_and_equipment_in_use_point_to_the_user(analyzer: Analyzer):
    maker = analyzer.analyse("数控机床主轴异响").industry
    assert maker.section == "C"
    assert analyzer.analyse("我们医院在用的数控机床主轴异响").industry.section == "Q"
    assert analyzer.analyse("我们在用的设备主轴异响", prior="84").industry.division == "84"
    plain = {c.division: c.score for c in analyzer.analyse("我们在用的设备主轴异响").industry.top}
    lifted = {c.division: c.score for c in analyzer.analyse("我们在用的设备主轴异响", prior="Q").industry.top}
    assert lifted["84"] > plain.get("84", 0.0)  # a section prior lifts its divisions
    assert analyzer.analyse("数控机床主轴异响", prior="Z9").industry.division == maker.division  # unknown: ignored


def test_the_place_a_text_names_points_to_the_organisation_that_has_the_problem(analyzer: Analyzer):
    # equipment words of other trades, at a place the text names: the place's organisation has the problem
    village = analyzer.analyse("村里的变压器老化，电压不稳，电动机烧了好几台").industry
    assert village.division == "96" and "村里" in village.top[0].reasons
    assert analyzer.analyse("码头龙门吊电机过热").industry.section == "G"
    # the enterprise's registered industry outranks a place word
    assert analyzer.analyse("学校订的数控机床主轴异响", prior="34").industry.division == "34"


def test_a_flat_distribution_does_not_fall_to_the_section_with_most_divisions(analyzer: Analyzer):
    # manufacturing has 31 divisions: small shares summed over all of them must not outvote a clear leader
    clf = analyzer.classifier
    prob = np.full(len(clf.classes), 0.0)
    makers = [k for k, c in enumerate(clf.classes) if clf.catalogue.divisions[c].section == "C"]
    prob[makers] = 0.6 / len(makers)
    prob[clf.classes.index("48")] = 0.3
    prob[prob == 0] = 0.1 / (prob == 0).sum()
    assert prob[makers].sum() > 0.3 and clf.section_index(prob) == clf._section_codes.index("E")


def test_the_nearest_training_texts_vote_as_a_second_view(analyzer: Analyzer):
    # the shipped model keeps its training texts as postings; a training sentence finds itself and votes its division
    clf = analyzer.classifier
    assert clf.neighbours is not None
    # a row of nlp/data/train/written_services.tsv
    text = normalize("我们酒店客房的中央空调噪音大，客人投诉睡不着怎么办")
    _, index, values = clf._vector(text, analyzer.tokenizer.content_words(text))
    vote = clf.neighbours.vote(index, values, len(clf.classes))
    assert vote.sum() == pytest.approx(1.0) and clf.classes[int(vote.argmax())] == "61"
    assert vote[clf.classes.index("61")] > 0.3
    # a text that shares no feature with any training text gets no opinion from it
    empty = clf.neighbours.vote(np.array([], dtype=np.int64), np.array([]), len(clf.classes))
    assert np.allclose(empty, 1 / len(clf.classes))


def test_nothing_to_go_on_suggests_no_division(analyzer: Analyzer):
    assert analyzer.suggest_divisions(["请帮帮我们吧"]) == []
    # a CNC repair specialist: machinery (C34) or the repair of machinery (C43), never O81 (cars, phones, appliances)
    assert analyzer.suggest_divisions(["数控机床维修"])[0] in {"34", "43"}


def test_training_rows_have_sources_and_share_no_page_with_the_evaluation_sets():
    import csv

    from nlp.evaluate import EVAL, HELDOUT
    from nlp.train import read_train

    rows = read_train()
    assert rows and all(source.strip() for _, _, source in rows)
    evaluated = {r["source"] for r in csv.DictReader(EVAL.open(encoding="utf-8"), delimiter="\t")}
    listed = HELDOUT.parent / "heldout_sources.txt"
    if listed.exists():
        evaluated |= {line.strip() for line in listed.read_text(encoding="utf-8").splitlines() if line.strip()}
    if HELDOUT.exists():
        evaluated |= {r["source"] for r in csv.DictReader(HELDOUT.open(encoding="utf-8"), delimiter="\t")}
    assert not {source for _, _, source in rows} & evaluated
    # nor a page of the development set, nor any page of a site the held-out set was drawn from (a site's other pages
    # may restate the same text)
    from nlp.evaluate import DEV

    assert not {source for _, _, source in rows} & {
        r["source"] for r in csv.DictReader(DEV.open(encoding="utf-8"), delimiter="\t")
    }
    held_sites = {_site(line) for line in listed.read_text(encoding="utf-8").splitlines() if line.strip()}
    assert not [source for _, _, source in rows if source.startswith("http") and _site(source) in held_sites]
    # the same for the second held-out set: none of its pages, none of its sites
    listed2 = HELDOUT.parent / "heldout2_sources.txt"
    if listed2.exists():
        held2 = {line.strip() for line in listed2.read_text(encoding="utf-8").splitlines() if line.strip()}
        assert not {source for _, _, source in rows} & held2
        held2_sites = {_site(page) for page in held2}
        assert not [source for _, _, source in rows if source.startswith("http") and _site(source) in held2_sites]


def _site(url: str) -> str:
    from urllib.parse import urlsplit

    host = urlsplit(url.strip()).hostname or ""
    return host.removeprefix("www.")


def test_evaluation_prints_both_sets_and_copes_without_the_held_out_set(capsys):
    from nlp import evaluate

    assert evaluate.main() == 0
    out = capsys.readouterr().out
    assert "own set (in-sample vocabulary)" in out and "held-out set" in out and "non-technical recognised" in out


def test_a_training_need_is_classified_by_its_subject_not_by_the_words_of_teaching(analyzer: Analyzer):
    """A stranger's plastics factory asking for CNC programming training got "P83 教育（依据：老师、培训、一次）"."""
    analysis = analyzer.analyse("我们想请老师给车间工人做一次数控车床编程培训")
    assert analysis.intent is Intent.TRAINING
    assert analysis.industry.section == "C" and "83" not in analysis.industry.top[0].division
    for reasons in (c.reasons for c in analysis.industry.top):
        assert not {"老师", "培训", "一次"} & set(reasons)
    school = analyzer.analyse("学校机房的电脑老化，学生上机课经常死机")  # a school's own problem stays education
    assert school.industry.section == "P"
