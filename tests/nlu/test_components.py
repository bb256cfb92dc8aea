"""The custom NLU components, run for real on real text (no model training needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.validation import validate
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import read_yaml_file

from bot.components.jieba_tokenizer import CleanJiebaTokenizer
from bot.components.linear_intent_classifier import LinearSvmIntentClassifier

ROOT = Path(__file__).resolve().parents[2]
DICTIONARY = ROOT / "bot" / "jieba"


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    directory = tmp_path / "model"
    directory.mkdir()
    return LocalModelStorage(directory)


@pytest.fixture
def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name="test")


def make_tokenizer(
    storage: LocalModelStorage, context: ExecutionContext, dictionary: Path | None = DICTIONARY
) -> CleanJiebaTokenizer:
    config = {
        **CleanJiebaTokenizer.get_default_config(),
        "dictionary_path": None if dictionary is None else str(dictionary),
    }
    return CleanJiebaTokenizer.create(config, storage, Resource("tokenizer"), context)


def tokens_of(tokenizer: CleanJiebaTokenizer, text: str) -> list[Token]:
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    return message.get(TOKENS_NAMES[TEXT])


# --- CleanJiebaTokenizer ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["我叫 Tom 要申请低保", "低保  查询\t进度", "  我想申请  特困 "])
def test_mixed_text_gives_no_whitespace_tokens(
    storage: LocalModelStorage, context: ExecutionContext, text: str
) -> None:
    tokens = tokens_of(make_tokenizer(storage, context), text)

    assert tokens
    assert all(token.text.strip() == token.text != "" for token in tokens)
    # Offsets still point into the original text.
    assert all(text[token.start : token.end] == token.text for token in tokens)


def test_latin_words_survive_next_to_chinese(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    texts = [token.text for token in tokens_of(make_tokenizer(storage, context), "我叫 Tom 要申请低保")]

    assert texts == ["我", "叫", "Tom", "要", "申请", "低保"]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("低保边缘的标准是多少", "低保边缘"),
        ("我住在两江新区", "两江新区"),
        ("户口在重庆高新区", "重庆高新区"),
        ("我在万盛经开区", "万盛经开区"),
        ("石柱土家族自治县的", "石柱土家族自治县"),
        ("我的签署码丢了", "签署码"),
        ("我要转人工", "转人工"),
        ("我想申请临时救助", "临时救助"),
        ("我是低包户", "低包户"),
    ],
)
def test_user_dictionary_words_stay_one_token(
    storage: LocalModelStorage, context: ExecutionContext, text: str, word: str
) -> None:
    assert word in [token.text for token in tokens_of(make_tokenizer(storage, context), text)]


def test_whitespace_only_text_keeps_its_tokens(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    assert tokens_of(make_tokenizer(storage, context), "   ")


def test_dictionary_path_must_be_a_directory(
    storage: LocalModelStorage, context: ExecutionContext, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="directory"):
        make_tokenizer(storage, context, DICTIONARY / "userdict.txt")
    with pytest.raises(ValueError, match="directory"):
        make_tokenizer(storage, context, tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="empty"):
        make_tokenizer(storage, context, tmp_path / "empty")


def test_fingerprint_follows_dictionary_contents(tmp_path: Path) -> None:
    dictionary = tmp_path / "jieba"
    dictionary.mkdir()
    (dictionary / "words.txt").write_text("低保 2000 n\n", encoding="utf-8")
    config = {"dictionary_path": str(dictionary)}
    before = CleanJiebaTokenizer.fingerprint_addon(config)

    assert CleanJiebaTokenizer.fingerprint_addon(config) == before
    (dictionary / "words.txt").write_text("低保 2000 n\n特困 2000 n\n", encoding="utf-8")
    assert CleanJiebaTokenizer.fingerprint_addon(config) != before
    assert CleanJiebaTokenizer.fingerprint_addon({"dictionary_path": None}) is None


def test_dictionary_is_persisted_and_loaded(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    tokenizer = make_tokenizer(storage, context)
    resource = tokenizer.train(TrainingData())

    with storage.read_from(resource) as directory:
        assert (directory / "userdict.txt").is_file()
    config = {**CleanJiebaTokenizer.get_default_config(), "dictionary_path": str(DICTIONARY)}
    loaded = CleanJiebaTokenizer.load(config, storage, resource, context)
    assert "两江新区" in [token.text for token in tokens_of(loaded, "我在两江新区")]


# --- LinearSvmIntentClassifier ----------------------------------------------------------

EXAMPLES = {
    "apply": ["我想申请低保", "怎么申请特困", "帮我申请临时救助", "我要办低保", "申请低保边缘"],
    "check_progress": ["我的申请到哪一步了", "低保批下来没有", "查一下进度", "审核进度怎么样"],
    "request_human": ["转人工", "我要找人工客服", "找个真人", "人工服务"],
}


def featurize_pipeline(
    storage: LocalModelStorage, context: ExecutionContext
) -> tuple[CleanJiebaTokenizer, list[CountVectorsFeaturizer]]:
    tokenizer = make_tokenizer(storage, context)
    featurizers = [
        CountVectorsFeaturizer.create(
            {**CountVectorsFeaturizer.get_default_config(), **config},
            storage,
            Resource(f"featurizer{index}"),
            # Like in a Rasa graph, each featurizer has its own node name.
            ExecutionContext(GraphSchema({}), node_name=f"featurizer{index}"),
        )
        for index, config in enumerate(
            [{}, {"analyzer": "char", "min_ngram": 1, "max_ngram": 2}]
        )
    ]
    return tokenizer, featurizers


def train_classifier(
    storage: LocalModelStorage, context: ExecutionContext, examples: dict[str, list[str]]
) -> tuple[LinearSvmIntentClassifier, Resource, CleanJiebaTokenizer, list[CountVectorsFeaturizer]]:
    tokenizer, featurizers = featurize_pipeline(storage, context)
    training_data = TrainingData(
        [Message(data={TEXT: text, INTENT: intent}) for intent, texts in examples.items()
         for text in texts]
    )
    tokenizer.process_training_data(training_data)
    for featurizer in featurizers:
        featurizer.train(training_data)
        featurizer.process_training_data(training_data)
    classifier = LinearSvmIntentClassifier.create({}, storage, Resource("classifier"), context)
    resource = classifier.train(training_data)
    return classifier, resource, tokenizer, featurizers


def classify(
    classifier: LinearSvmIntentClassifier,
    tokenizer: CleanJiebaTokenizer,
    featurizers: list[CountVectorsFeaturizer],
    text: str,
) -> Message:
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    for featurizer in featurizers:
        featurizer.process([message])
    classifier.process([message])
    return message


def test_classifier_predicts_and_ranks(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    classifier, _, tokenizer, featurizers = train_classifier(storage, context, EXAMPLES)

    for text, intent in [("我想申请特困", "apply"), ("进度查一下", "check_progress"),
                         ("人工客服", "request_human")]:
        message = classify(classifier, tokenizer, featurizers, text)
        ranking = message.get("intent_ranking")
        assert message.get(INTENT)["name"] == intent
        assert ranking[0] == message.get(INTENT)
        assert [entry["confidence"] for entry in ranking] == sorted(
            (entry["confidence"] for entry in ranking), reverse=True
        )
        assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)


def test_classifier_survives_persist_and_load(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    classifier, resource, tokenizer, featurizers = train_classifier(storage, context, EXAMPLES)
    loaded = LinearSvmIntentClassifier.load({}, storage, resource, context)

    original = classify(classifier, tokenizer, featurizers, "低保批了没有").get("intent_ranking")
    assert classify(loaded, tokenizer, featurizers, "低保批了没有").get("intent_ranking") == original


@pytest.mark.parametrize("intents", [["apply", "request_human"], ["apply"]])
def test_classifier_handles_two_and_one_intents(
    storage: LocalModelStorage, context: ExecutionContext, intents: list[str]
) -> None:
    examples = {intent: EXAMPLES[intent] for intent in intents}
    classifier, _, tokenizer, featurizers = train_classifier(storage, context, examples)

    message = classify(classifier, tokenizer, featurizers, "我要找人工客服")
    assert message.get(INTENT)["name"] == intents[-1]
    assert len(message.get("intent_ranking")) == len(intents)


@pytest.mark.parametrize("text", ["", "   ", "？！", "hello"])
def test_classifier_answers_texts_some_featurizers_skip(
    storage: LocalModelStorage, context: ExecutionContext, text: str
) -> None:
    # The word featurizer finds no word in these; its block must become zeros, not vanish.
    classifier, _, tokenizer, featurizers = train_classifier(storage, context, EXAMPLES)

    message = classify(classifier, tokenizer, featurizers, text)
    assert message.get(INTENT)["name"] in EXAMPLES


def test_untrained_classifier_leaves_messages_alone(
    storage: LocalModelStorage, context: ExecutionContext
) -> None:
    classifier = LinearSvmIntentClassifier.load({}, storage, Resource("nothing"), context)
    message = Message(data={TEXT: "你好"})

    classifier.process([message])
    assert message.get(INTENT) is None


# --- config.yml -------------------------------------------------------------------------


def test_project_config_builds_a_valid_nlu_graph() -> None:
    config = read_yaml_file(ROOT / "config.yml")
    recipe = DefaultV1Recipe()
    model_configuration = recipe.graph_config_for_recipe(
        config, cli_parameters={}, training_type=TrainingType.NLU
    )

    validate(model_configuration)
    component_classes = {node.uses for node in model_configuration.train_schema.nodes.values()}
    assert CleanJiebaTokenizer in component_classes
    assert LinearSvmIntentClassifier in component_classes
