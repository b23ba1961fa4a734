"""Pure rules for where requests may go: the configured origin and PostHog's path shapes."""

from __future__ import annotations

import ipaddress
from typing import Literal
from urllib.parse import urlsplit

from phtui.api.errors import ConfigurationError, InsecureHostError

Prefix = Literal["projects", "environments"]
PREFIXES: tuple[Prefix, ...] = ("projects", "environments")
CURRENT_PROJECT = "@current"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_loopback(hostname: str) -> bool:
    """True for `localhost` itself and literal loopback addresses: plain http never leaves the
    machine. Subdomains of localhost (`app.localhost`) are not: the name is resolved by whatever
    resolver the machine uses, which may send it elsewhere."""
    name = hostname.lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def normalize_host(host: str, *, allow_insecure_http: bool = False) -> str:
    """`scheme://host[:port]` for a configured host; `https://` is assumed when none is given.

    Refuses paths, credentials, queries and fragments (the key must go to one plain origin)
    and plain http to anything but loopback unless explicitly allowed.
    """
    text = host.strip()
    if not text:
        raise ConfigurationError(
            "The PostHog host is empty. Set POSTHOG_HOST, e.g. https://us.posthog.com."
        )
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(f"The PostHog host {host!r} is not a valid URL ({exc}).") from None
    scheme = parts.scheme.lower()
    hostname = parts.hostname or ""
    if scheme not in _DEFAULT_PORTS or not hostname:
        raise ConfigurationError(
            f"The PostHog host {host!r} must look like https://us.posthog.com or http://127.0.0.1:8000."
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            "The PostHog host must not contain a user name or password; "
            "the API key is sent in a header."
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ConfigurationError(
            f"The PostHog host {host!r} must be an origin only (scheme, host and port), "
            "without a path, query or fragment."
        )
    if scheme == "http" and not allow_insecure_http and not is_loopback(hostname):
        raise InsecureHostError(
            f"Refusing plain http:// for {hostname}: the API key would cross the network "
            "unencrypted. Use https://, or a loopback address (http://localhost or "
            "http://127.0.0.1) for a server on this machine. (Python API: "
            "allow_insecure_http=True.)"
        )
    netloc = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}"


def default_port(scheme: str) -> int:
    return _DEFAULT_PORTS.get(scheme.lower(), -1)


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with default ports filled in, for same-origin checks."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port if parts.port is not None else default_port(scheme)
    return scheme, (parts.hostname or "").lower(), port


def same_origin(url: str, other: str) -> bool:
    return origin_of(url) == origin_of(other)


def normalize_project_id(project_id: int | str) -> int | str:
    """A non-negative integer id, or "@current" (the key owner's current project)."""
    if isinstance(project_id, bool):
        raise ConfigurationError("The project id must be a number or '@current'.")
    if isinstance(project_id, int):
        value = project_id
    elif project_id.strip() == CURRENT_PROJECT:
        return CURRENT_PROJECT
    elif project_id.strip().isdigit():
        value = int(project_id.strip())
    else:
        raise ConfigurationError(
            f"The project id {project_id!r} must be a number (see your PostHog URL) or '@current'."
        )
    if value < 0:
        raise ConfigurationError("The project id must not be negative.")
    return value


def normalize_prefix(prefix: str) -> Prefix:
    for known in PREFIXES:
        if prefix == known:
            return known
    raise ConfigurationError(
        f"The path prefix must be 'projects' or 'environments', not {prefix!r}."
    )


def project_base_path(prefix: Prefix, project_id: int | str) -> str:
    """`/api/projects/{id}` (no trailing slash), the root of every project-scoped resource."""
    return f"/api/{prefix}/{project_id}"


def resource_path(base: str, resource: str, pk: int | str | None = None) -> str:
    """Collection or object path, always with the trailing slash PostHog documents."""
    if pk is None:
        return f"{base}/{resource}/"
    text = str(pk)
    if not text or "/" in text or "?" in text or "#" in text or text in {".", ".."}:
        raise ValueError(f"{text!r} is not a valid id.")
    return f"{base}/{resource}/{text}/"
