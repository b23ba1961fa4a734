"""Deterministic demo content for the revisioned API: five datasets of LLM-evaluation items with
real histories (items imported, then curated over the following days: edits, archives,
restores), inside PostHog's quotas. Fixed seeds and timestamps, so every run is identical.

- "Support answers": 587 items (close to the 600-item quota), provenance on every third,
  client item ids on every fifth, about thirty items with 3-6 versions, a few archived.
- "RAG answer faithfulness": 80 traced items, some relabelled.
- "Tool-calling regression suite": the tricky text the UI must show safely (Rich markup,
  terminal escapes, bidi overrides, very long strings), a few revised.
- "Onboarding email drafts": 12 items iterated through 3-6 versions each.
- "Prompt experiments (old)": an archived dataset.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from phtui.server.demo_data import (
    MODELS,
    OPENERS,
    PLANS,
    PRODUCTS,
    RAG_TOPICS,
    SUPPORT_INTENTS,
    SYSTEM_PROMPT,
    TRICKY_CASES,
)
from phtui.server.revisioned import bulk, content
from phtui.server.revisioned.history import Content, History, ItemState
from phtui.server.revisioned.store import RevisionedStore
from phtui.server.store import Store

BASE = datetime(2026, 7, 6, 8, 30, 12, 417000, tzinfo=UTC)
SUPPORT_ITEMS = 587

# Text that must never be interpreted by the terminal or by Rich: markup, escapes, bidi.
EXTRA_TRICKY: list[tuple[str, Any, str]] = [
    (
        "Open the attachment invoice_\u202egnp.exe please",  # RIGHT-TO-LEFT OVERRIDE
        "Never open executables; the name is disguised with a bidi override (U+202E).",
        "bidi-override",
    ),
    (
        "Isolates: \u2067\u05e9\u05dc\u05d5\u05dd\u2069 and \u2066left\u2069 mixed in one line",
        {"content": "Both isolates are shown as typed; nothing is reordered outside them."},
        "bidi-isolate",
    ),
    (
        "Progress bar from my logs: \x1b[2K\r[=====>    ] 55%\x1b[?25l",
        {"content": "Those are cursor-control escapes from a terminal; they are shown as text."},
        "control-chars",
    ),
    (
        "A [link=https://example.com]link[/link] and [/] stray closing tags [/bold]",
        "Rich markup in user text must stay literal: [link=...] is not a link here.",
        "markup",
    ),
    (
        "Translate this one very long line: " + "lorem ipsum dolor sit amet " * 220,
        {"content": "Translated (5,940 characters in, one line out)."},
        "long-input",
    ),
]
ONBOARDING_STEPS = [
    ("welcome", "Write the first email a new Hedgebox Business admin receives."),
    ("invite", "Remind an admin who has not invited any teammate after 3 days."),
    ("storage", "Tell a user they have used 80% of their storage."),
    ("sso", "Explain how to turn on SAML SSO to an Enterprise admin."),
    ("mobile", "Suggest installing the mobile app after a week of desktop use."),
    ("sharing", "Encourage sharing a first folder with a client."),
    ("security", "Ask an admin to require two-factor authentication."),
    ("billing", "Warn that a trial ends in 2 days."),
    ("versions", "Introduce version history after a user restores a file."),
    ("api", "Point a developer to the API docs after they create a key."),
    ("feedback", "Ask for feedback after 30 days."),
    ("winback", "Win back an account that has been inactive for 60 days."),
]
TONES = ["friendly", "concise", "formal", "playful", "plain"]


@dataclass
class _Curation:
    """Changes to make after import, kept in time order when applied."""

    changes: list[tuple[datetime, int, Callable[[ItemState], tuple[Content | None, bool]]]] = field(
        default_factory=list
    )

    def add(
        self, at: datetime, index: int, change: Callable[[ItemState], tuple[Content | None, bool]]
    ) -> None:
        self.changes.append((at, index, change))


def _hex(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))


def _edit(**updates: Any) -> Callable[[ItemState], tuple[Content | None, bool]]:
    """New content: the given fields replaced (metadata keys merged)."""

    def change(item: ItemState) -> tuple[Content | None, bool]:
        current = item.content
        metadata = {**content.load(current.metadata), **updates.get("metadata", {})}
        expected = updates.get("expected_output", content.load(current.expected_output))
        return (
            Content(
                content.stored(updates.get("input", content.load(current.input))),
                content.stored_or_null(expected),
                content.stored(metadata),
            ),
            False,
        )

    return change


def _archive(item: ItemState) -> tuple[Content | None, bool]:
    return None, True


def _restore(item: ItemState) -> tuple[Content | None, bool]:
    return None, False


class _Loader:
    def __init__(self, store: Store, rng: random.Random, team_id: int, user_id: int) -> None:
        self.store = store
        self.rng = rng
        self.team_id = team_id
        self.user_id = user_id
        self.revisioned = RevisionedStore(store)

    def dataset(
        self,
        *,
        name: str,
        created_at: datetime,
        description: str,
        metadata: dict[str, Any],
        items: list[dict[str, Any]],
        step: timedelta,
        curation: _Curation | None = None,
        archived: bool = False,
    ) -> None:
        dataset_id = bulk.insert_dataset(
            self.store,
            team_id=self.team_id,
            name=name,
            created_at=created_at,
            created_by=self.user_id,
            description=description,
            metadata=metadata,
            archived=archived,
            rng=self.rng,
        )
        history = History(team_id=self.team_id, dataset_id=dataset_id, revision=None, rng=self.rng)
        start = created_at + timedelta(minutes=3)
        ids = []
        for index, fields in enumerate(items):
            at = start + step * index + timedelta(microseconds=self.rng.randint(0, 999_999))
            if "source_trace_id" in fields:  # the trace was captured before it was curated
                traced = at - timedelta(hours=3, seconds=self.rng.randint(0, 86_400))
                fields = {**fields, "source_timestamp": traced.replace(microsecond=0)}
            ids.append(bulk.add_item(history, fields, at=at, user_id=self.user_id))
        for at, index, change in sorted((curation or _Curation()).changes, key=lambda c: c[0]):
            new_content, now_archived = change(history.items[ids[index]])
            history.change(
                history.items[ids[index]],
                at=at,
                user_id=self.user_id,
                content=new_content,
                archived=now_archived,
            )
        with self.store.transaction() as conn:
            history.write(self.revisioned, conn)


def _support_items(rng: random.Random) -> list[dict[str, Any]]:
    items = []
    for index in range(SUPPORT_ITEMS):
        intent, question, answer, difficulty = rng.choice(SUPPORT_INTENTS)
        product, plan = rng.choice(PRODUCTS), rng.choice(PLANS)
        messages = [{"role": "system", "content": SYSTEM_PROMPT}] if index % 3 == 0 else []
        asked = rng.choice(OPENERS) + question.format(product=product, plan=plan)
        messages.append({"role": "user", "content": asked})
        reference = answer.format(product=product, plan=plan)
        captured = reference if rng.random() < 0.6 else reference.split(". ")[0] + "."
        item: dict[str, Any] = {
            "input": {"messages": messages},
            "expected_output": reference,
            "source_output": {"role": "assistant", "content": captured},
            "metadata": {
                "intent": intent,
                "difficulty": difficulty,
                "model": rng.choice(MODELS),
                "scores": {
                    "helpfulness": round(rng.uniform(0.55, 1.0), 2),
                    "correctness": round(rng.uniform(0.5, 1.0), 2),
                },
            },
        }
        if index % 3 == 1:
            item["source_trace_id"] = _hex(rng, 32)
            item["source_event_id"] = "gen_" + _hex(rng, 24)
        if index % 5 == 0:
            item["client_item_id"] = f"ticket-{4000 + index}"
        items.append(item)
    return items


def _support_curation(rng: random.Random, start: datetime) -> _Curation:
    curation = _Curation()
    day = timedelta(days=1)
    edited = rng.sample(range(SUPPORT_ITEMS), 34)
    for n, index in enumerate(edited):
        at = start + day * (1 + n % 9) + timedelta(minutes=rng.randint(0, 600))
        versions = 3 + n % 4  # 3-6 versions in all
        for step in range(versions - 1):
            when = at + timedelta(hours=5 * step, seconds=rng.randint(0, 3599))
            if n % 7 == 3 and step == versions - 3:
                curation.add(when, index, _archive)
            elif n % 7 == 3 and step == versions - 2:
                curation.add(when, index, _restore)
            else:
                reviewer = rng.choice(["ada", "grace", "alan"])
                curation.add(
                    when,
                    index,
                    _edit(metadata={"reviewed_by": reviewer, "review_round": step + 1}),
                )
    for index in rng.sample(sorted(set(range(SUPPORT_ITEMS)) - set(edited)), 5):
        curation.add(start + day * 10 + timedelta(minutes=index), index, _archive)
    return curation


def _rag_items(rng: random.Random) -> list[dict[str, Any]]:
    items = []
    for index in range(80):
        topic, question, context, answer = RAG_TOPICS[index % len(RAG_TOPICS)]
        faithful = rng.random() > 0.2
        captured = answer if faithful else answer + " It is also free on every plan."
        items.append(
            {
                "input": {
                    "messages": [
                        {"role": "system", "content": f"Answer only from this context:\n{context}"},
                        {"role": "user", "content": question},
                    ]
                },
                "expected_output": {"content": answer, "label": "faithful"},
                "source_output": {"content": captured},
                "metadata": {
                    "topic": topic,
                    "retrieved_doc_ids": [f"kb-{topic}-{rng.randint(1, 40):03d}"],
                    "label": "faithful" if faithful else "hallucination",
                },
                "source_trace_id": _hex(rng, 32),
                "source_event_id": "gen_" + _hex(rng, 24),
            }
        )
    return items


def _tricky_items() -> list[dict[str, Any]]:
    items = []
    for number, (question, output, kind) in enumerate(TRICKY_CASES + EXTRA_TRICKY):
        items.append(
            {
                "input": {"messages": [{"role": "user", "content": question}]},
                "expected_output": output,
                "metadata": {"kind": kind, "case": number + 1},
                "client_item_id": f"case-{number + 1:02d}-{kind}",
            }
        )
    return items


def _onboarding_items(rng: random.Random) -> list[dict[str, Any]]:
    return [
        {
            "input": {"step": step, "instruction": instruction, "tone": "friendly"},
            "expected_output": f"Subject: {step.title()}\n\nHi {{first_name}}, ...",
            "metadata": {"step": step, "status": "draft"},
            "client_item_id": f"onboarding-{step}",
        }
        for step, instruction in ONBOARDING_STEPS
    ]


def _onboarding_curation(rng: random.Random, start: datetime) -> _Curation:
    curation = _Curation()
    for index, (step, _) in enumerate(ONBOARDING_STEPS):
        for draft in range(2 + index % 5):  # 3-6 versions in all
            at = start + timedelta(days=draft + 1, hours=index, minutes=rng.randint(0, 59))
            tone = TONES[(index + draft) % len(TONES)]
            body = f"Subject: {step.title()} (draft {draft + 2})\n\nHi {{first_name}}, ..."
            curation.add(
                at,
                index,
                _edit(
                    input={"step": step, "instruction": ONBOARDING_STEPS[index][1], "tone": tone},
                    expected_output=body,
                    metadata={"status": "approved" if draft >= 2 else "in review"},
                ),
            )
    return curation


def own_rows(store: Store, *, team_id: int, user_id: int) -> None:
    rng = random.Random(20260706)
    loader = _Loader(store, rng, team_id, user_id)
    day = timedelta(days=1)
    loader.dataset(
        name="Support answers",
        created_at=BASE,
        description="Customer-support questions with reference answers and the model's reply.",
        metadata={"owner": "ml-team", "task": "support", "source": "zendesk-export-2026-07"},
        items=_support_items(rng),
        step=timedelta(seconds=47),
        curation=_support_curation(rng, BASE + day),
    )
    loader.dataset(
        name="RAG answer faithfulness",
        created_at=BASE + 2 * day,
        description="Help-centre bot answers, labelled faithful or hallucinated.",
        metadata={"owner": "search-team", "task": "rag", "judge": "gpt-4o-2024-08-06"},
        items=_rag_items(rng),
        step=timedelta(seconds=311),
        curation=_relabel(rng, BASE + 4 * day),
    )
    loader.dataset(
        name="Tool-calling regression suite",
        created_at=BASE + 3 * day,
        description="",
        metadata={"tags": ["regression", "tools", "text-safety"]},
        items=_tricky_items(),
        step=timedelta(seconds=90),
        curation=_tricky_curation(BASE + 5 * day),
    )
    loader.dataset(
        name="Onboarding email drafts",
        created_at=BASE + 4 * day,
        description="Lifecycle emails iterated with the marketing team.",
        metadata={"owner": "growth", "task": "generation"},
        items=_onboarding_items(rng),
        step=timedelta(minutes=4),
        curation=_onboarding_curation(rng, BASE + 4 * day),
    )
    loader.dataset(
        name="Prompt experiments (old)",
        created_at=BASE - 20 * day,
        description="Superseded by Support answers.",
        metadata={},
        items=_support_items(random.Random(7))[:6],
        step=timedelta(minutes=1),
        archived=True,
    )


def _relabel(rng: random.Random, start: datetime) -> _Curation:
    curation = _Curation()
    for n, index in enumerate(rng.sample(range(80), 8)):
        at = start + timedelta(hours=n * 3)
        curation.add(at, index, _edit(metadata={"label": "hallucination", "relabelled": True}))
        curation.add(at + timedelta(hours=1), index, _edit(metadata={"confirmed_by": "grace"}))
    return curation


def _tricky_curation(start: datetime) -> _Curation:
    curation = _Curation()
    curation.add(start, 0, _edit(metadata={"note": "keep [bold] literal"}))
    curation.add(start + timedelta(hours=2), 0, _edit(expected_output="Shown as typed."))
    curation.add(start + timedelta(hours=3), 8, _archive)  # the prompt-injection case
    return curation


def other_team_rows(store: Store, *, team_id: int, user_id: int) -> None:
    """Another organization's dataset: never visible to the seeded user."""
    loader = _Loader(store, random.Random(2), team_id, user_id)
    loader.dataset(
        name="Globex private set",
        created_at=datetime(2026, 6, 14, 16, 30, 0, 250000, tzinfo=UTC),
        description="Belongs to another organization.",
        metadata={"owner": "globex"},
        items=_support_items(random.Random(3))[:2],
        step=timedelta(minutes=1),
    )
