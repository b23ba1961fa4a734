"""Connect: pick US, EU or a custom host, enter the key, choose a project, see missing scopes.

Used at startup when no key or project is known, from the command palette, and on a 401 in
mid-session (pushed on top, so the screens below keep their unsaved edits). Dismisses with the
`ResolvedProfile` to connect with, or None when cancelled.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    Static,
)
from textual.widgets.option_list import Option

from phtui.api.scopes import probe_scopes
from phtui.config import (
    EU_HOST,
    LOCAL_HOST,
    US_HOST,
    KeySource,
    Profile,
    ResolvedProfile,
    Settings,
)
from phtui.core.text import one_line
from phtui.screens.base import PhModal, task
from phtui.shell.errors import message_for
from phtui.widgets.fields import SafeInput, SecretInput

if TYPE_CHECKING:
    from phtui.api import PostHogClient
    from phtui.api.models import Project

HOSTS: dict[str, str] = {"us": US_HOST, "eu": EU_HOST}


def _project_option(project: Project) -> Option:
    # Project names are server data: plain text, never markup.
    label = f"{one_line(project.name) or 'Untitled'}  (id {project.id})"
    return Option(Text(label), id=str(project.id))


class ConnectScreen(PhModal[ResolvedProfile | None]):
    # Compact widgets and a label column: the whole form fits an 80x24 terminal.
    DEFAULT_CSS = """
    ConnectScreen { align: center middle; }
    ConnectScreen > VerticalScroll {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ConnectScreen .title { text-style: bold; margin-bottom: 1; }
    ConnectScreen .reason { color: $text-error; margin-bottom: 1; }
    ConnectScreen .hint { color: $text-muted; padding-left: 10; margin-bottom: 1; }
    ConnectScreen .row { height: auto; }
    ConnectScreen #save-row { margin-top: 1; }
    ConnectScreen #buttons { margin-top: 1; }
    ConnectScreen .row > Label { width: 10; color: $text-muted; }
    ConnectScreen .row > Input, ConnectScreen .row > OptionList { width: 1fr; }
    ConnectScreen RadioSet { layout: horizontal; width: 1fr; }
    ConnectScreen RadioButton { margin-right: 2; }
    ConnectScreen #host.-hidden { display: none; }
    ConnectScreen #host { margin-left: 10; }
    ConnectScreen #projects { height: auto; max-height: 5; margin-left: 10; }
    ConnectScreen #scopes { margin-top: 1; }
    ConnectScreen #profile-name { width: 24; margin-left: 2; }
    ConnectScreen #buttons { height: auto; align-horizontal: right; }
    ConnectScreen #buttons Button { margin-left: 2; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="connect.cancel")]

    def __init__(
        self, *, settings: Settings, initial: ResolvedProfile, reason: str | None = None
    ) -> None:
        super().__init__()
        self._settings = settings
        self._initial = initial
        self._reason = reason
        # Opened because the profile's key was rejected: offer to save the new key there.
        source = initial.key_source
        self._update_profile = (
            reason is not None and source is not None and source.kind == "profile"
        )
        self._projects: list[Project] = []
        self._checked_key: str | None = None  # the key whose projects are listed
        # (host, key, project) whose missing scopes the user has seen: the next Connect proceeds.
        self._accepted_gaps: tuple[str, str, int] | None = None

    # ------------------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        initial_host = self._initial.host.rstrip("/")
        choice = next((name for name, url in HOSTS.items() if url == initial_host), "custom")
        with VerticalScroll():
            yield Static("Connect to PostHog", classes="title")
            if self._reason:
                yield Static(self._reason, classes="reason", markup=False)
            with Horizontal(classes="row"):
                yield Label("Host")
                with RadioSet(id="cloud", compact=True):
                    yield RadioButton("US Cloud", value=choice == "us", id="cloud-us")
                    yield RadioButton("EU Cloud", value=choice == "eu", id="cloud-eu")
                    yield RadioButton("Custom", value=choice == "custom", id="cloud-custom")
            yield SafeInput(
                initial_host if choice == "custom" else "",
                placeholder=f"https://posthog.example.com  or  {LOCAL_HOST}",
                id="host",
                classes="" if choice == "custom" else "-hidden",
                compact=True,
            )
            with Horizontal(classes="row"):
                yield Label("API key")
                yield SecretInput(
                    self._initial.api_key or "",
                    placeholder="personal API key (phx_...)",
                    id="key",
                    compact=True,
                )
            yield Static(
                "Needs project:read/write (themes), dataset:read/write (datasets)\n"
                "and user:read (project list), from Settings > Personal API keys.",
                classes="hint",
                id="hint",
            )
            yield Static("", id="status", markup=False)
            with Horizontal(classes="row"):
                yield Label("Project")
                yield SafeInput(
                    str(self._initial.project_id or ""),
                    placeholder="id: the number after /project/ in PostHog's URL",
                    id="project",
                    type="integer",
                    compact=True,
                )
            yield OptionList(id="projects", compact=True)
            yield Static("", id="scopes", markup=False)
            with Horizontal(classes="row", id="save-row"):
                yield Checkbox(
                    "Save as profile", value=self._update_profile, id="save", compact=True
                )
                yield SafeInput(
                    self._initial.name or "", placeholder="name", id="profile-name", compact=True
                )
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Check key", id="check", variant="primary", compact=True)
                yield Button(
                    "Connect", id="connect", variant="success", disabled=True, compact=True
                )

    def on_mount(self) -> None:
        for hidden in ("#projects", "#status", "#scopes"):
            self.query_one(hidden).display = False
        self.query_one("#key", Input).focus()

    # ------------------------------------------------------------------------- inputs

    def _host(self) -> str:
        pressed = self.query_one("#cloud", RadioSet).pressed_button
        if pressed is not None and pressed.id in ("cloud-us", "cloud-eu"):
            return HOSTS[pressed.id.removeprefix("cloud-")]
        return self.query_one("#host", Input).value.strip()

    def _key(self) -> str:
        return self.query_one("#key", Input).value.strip()

    def _project_id(self) -> int | None:
        text = self.query_one("#project", Input).value.strip()
        return int(text) if text.isdigit() and int(text) > 0 else None

    def _set_status(self, text: str) -> None:
        self._show("#status", text)

    def _show(self, selector: str, text: str) -> None:
        """Update a message line; an empty one takes no room (the form must fit 24 rows)."""
        line = self.query_one(selector, Static)
        line.update(text)
        line.display = bool(text)

    @on(RadioSet.Changed, "#cloud")
    def _cloud_changed(self, event: RadioSet.Changed) -> None:
        custom = event.pressed.id == "cloud-custom"
        self.query_one("#host", Input).set_class(not custom, "-hidden")
        if custom:
            self.query_one("#host", Input).focus()
        self._invalidate()

    @on(Input.Changed, "#key,#host")
    def _credentials_changed(self) -> None:
        self._invalidate()

    @on(Input.Changed, "#project")
    def _project_changed(self) -> None:
        self.query_one("#connect", Button).label = "Connect"
        self.query_one("#connect", Button).disabled = not (self._checked_key and self._project_id())
        self._show("#scopes", "")

    def _invalidate(self) -> None:
        self._checked_key = None
        self._accepted_gaps = None
        self.query_one("#connect", Button).label = "Connect"
        self.query_one("#connect", Button).disabled = True

    @on(Input.Submitted, "#key,#host")
    def _submit_key(self) -> None:
        self.action_check()

    @on(Input.Submitted, "#project")
    def _submit_project(self) -> None:
        self._check_project()

    @on(OptionList.OptionSelected, "#projects")
    def _project_chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#project", Input).value = str(event.option.id)
        self._check_project()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.action_cancel()
        elif event.button.id == "check":
            self.action_check()
        elif event.button.id == "connect":
            self._check_project()

    # ------------------------------------------------------------------------ actions

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_check(self) -> None:
        host, key = self._host(), self._key()
        if not host:
            self._set_status("Enter the host of your PostHog, e.g. https://posthog.example.com")
            return
        if not key:
            self._set_status("Enter a personal API key (PostHog: Settings > Personal API keys).")
            return
        self._set_status("Checking the key...")
        self._check_key(host, SecretStr(key))

    def _check_project(self) -> None:
        project_id = self._project_id()
        if not self._checked_key:
            self.action_check()
            return
        if project_id is None:
            self._set_status("Choose a project, or type its id.")
            return
        self._set_status(f"Checking what the key may do in project {project_id}...")
        self._probe(self._host(), SecretStr(self._checked_key), project_id)

    # ------------------------------------------------------------------------ workers

    def _client(self, host: str, key: str, project_id: int | str) -> PostHogClient:
        from phtui.api import PostHogClient

        # A few quick attempts: the user is waiting on this screen.
        return PostHogClient(host, key, project_id, max_retries=1, max_rate_limit_wait=5)

    # Workers take the key as a SecretStr: Textual logs each worker with its arguments' reprs.
    @task(group="connect.check")
    async def _check_key(self, host: str, secret: SecretStr) -> None:
        from phtui.api.errors import (
            AuthenticationError,
            PermissionDeniedError,
            PostHogError,
        )

        key = secret.get_secret_value()
        try:
            async with self._client(host, key, "@current") as client:
                user = await client.get_current_user()
                projects = await self._projects_of(client, user.organization, user.team)
        except AuthenticationError as error:
            self._set_status(message_for(error))
            return
        except PermissionDeniedError as error:
            # Without user:read the key can still work: the project id is typed by hand.
            self._key_accepted(key, [])
            self._set_status(f"{one_line(str(error))} Type the project id below instead.")
            return
        except PostHogError as error:
            self._set_status(str(error))
            return
        self._key_accepted(key, projects)
        who = user.email or user.first_name or "this user"
        self._set_status(f"Key accepted for {who}. Choose a project ({len(projects)} found).")

    async def _projects_of(
        self, client: PostHogClient, organization: object, team: object
    ) -> list[Project]:
        from phtui.api.errors import PermissionDeniedError

        try:
            return await client.list_projects()
        except PermissionDeniedError:
            # list_projects needs project:read; /users/@me/ already names the org's projects.
            from phtui.api.models import Organization, Project

            if isinstance(organization, Organization):
                return organization.projects or organization.teams
            return [team] if isinstance(team, Project) else []

    def _key_accepted(self, key: str, projects: list[Project]) -> None:
        self._checked_key = key
        self._projects = projects
        options = self.query_one("#projects", OptionList)
        options.clear_options()
        options.add_options(_project_option(project) for project in projects)
        options.display = bool(projects)
        current = self._project_id()
        if current is None and len(projects) == 1:
            self.query_one("#project", Input).value = str(projects[0].id)
        for index, project in enumerate(projects):
            if project.id == current:
                options.highlighted = index
        (options if projects else self.query_one("#project", Input)).focus()
        self._project_changed()

    @task(group="connect.probe")
    async def _probe(self, host: str, secret: SecretStr, project_id: int) -> None:
        from phtui.api.errors import PostHogError

        key = secret.get_secret_value()
        try:
            async with self._client(host, key, project_id) as client:
                report = await probe_scopes(client)
        except PostHogError as error:
            self._set_status(message_for(error))
            return
        self._show("#scopes", report.describe())
        self.query_one("#hint").display = False  # the report says it all now
        if not report.usable:
            self._set_status(report.problem or "This key can read neither themes nor datasets.")
            return
        target = (host, key, project_id)
        if report.missing and self._accepted_gaps != target:
            self._accepted_gaps = target
            self._set_status("Some scopes are missing: press Connect again to continue anyway.")
            self.query_one("#connect", Button).label = "Connect anyway"
            self.query_one("#connect", Button).focus()
            return
        if report.missing:
            self.app.notify(
                f"This key lacks {', '.join(report.missing)}: some actions will fail.",
                title="Missing scopes",
                severity="warning",
                markup=False,
            )
        self._finish(host, key, project_id)

    def _finish(self, host: str, key: str, project_id: int) -> None:
        name = self.query_one("#profile-name", Input).value.strip() or None
        if self.query_one("#save", Checkbox).value:
            if not name:
                self._set_status("Name the profile to save it (e.g. us, eu, work).")
                return
            if not self._save(name, Profile(host=host, project_id=project_id, api_key=key)):
                return
            source = KeySource("profile", name, self._config_path())
        else:
            source = KeySource("form")
        self.dismiss(
            ResolvedProfile(
                name=name, host=host, project_id=project_id, api_key=key, key_source=source
            )
        )

    def _config_path(self) -> Path:
        from phtui.config import default_config_path

        return self._settings.config_path or default_config_path()

    def _save(self, name: str, profile: Profile) -> bool:
        from phtui.config import ConfigError, save_profile

        path = self._config_path()
        # A new profile becomes the default; an existing one only gets the new values.
        existing = name in self._settings.file.profiles
        try:
            save_profile(path, name, profile, make_default=not existing)
        except (OSError, ConfigError) as error:
            self._set_status(f"Could not save the profile to {path}: {error}")
            return False
        # The app's settings follow the file, so switching profiles later uses the new key.
        stored = self._settings.file.profiles.get(name, Profile())
        fields = ("host", "project_id", "api_key")
        saved = {field: getattr(profile, field) for field in fields if getattr(profile, field)}
        self._settings.file.profiles[name] = stored.model_copy(update=saved)
        self.app.notify(f"Saved profile {name!r} to {path} (mode 0600).", markup=False)
        return True
