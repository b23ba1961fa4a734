"""The URL table: which paths exist, their scope object and their handler per method.

Themes and the account routes are the same in both modes; the datasets routes are either the
classic ones (PostHog's "Gen A") or the revisioned ones (`revisioned.routes`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from phtui.server import routes_account, routes_datasets, routes_items, routes_themes
from phtui.server.context import Handler
from phtui.server.options import DatasetsApi

# Both prefixes reach the same views; `{id}` is the team id or `@current`.
TEAM = r"^/api/(?:projects|environments)/(?P<team>[^/]+)"
PK = r"(?P<pk>[^/.]+)"
SLASH = r"/?$"  # PostHog's router makes the trailing slash optional
READS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Endpoint:
    pattern: re.Pattern[str]
    scope_object: str  # the API key scope family: "project", "dataset", "user"
    handlers: Mapping[str, Handler]
    team_nested: bool = True
    # Themes' first authenticator is a sharing one: 401 vs 403 without credentials is open.
    themes: bool = False
    # Methods that need only `X:read` (creating an export is a read in PostHog's scopes).
    reads: frozenset[str] = READS
    # Gated by the `llm-analytics-datasets` feature flag (every method, reads included).
    feature_flag: bool = False
    # POSTs count against the export allowance (10 a day per key).
    export_throttled: bool = False


def _collection(resource: str, scope: str, list_: Handler, create: Handler) -> Endpoint:
    return Endpoint(
        re.compile(f"{TEAM}/{resource}{SLASH}"),
        scope,
        {"GET": list_, "POST": create},
        themes=resource == "data_color_themes",
    )


def _detail(
    resource: str,
    scope: str,
    retrieve: Handler,
    update: Handler,
    partial_update: Handler,
    destroy: Handler,
) -> Endpoint:
    return Endpoint(
        re.compile(f"{TEAM}/{resource}/{PK}{SLASH}"),
        scope,
        {"GET": retrieve, "PUT": update, "PATCH": partial_update, "DELETE": destroy},
        themes=resource == "data_color_themes",
    )


THEMES: tuple[Endpoint, ...] = (
    _collection("data_color_themes", "project", routes_themes.list_themes, routes_themes.create),
    _detail(
        "data_color_themes",
        "project",
        routes_themes.retrieve,
        routes_themes.update,
        routes_themes.partial_update,
        routes_themes.destroy,
    ),
)
CLASSIC_DATASETS: tuple[Endpoint, ...] = (
    _collection("datasets", "dataset", routes_datasets.list_datasets, routes_datasets.create),
    _detail(
        "datasets",
        "dataset",
        routes_datasets.retrieve,
        routes_datasets.update,
        routes_datasets.partial_update,
        routes_datasets.destroy,
    ),
    _collection("dataset_items", "dataset", routes_items.list_items, routes_items.create),
    _detail(
        "dataset_items",
        "dataset",
        routes_items.retrieve,
        routes_items.update,
        routes_items.partial_update,
        routes_items.destroy,
    ),
)
ACCOUNT: tuple[Endpoint, ...] = (
    Endpoint(
        re.compile(r"^/api/users/@me" + SLASH),
        "user",
        {"GET": routes_account.current_user},
        team_nested=False,
    ),
    Endpoint(
        re.compile(r"^/api/projects" + SLASH),
        "project",
        {"GET": routes_account.list_projects},
        team_nested=False,
    ),
    Endpoint(
        re.compile(r"^/api/projects/(?P<team>[^/]+)" + SLASH),
        "project",
        {"GET": routes_account.retrieve_project},
    ),
)


def endpoints(datasets_api: DatasetsApi) -> tuple[Endpoint, ...]:
    if datasets_api == "classic":
        return THEMES + CLASSIC_DATASETS + ACCOUNT
    from phtui.server.revisioned.routes import REVISIONED_DATASETS

    return THEMES + REVISIONED_DATASETS + ACCOUNT


def match(table: tuple[Endpoint, ...], path: str) -> tuple[Endpoint, dict[str, str]] | None:
    for endpoint in table:
        found = endpoint.pattern.match(path)
        if found:
            return endpoint, found.groupdict()
    return None
