"""`/api/users/@me/` and `/api/projects/`: finding the user's projects."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from phtui.server.runner import RunningServer

ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]


def test_current_user(root: httpx.Client, fresh_server: RunningServer) -> None:
    response = root.get("/api/users/@me/")
    assert response.status_code == 200
    me = response.json()
    assert me["id"] == fresh_server.user_id
    assert me["email"] == "ada@hedgebox.example"
    assert me["is_staff"] is False
    assert {"uuid", "distinct_id", "first_name", "last_name"} <= set(me)
    team = me["team"]
    assert team["id"] == fresh_server.project_id
    assert {"uuid", "organization", "api_token", "name", "timezone"} <= set(team)
    organization = me["organization"]
    assert organization["id"] == team["organization"]
    assert [project["id"] for project in organization["projects"]] == [fresh_server.project_id]
    assert [t["id"] for t in organization["teams"]] == [fresh_server.project_id]
    assert [org["id"] for org in me["organizations"]] == [organization["id"]]
    # The other organization's project never shows.
    assert str(fresh_server.other_project_id) not in {str(p["id"]) for p in organization["teams"]}


def test_current_user_reflects_options(root: httpx.Client, fresh_server: RunningServer) -> None:
    fresh_server.options.user_is_staff = True
    fresh_server.options.paid_plan = False
    me = root.get("/api/users/@me").json()
    assert me["is_staff"] is True
    assert me["organization"]["available_product_features"] == []


def test_projects_list_is_paginated(root: httpx.Client, fresh_server: RunningServer) -> None:
    page = root.get("/api/projects/").json()
    assert list(page) == ["count", "next", "previous", "results"]
    assert page["count"] == 1
    assert page["results"][0]["id"] == fresh_server.project_id
    assert page["results"][0]["name"] == "Hedgebox"


def test_project_detail_and_current(root: httpx.Client, fresh_server: RunningServer) -> None:
    by_id = root.get(f"/api/projects/{fresh_server.project_id}/").json()
    assert by_id == root.get("/api/projects/@current/").json()
    assert by_id["id"] == fresh_server.project_id


def test_project_detail_errors(
    root: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    assert error_of(root.get("/api/projects/999/"))[3] == "Project not found."
    other = root.get(f"/api/projects/{fresh_server.other_project_id}/")
    assert error_of(other)[3] == "You don't have access to the project."
    assert error_of(root.post("/api/users/@me/", json={}))[2] == "method_not_allowed"
