"""Jieba tokenizer for the assistant's Chinese NLU pipeline.

Rasa 3.6's `JiebaTokenizer` has three rough edges that this subclass smooths:

* jieba returns whitespace as tokens (``"我叫 Tom"`` -> ``我 / 叫 / " " / Tom``); those
  tokens carry no meaning and shift the context windows of featurizers and the CRF.
  They are dropped here.
* ``dictionary_path`` must be a directory whose every file is loaded as a jieba user
  dictionary; a wrong path silently loads nothing. Here it fails loudly instead.
* The model fingerprint only sees the path string, so editing the dictionary would not
  retrain the model. Here the dictionary contents are part of the fingerprint.

The user dictionary format is one ``word frequency part-of-speech`` entry per line, with
no comment lines (jieba would load a comment as a word).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, cast

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

DICTIONARY_PATH = "dictionary_path"


def _dictionary_files(directory: Path) -> list[Path]:
    """Returns the files jieba will load from ``directory``, in a stable order."""
    return sorted(path for path in directory.glob("*") if path.is_file())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class CleanJiebaTokenizer(JiebaTokenizer):
    """`JiebaTokenizer` without whitespace tokens and with a checked user dictionary."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CleanJiebaTokenizer:
        """Creates the tokenizer, refusing a dictionary path that is not a directory."""
        dictionary_path = config.get(DICTIONARY_PATH)
        if dictionary_path is not None:
            directory = Path(dictionary_path)
            if not directory.is_dir():
                raise ValueError(
                    f"'{DICTIONARY_PATH}' must be a directory of jieba user dictionaries, "
                    f"got '{dictionary_path}' (relative paths start at the working "
                    "directory)."
                )
            if not _dictionary_files(directory):
                raise ValueError(f"The jieba dictionary directory '{dictionary_path}' is empty.")
        # `JiebaTokenizer.create` builds `cls(...)`, so this is an instance of this class.
        tokenizer = super().create(config, model_storage, resource, execution_context)
        return cast(CleanJiebaTokenizer, tokenizer)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Makes the model retrain when a user dictionary file changes."""
        dictionary_path = config.get(DICTIONARY_PATH)
        if dictionary_path is None:
            return None
        digest = hashlib.sha256()
        for path in _dictionary_files(Path(dictionary_path)):
            digest.update(path.name.encode("utf-8"))
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokenizes like jieba, then drops whitespace-only tokens.

        A text made only of whitespace keeps its tokens, so that no message ever ends
        up with an empty token list (the same guarantee `WhitespaceTokenizer` gives).
        """
        tokens = super().tokenize(message, attribute)
        kept = [token for token in tokens if token.text.strip()]
        return kept or tokens
