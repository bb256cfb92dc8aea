"""Policy answers: the data in policy_docs/, retrieval and abstention, and the two actions."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import policy_search
from actions.policy import ActionAnswerPolicy, ActionShowArticle
from actions.policy_lexicon import Analyzer, is_other_region
from actions.policy_search import PolicyIndex, SearchConfig
from actions.policy_texts import BACKGROUND, IN_FORCE, Document, FaqEntry, PolicyLibrary, Unit, library, load_library

REPO = Path(__file__).resolve().parents[2]
POLICY_DOCS = REPO / "policy_docs"
SHARED_SOURCES = REPO.parent / "shared" / "policy_sources"
MONEY_RE = re.compile(r"\d[\d,.]*\s*(万元|元|块)|[一二三四五六七八九十百千万两]+(万元|元|块钱)")


def raw_articles() -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((POLICY_DOCS / "articles").glob("*.yml"))]


def raw_faq() -> list[dict[str, Any]]:
    return yaml.safe_load((POLICY_DOCS / "faq.yml").read_text(encoding="utf-8"))["entries"]


def tracker(text: str, entities: list[dict[str, Any]] | None = None,
            slots: dict[str, Any] | None = None) -> Tracker:
    parse = {"text": text, "intent": {"name": "ask_policy", "confidence": 0.9}, "entities": entities or []}
    return Tracker.from_dict({"sender_id": "policy-test", "slots": slots or {}, "latest_message": parse,
                              "events": [{"event": "user", "text": text, "parse_data": parse}]})


# ------------------------------------------------------------------ data

def test_every_faq_cite_resolves_to_an_article_unit() -> None:
    units = {(doc["short_name"], unit["label"]): doc["status"] for doc in raw_articles() for unit in doc["units"]}
    missing = [(e["id"], c) for e in raw_faq() for c in e["cites"] if (c["doc"], c["unit"]) not in units]
    assert not missing
    for entry in raw_faq():  # the main basis is in force; background texts only ever add to it
        assert units[(entry["cites"][0]["doc"], entry["cites"][0]["unit"])] == IN_FORCE, entry["id"]


def test_faq_shape() -> None:
    entries = raw_faq()
    assert len(entries) >= 60
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        assert len(entry["questions"]) >= 2, entry["id"]
        assert 1 <= entry["answer"].count("。") <= 3, entry["id"]
        assert 1 <= len(entry["cites"]) <= 3, entry["id"]


def test_faq_states_no_unsourced_money_amount() -> None:
    for entry in raw_faq():
        if MONEY_RE.search(entry["answer"]):
            assert entry.get("other_sources"), f"{entry['id']} gives an amount without its source"
    amount = next(e for e in raw_faq() if e["id"] == "amount")["answer"]
    assert "补差" in amount and "区县民政局" in amount


def test_article_files() -> None:
    docs = {d["short_name"]: d for d in raw_articles()}
    assert {n for n, d in docs.items() if d["status"] == BACKGROUND} == {
        "城市居民最低生活保障条例", "农村五保供养工作条例", "流浪乞讨人员救助管理办法"}
    counts = {n: sum(1 for u in d["units"] if u["label"].endswith("条")) for n, d in docs.items()}
    assert counts["社会救助暂行办法"] == 70
    assert counts["最低生活保障审核确认办法"] == 42
    assert counts["特困人员认定办法"] == 29
    assert counts["刚性支出困难家庭认定办法"] == 14
    assert counts["重庆市城乡居民最低生活保障条例"] == 39
    for doc in docs.values():
        assert doc["source"].startswith("<!-- source:") and doc["source"].endswith("-->")
        assert all(re.fullmatch(r"[a-z0-9-]+", u["id"]) for u in doc["units"])
        assert all("::: " not in u["text"] and "**" not in u["text"] for u in doc["units"])


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason="the shared policy sources are not next to the repo")
def test_converter_reproduces_the_committed_files(tmp_path: Path) -> None:
    sys.path.insert(0, str(POLICY_DOCS))
    try:
        import build_articles
    finally:
        sys.path.remove(str(POLICY_DOCS))
    build_articles.build(SHARED_SOURCES, tmp_path)
    for built in sorted(tmp_path.glob("*.yml")):
        assert built.read_text(encoding="utf-8") == (POLICY_DOCS / "articles" / built.name).read_text(encoding="utf-8")
    assert build_articles.build(SHARED_SOURCES, tmp_path) == []  # idempotent


def test_import_does_no_heavy_work() -> None:
    code = ("import sys, actions.policy, actions.policy_search as s; "
            "assert s._index is None and 'jieba' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


# ------------------------------------------------------------------ retrieval

@pytest.mark.parametrize(("question", "faq_id"), [
    ("我妈一个人住在农村，莫得收入，能吃低包不", "elderly_alone"),
    ("屋头有台小轿车还能申请低保吗", "vehicle"),
    ("对民政局不批低保的决定不服啷个办", "appeal"),
    ("低保户找到工作了会不会马上停", "gradual_exit"),
    ("特因人员可以去敬老院住不", "tekun_form"),
    ("签授权书有啥子用", "authorization"),
    ("帮我老汉儿代办低保要啥手续", "helper_apply"),
    ("骗低保会被罚款吗", "false_info"),
    ("低保一个月好多钱", "amount"),
    ("存款有五万还能办低保吗", "deposit"),
    ("我是外省户口能不能在重庆申请低保", "nonlocal_hukou"),
    ("入户调查的人来了要看啥", "home_visit"),
])
def test_colloquial_questions_find_their_entry(question: str, faq_id: str) -> None:
    result = policy_search.answer(question)
    assert result.best is not None and result.best.key == faq_id


@pytest.mark.parametrize("question", [
    "上海的低保标准是多少", "成都特困供养金有多少", "广东临时救助怎么申请", "北京户口怎么落",
])
def test_other_provinces_abstain(question: str) -> None:
    result = policy_search.answer(question)
    assert result.abstain and result.reason == "other_region"


@pytest.mark.parametrize("question", [
    "明天会不会下雨", "怎么办理护照", "股票今天涨了吗", "帮我写一首诗", "医保个人账户怎么用", "",
])
def test_out_of_scope_abstains(question: str) -> None:
    assert policy_search.answer(question).abstain


@pytest.mark.parametrize("question", [
    "我户口在四川，在重庆住了十年，能在重庆办低保吗", "女儿在上海上班，我一个人在家能吃低保吗",
])
def test_people_elsewhere_are_not_other_provinces(question: str) -> None:
    assert not is_other_region(question)
    assert not policy_search.answer(question).abstain


@pytest.fixture(scope="module")
def analyzer() -> Iterator[Analyzer]:
    yield Analyzer()


def _tiny_library() -> PolicyLibrary:
    """An in-force document and a background one, with one unit each and no FAQ."""
    new = Document("new", "新办法", "新办法", IN_FORCE, "", "<!-- source: test -->")
    old = Document("old", "旧条例", "旧条例", BACKGROUND, "", "<!-- source: test -->")
    units = [
        Unit("new-1", "第一条", None, "第一条　申请低保要向乡镇人民政府提出书面申请。", new),
        Unit("old-1", "第一条", None, "第一条　五保供养对象的丧葬事宜由村民委员会办理，供给粮油和燃料。", old),
        Unit("old-2", "第二条", None, "第二条　申请低保要由村民委员会评议后上报。", old),
    ]
    dummy = FaqEntry("dummy", ("天气怎么样",), "这是测试。", (units[0],))
    return PolicyLibrary({"新办法": new, "旧条例": old}, {u.id: u for u in units}, (dummy,))


def test_background_unit_alone_is_no_answer(analyzer: Analyzer) -> None:
    index = PolicyIndex(_tiny_library(), SearchConfig(), analyzer)
    result = index.answer("五保供养对象的丧葬事宜和粮油燃料")
    assert result.abstain and result.reason == "background_only"
    assert all(not h.background_unit for h in result.hits)


def test_background_unit_only_beside_an_in_force_one(analyzer: Analyzer) -> None:
    index = PolicyIndex(_tiny_library(), SearchConfig(), analyzer)
    result = index.answer("申请低保要向乡镇提出书面申请还是村民委员会评议")
    assert not result.abstain
    assert result.units and result.units[0].in_force
    assert result.hits[0].in_force_unit


def test_real_article_answers_lead_with_an_in_force_unit() -> None:
    for question in ("社会救助资金可不可以挪用", "五保供养对象死了丧葬谁办", "流浪乞讨人员救助站提供什么"):
        result = policy_search.answer(question)
        if result.units:
            assert result.units[0].in_force
            assert [u.in_force for u in result.units] == sorted((u.in_force for u in result.units), reverse=True)


# ------------------------------------------------------------------ actions

async def test_answer_cites_document_and_article() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerPolicy().run(dispatcher, tracker("家里有车能办低保吗"), {})
    assert events == []
    [message] = dispatcher.messages
    assert "依据：《重庆市城乡居民最低生活保障条例》第十三条" in message["text"]
    payloads = [b["payload"] for b in message["buttons"]]
    assert '/show_article{"article_id":"cqdb2016-13"}' in payloads
    ids = [re.search(r'"article_id":"([^"]+)"', p).group(1) for p in payloads]
    assert all(i in library().units for i in ids)


async def test_article_answer_quotes_and_cites() -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerPolicy().run(dispatcher, tracker("社会救助资金能不能被挪用"), {})
    [message] = dispatcher.messages
    assert "依据：《社会救助暂行办法》第五条" in message["text"]
    assert "不得挤占挪用" in message["text"]


async def test_abstention_offers_a_person() -> None:
    for question in ("今天天气怎么样", "上海低保一个月多少钱"):
        dispatcher = CollectingDispatcher()
        await ActionAnswerPolicy().run(dispatcher, tracker(question), {})
        [message] = dispatcher.messages
        assert message["text"].startswith("这个问题我答不准")
        assert "依据" not in message["text"]
        assert message["buttons"] == [{"title": "转人工", "payload": "/request_human"}]


async def test_button_payload_asks_for_the_question() -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerPolicy().run(dispatcher, tracker("/ask_policy"), {})
    [message] = dispatcher.messages
    assert "政策问题" in message["text"] and not message["buttons"]


async def test_show_article_prints_text_and_source() -> None:
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "article_id", "value": "shjz2019-9"}]
    message_tracker = tracker('/show_article{"article_id":"shjz2019-9"}', entities)
    events = await ActionShowArticle().run(dispatcher, message_tracker, {})
    [message] = dispatcher.messages
    assert message["text"].startswith("《社会救助暂行办法》第九条")
    assert "第九条　国家对共同生活的家庭成员人均收入低于当地最低生活保障标准" in message["text"]
    assert "来源：source: github.com/LawRefBook/Laws" in message["text"]
    assert events == [{"event": "slot", "timestamp": None, "name": "article_id", "value": None}]


async def test_show_article_from_slot_and_unknown_id() -> None:
    dispatcher = CollectingDispatcher()
    await ActionShowArticle().run(dispatcher, tracker("/show_article", slots={"article_id": "tkrd2021-5"}), {})
    assert "《特困人员认定办法》第五条" in dispatcher.messages[0]["text"]
    dispatcher = CollectingDispatcher()
    await ActionShowArticle().run(dispatcher, tracker("/show_article", slots={"article_id": "nope-1"}), {})
    assert dispatcher.messages[0]["buttons"] == [{"title": "转人工", "payload": "/request_human"}]


def test_library_loads_from_disk() -> None:
    lib = load_library()
    assert lib.unit_by_label("社会救助暂行办法", "第九条") is lib.units["shjz2019-9"]
    assert lib.units["wubao2006-6"].citation().endswith("（旧规定，仅供参考）")
