"""Seed data. `empty`: two organizations, their users and teams, the global "Default Theme",
and a dataset in the other organization's team. `demo`: `empty` plus own themes and
LLM-evaluation datasets in the shape of the datasets API being served (classic: `demo_data`,
revisioned: `revisioned.demo`).

Everything is deterministic (fixed ids, fixed timestamps), so UI snapshots stay stable.
The only random thing, the personal API key, is chosen by the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from phtui.server import auth, demo_data
from phtui.server.ids import format_datetime
from phtui.server.options import DatasetsApi
from phtui.server.revisioned import demo as revisioned_demo
from phtui.server.store import Store

SEEDS = ("empty", "demo")

# The 15 colours of PostHog's global theme (migration 0537).
DEFAULT_THEME_COLORS = [
    "#1d4aff", "#621da6", "#42827e", "#ce0e74", "#f14f58", "#7c440e", "#529a0a", "#0476fb",
    "#fe729e", "#35416b", "#41cbc4", "#b64b02", "#e4a604", "#a56eff", "#30d5c8",
]  # fmt: skip

SEEDED_AT = datetime(2025, 3, 3, 9, 0, 0, 120000, tzinfo=UTC)
MEMBER_OWNER = 15  # PostHog's OrganizationMembership.Level.OWNER


@dataclass(frozen=True)
class SeededIds:
    user_id: int
    project_id: int
    other_project_id: int


OWN = SeededIds(user_id=7, project_id=1, other_project_id=2)
OTHER_USER_ID = 8


def seed(
    store: Store, name: str, api_key: str, *, datasets_api: DatasetsApi = "revisioned"
) -> SeededIds:
    """Fill an empty store. `api_key` becomes the seeded user's key with scope `*`."""
    if name not in SEEDS:
        raise ValueError(f"unknown seed {name!r}; choose one of {', '.join(SEEDS)}")
    _accounts(store)
    store.insert_theme(
        team_id=None,
        name="Default Theme",
        colors=DEFAULT_THEME_COLORS,
        created_at=format_datetime(SEEDED_AT),
        created_by=None,
    )
    demo_data.other_team_theme(store, team_id=OWN.other_project_id, user_id=OTHER_USER_ID)
    data = demo_data if datasets_api == "classic" else revisioned_demo
    data.other_team_rows(store, team_id=OWN.other_project_id, user_id=OTHER_USER_ID)
    if name == "demo":
        demo_data.own_themes(store, team_id=OWN.project_id, user_id=OWN.user_id)
        data.own_rows(store, team_id=OWN.project_id, user_id=OWN.user_id)
    store.insert_api_key(
        auth.secure_hash(api_key),
        user_id=OWN.user_id,
        label="phtui local server",
        scopes=["*"],
        scoped_teams=None,
    )
    store.set_meta("datasets_api", datasets_api)
    return OWN


def _accounts(store: Store) -> None:
    created = format_datetime(SEEDED_AT)
    store.insert_organization(1, "01955b6e-2a40-7000-8a1f-6d2c1e5b9a01", "Hedgebox Inc.", created)
    store.insert_organization(
        2, "01955b6e-2a40-7000-9b3c-0e4f7a8d2c02", "Globex Corporation", created
    )
    store.insert_team(
        OWN.project_id,
        uuid="01955b6e-2a40-7001-8c2d-3e4f5a6b7c01",
        organization_id=1,
        name="Hedgebox",
        api_token="phc_hedgeboxLocalProjectToken0000000000000001",
        timezone="Europe/London",
        created_at=created,
    )
    store.insert_team(
        OWN.other_project_id,
        uuid="01955b6e-2a40-7001-9d3e-4f5a6b7c8d02",
        organization_id=2,
        name="Globex Analytics",
        api_token="phc_globexLocalProjectToken00000000000000002",
        timezone="America/New_York",
        created_at=created,
    )
    store.insert_user(
        OWN.user_id,
        {
            "uuid": "01955b6e-2a40-7002-a1b2-c3d4e5f60007",
            "distinct_id": "ada-lovelace-7",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@hedgebox.example",
            "is_email_verified": 1,
            "role_at_organization": "engineering",
            "current_team_id": OWN.project_id,
            "date_joined": created,
        },
    )
    store.insert_user(
        OTHER_USER_ID,
        {
            "uuid": "01955b6e-2a40-7002-b2c3-d4e5f6070008",
            "distinct_id": "grace-hopper-8",
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@globex.example",
            "is_email_verified": 1,
            "role_at_organization": "data",
            "current_team_id": OWN.other_project_id,
            "date_joined": created,
        },
    )
    store.insert_membership(OWN.user_id, 1, MEMBER_OWNER)
    store.insert_membership(OTHER_USER_ID, 2, MEMBER_OWNER)
