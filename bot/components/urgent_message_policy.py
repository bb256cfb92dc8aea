"""A dialogue policy that answers an urgent message at once.

When the latest user message holds an urgent word (``urgency.URGENT_WORDS``) and no form
is active, it predicts ``action_urgent_help`` (emergency wording and an urgent escalation)
before anything else. Then it plays what the message asked for, as the usual rule would
have (``followups`` in config.yml: "家里着火了，想申请临时救助" goes on into the application
form), and ends the turn with ``action_listen`` so that no fallback follows the help.

Inside a form it stays out of the way: Rasa validates a form's answer only when the form
runs straight after the user's message, so the form's validation action handles urgent
words there itself (``actions.escalation.UrgentWordsInForms``) and the answer, like
"老伴住院了", still fills the field.

It learns nothing, so training only stores its config.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_EXTRACT_SLOTS, ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.components.urgency import urgent_words_in

URGENT_ACTION = "action_urgent_help"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class UrgentMessagePolicy(Policy):
    """Predicts the urgent-help action for a message with an urgent word."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Above every built-in policy (RulePolicy is 4), so a tie at 1.0 is ours.
            "priority": 7,
            # intent -> the actions its rule starts with, played after the urgent help
            "followups": {},
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage,
                 resource: Resource, execution_context: ExecutionContext,
                 featurizer: Any = None) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None,
                                     **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = next_action(tracker, self.config.get("followups") or {})
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        # Marked as not depending on the user's message: the ensemble then ranks it with
        # RulePolicy's "go on with the active form" prediction, which would win otherwise.
        return self._prediction(probabilities, is_no_user_prediction=True)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> UrgentMessagePolicy:
        return cls(config, model_storage, resource, execution_context)


def actions_since_user_message(tracker: DialogueStateTracker) -> list[str]:
    """The actions run since the latest user message, oldest first."""
    names: list[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name \
                and event.action_name != ACTION_EXTRACT_SLOTS:
            names.append(event.action_name)
    return names[::-1]


def next_action(tracker: DialogueStateTracker, followups: dict[str, list[str]]) -> str | None:
    """The action this policy insists on, or None to leave the turn to the others."""
    message = tracker.latest_message
    done = actions_since_user_message(tracker)
    if not done:
        text = (message.text if message else "") or ""
        if tracker.active_loop_name or not urgent_words_in(text):
            return None
        return URGENT_ACTION
    if done[0] != URGENT_ACTION:
        return None
    intent = (message.intent.get("name") if message else None) or ""
    plan = list(followups.get(intent) or [])
    played = done[1:]
    if played == plan[:len(played)] and len(played) < len(plan):
        return plan[len(played)]
    return None if tracker.active_loop_name else ACTION_LISTEN_NAME
