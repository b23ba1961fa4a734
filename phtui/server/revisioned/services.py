"""What the revisioned routes share for the server's lifetime."""

from __future__ import annotations

from dataclasses import dataclass

from phtui.server.revisioned.exports import Exports
from phtui.server.revisioned.storage import Storage
from phtui.server.revisioned.store import RevisionedStore


@dataclass(frozen=True)
class Services:
    store: RevisionedStore
    exports: Exports
    storage: Storage
