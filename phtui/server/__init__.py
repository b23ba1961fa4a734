"""A PostHog-compatible local server for phtui's tests, benchmarks and demo.

What it is: Starlette + uvicorn + sqlite (a file or memory), speaking the part of PostHog's
private API that phtui uses:

- data color themes (`/api/projects/{id}/data_color_themes/`): a bare JSON array sorted by id,
  the global "Default Theme", staff-only edits of global themes, a paid-plan switch, hard delete;
- datasets and dataset items in one of two shapes, chosen when the server starts:
  - revisioned (default; `shared/posthog/api-revisioned.md`, what PostHog serves today):
    immutable item versions and gap-free dataset revisions, snapshots, idempotent creates by
    `client_item_id`, `base_version` concurrency, archive/restore, strict bodies, the 409 bodies,
    quotas, the `llm-analytics-datasets` flag, per-dataset access levels, JSONL exports (file,
    or a 302 to a pre-signed URL on another origin);
  - classic (`shared/posthog/api.md`, "Gen A", older self-hosted instances): limit/offset
    pages of any size, soft delete by `PATCH {"deleted": true}`, `DELETE` 405 with no body;
- `/api/users/@me/`, `/api/projects/`, `/api/projects/{id}/` for discovering ids.

How it maps to PostHog: both `/api/projects/{id}/` and the deprecated `/api/environments/{id}/`
prefixes, `@current`, optional trailing slashes; personal API keys (`Authorization: Bearer`, or
the `personal_api_key` query parameter) with scopes (`X:write` implies `X:read`, `*`) and
project-scoped keys; PostHog's flat error bodies `{type, code, detail, attr}` with DRF's
messages, first error only; per-key burst/sustained throttling with PostHog's 429 body.
Fault injection (latency, 500s, 429s, dropped connections, and writes that commit and then
lose or delay their answer) is available for tests through `ServerOptions`.

What it does not do: sessions, OAuth or sharing tokens, a `personal_api_key` inside the
body; DRF's OPTIONS metadata (405 here); multipart bodies (415); access-control rules beyond
organization membership and the per-dataset levels set in `ServerOptions`; any other PostHog
endpoint (404 "Endpoint not found."). A body over 20 MB gets 413 with a PostHog-style body
(PostHog's exact answer is unknown). Not for production: it binds to loopback by default, stores
API keys hashed, and serves one user.

Layering: imports nothing from `phtui.api`, `phtui.core` or the UI.
Entry points: `phtui.server.runner.start_server()` and `phtui server` (`phtui.server.cli`).
"""
