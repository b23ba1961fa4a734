"""The revisioned datasets API's URL table (api-revisioned.md section 2). Every route is behind
the feature flag; PUT and DELETE exist nowhere, so they get the JSON 405."""

from __future__ import annotations

import re
from collections.abc import Mapping

from phtui.server.context import Handler
from phtui.server.revisioned import routes_datasets, routes_exports, routes_items
from phtui.server.routes import PK, READS, SLASH, TEAM, Endpoint

_DATASET = r"(?P<dataset>[^/.]+)"


def _endpoint(
    path: str,
    handlers: Mapping[str, Handler],
    *,
    reads: frozenset[str] = READS,
    export_throttled: bool = False,
) -> Endpoint:
    return Endpoint(
        re.compile(f"{TEAM}/{path}{SLASH}"),
        "dataset",
        handlers,
        reads=reads,
        feature_flag=True,
        export_throttled=export_throttled,
    )


REVISIONED_DATASETS: tuple[Endpoint, ...] = (
    _endpoint("datasets", {"GET": routes_datasets.list_datasets, "POST": routes_datasets.create}),
    _endpoint(
        f"datasets/{PK}",
        {"GET": routes_datasets.retrieve, "PATCH": routes_datasets.partial_update},
    ),
    _endpoint(f"datasets/{PK}/archive", {"POST": routes_datasets.archive}),
    _endpoint(f"datasets/{PK}/restore", {"POST": routes_datasets.restore}),
    _endpoint(f"datasets/{PK}/revisions", {"GET": routes_datasets.revisions}),
    _endpoint(
        f"datasets/{_DATASET}/exports",
        {"POST": routes_exports.create},
        reads=READS | {"POST"},
        export_throttled=True,
    ),
    _endpoint(f"datasets/{_DATASET}/exports/{PK}", {"GET": routes_exports.status}),
    _endpoint(f"datasets/{_DATASET}/exports/{PK}/content", {"GET": routes_exports.content}),
    _endpoint("dataset_items", {"GET": routes_items.list_items, "POST": routes_items.create}),
    _endpoint(
        f"dataset_items/{PK}",
        {"GET": routes_items.retrieve, "PATCH": routes_items.partial_update},
    ),
    _endpoint(f"dataset_items/{PK}/archive", {"POST": routes_items.archive}),
    _endpoint(f"dataset_items/{PK}/restore", {"POST": routes_items.restore}),
    _endpoint(f"dataset_items/{PK}/versions", {"GET": routes_items.versions}),
)
