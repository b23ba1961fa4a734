"""Data color themes: bare array, global theme, validation, object permissions, hard delete."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from phtui.server.runner import RunningServer
from phtui.server.seed import DEFAULT_THEME_COLORS

ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]


def test_list_is_a_bare_array_with_the_global_default_theme(api: httpx.Client) -> None:
    response = api.get("data_color_themes/", params={"limit": 1, "offset": 5})
    assert response.status_code == 200
    themes = response.json()
    assert isinstance(themes, list)  # not paginated, limit/offset ignored
    assert len(themes) == 1
    default = themes[0]
    assert default["name"] == "Default Theme"
    assert default["colors"] == DEFAULT_THEME_COLORS
    assert len(default["colors"]) == 15
    assert default["is_global"] is True
    assert default["created_by"] is None
    assert list(default) == ["id", "name", "colors", "is_global", "created_at", "created_by"]


def test_create_returns_201_and_lists_by_id_ascending(api: httpx.Client) -> None:
    first = api.post("data_color_themes/", json={"name": "Ocean", "colors": ["#003f5c"]})
    second = api.post("data_color_themes/", json={"name": "Alpha"})
    assert first.status_code == second.status_code == 201
    assert second.json()["colors"] == []  # default
    created = first.json()
    assert created["is_global"] is False
    assert created["created_by"]["email"] == "ada@hedgebox.example"
    assert created["created_at"].endswith("Z")
    names = [theme["name"] for theme in api.get("data_color_themes/").json()]
    assert names == ["Default Theme", "Ocean", "Alpha"]
    ids = [theme["id"] for theme in api.get("data_color_themes/").json()]
    assert ids == sorted(ids)


def test_is_global_in_the_body_is_ignored(api: httpx.Client) -> None:
    created = api.post("data_color_themes/", json={"name": "Sneaky", "is_global": True}).json()
    assert created["is_global"] is False


def test_colors_accept_any_json(api: httpx.Client) -> None:
    colors = ["teal", {"odd": 1}, 3]
    created = api.post("data_color_themes/", json={"name": "Odd", "colors": colors})
    assert created.json()["colors"] == colors


@pytest.mark.parametrize(
    ("body", "code", "detail", "attr"),
    [
        ({}, "required", "This field is required.", "name"),
        ({"name": "   "}, "blank", "This field may not be blank.", "name"),
        ({"name": None}, "null", "This field may not be null.", "name"),
        (
            {"name": "x" * 101},
            "max_length",
            "Ensure this field has no more than 100 characters.",
            "name",
        ),
        ({"name": ["a"]}, "invalid_input", "Not a valid string.", "name"),
        ({"name": "ok", "colors": None}, "null", "This field may not be null.", "colors"),
        # Only the first invalid field is reported.
        ({"colors": None}, "required", "This field is required.", "name"),
    ],
)
def test_create_validation(
    api: httpx.Client, body: dict[str, object], code: str, detail: str, attr: str, error_of: ErrorOf
) -> None:
    response = api.post("data_color_themes/", json=body)
    assert error_of(response) == (400, "validation_error", code, detail, attr)


def test_name_is_trimmed_and_100_characters_allowed(api: httpx.Client) -> None:
    assert api.post("data_color_themes/", json={"name": "  Sea  "}).json()["name"] == "Sea"
    assert api.post("data_color_themes/", json={"name": "y" * 100}).status_code == 201


def test_get_put_patch_delete_own_theme(api: httpx.Client, error_of: ErrorOf) -> None:
    theme_id = api.post("data_color_themes/", json={"name": "Old", "colors": ["#000"]}).json()["id"]
    assert api.get(f"data_color_themes/{theme_id}/").json()["name"] == "Old"

    patched = api.patch(f"data_color_themes/{theme_id}/", json={"colors": ["#fff"]})
    assert patched.status_code == 200
    assert patched.json()["name"] == "Old"
    assert patched.json()["colors"] == ["#fff"]

    missing_name = api.put(f"data_color_themes/{theme_id}/", json={"colors": []})
    assert error_of(missing_name)[2:] == ("required", "This field is required.", "name")
    put = api.put(f"data_color_themes/{theme_id}", json={"name": "New"})  # no trailing slash
    assert put.status_code == 200
    assert put.json() == {**patched.json(), "name": "New"}

    deleted = api.delete(f"data_color_themes/{theme_id}/")
    assert deleted.status_code == 204
    assert deleted.content == b""
    gone = api.get(f"data_color_themes/{theme_id}/")
    assert error_of(gone) == (404, "invalid_request", "not_found", "Not found.", None)
    assert [t["id"] for t in api.get("data_color_themes/").json()] == [1]


def test_global_theme_readable_but_only_staff_may_edit(
    api: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    assert api.get("data_color_themes/1/").json()["is_global"] is True
    for response in (
        api.patch("data_color_themes/1/", json={"name": "Mine"}),
        api.put("data_color_themes/1/", json={"name": "Mine"}),
        api.delete("data_color_themes/1/"),
    ):
        assert error_of(response) == (
            403,
            "authentication_error",
            "permission_denied",
            "Only staff users can edit global themes.",
            None,
        )
    fresh_server.options.user_is_staff = True
    edited = api.patch("data_color_themes/1/", json={"name": "House style"})
    assert edited.status_code == 200
    assert edited.json()["name"] == "House style"
    assert edited.json()["is_global"] is True


def test_paid_plan_switch_gates_edits_but_not_create(
    api: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    theme_id = api.post("data_color_themes/", json={"name": "Mine"}).json()["id"]
    fresh_server.options.paid_plan = False
    paid_only = (
        403,
        "authentication_error",
        "permission_denied",
        "This feature is only available on paid plans.",
        None,
    )
    assert error_of(api.patch(f"data_color_themes/{theme_id}/", json={"name": "x"})) == paid_only
    assert error_of(api.put(f"data_color_themes/{theme_id}/", json={"name": "x"})) == paid_only
    assert error_of(api.delete(f"data_color_themes/{theme_id}/")) == paid_only
    assert api.get(f"data_color_themes/{theme_id}/").status_code == 200
    assert api.post("data_color_themes/", json={"name": "Still allowed"}).status_code == 201


def test_other_teams_theme_is_not_found(api: httpx.Client, error_of: ErrorOf) -> None:
    # Theme 2 belongs to the other organization's team (seeded).
    assert error_of(api.get("data_color_themes/2/"))[:3] == (404, "invalid_request", "not_found")
    assert api.patch("data_color_themes/2/", json={"name": "x"}).status_code == 404
    assert api.delete("data_color_themes/2/").status_code == 404


@pytest.mark.parametrize("pk", ["abc", "999999", "-1"])
def test_bad_theme_ids_are_not_found(api: httpx.Client, pk: str, error_of: ErrorOf) -> None:
    assert error_of(api.get(f"data_color_themes/{pk}/"))[3] == "Not found."


def test_methods_not_allowed_on_the_list(api: httpx.Client, error_of: ErrorOf) -> None:
    response = api.delete("data_color_themes/")
    assert error_of(response) == (
        405,
        "invalid_request",
        "method_not_allowed",
        'Method "DELETE" not allowed.',
        None,
    )
