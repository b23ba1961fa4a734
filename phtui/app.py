"""PhTuiApp: the frame every screen lives in.

It owns the one `PostHogClient`, the two modes (Themes, Datasets), the global keys, the command
palette, the header line (host, project, profile, READ-ONLY, OFFLINE) and the single place where
errors become messages (`show_error`). Startup never waits on the network: the first frame
paints, then screens load their data in workers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from phtui.compat import CrashWithoutLocals, open_without_css_refresh
from phtui.config import ResolvedProfile, Settings
from phtui.screens.base import ServicesMixin
from phtui.shell.binding_ids import upgrade_keymap
from phtui.shell.driver import without_key_log
from phtui.shell.errors import Reaction, describe
from phtui.shell.services import humanise

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.driver import Driver

    from phtui.api import PostHogClient
    from phtui.server.runner import RunningServer

MODE_NAMES = ("themes", "datasets")
RootT = TypeVar("RootT", bound=Screen[Any])


def _themes_screen() -> Screen[Any]:
    from phtui.screens.themes.overview import ThemesScreen

    return open_without_css_refresh(ThemesScreen())


def _datasets_screen() -> Screen[Any]:
    from phtui.screens.datasets.picker import DatasetsScreen

    return open_without_css_refresh(DatasetsScreen())


def _entity_search() -> type[Provider]:
    # Imported when the palette first opens: textual.command is not needed to start up.
    from phtui.shell.commands import EntitySearch

    return EntitySearch


def host_label(host: str) -> str:
    """The host as the header shows it: no scheme, no trailing slash."""
    parts = urlsplit(host if "://" in host else f"https://{host}")
    return (parts.netloc or host) + parts.path.rstrip("/")


class PhTuiApp(CrashWithoutLocals, App[None]):
    TITLE = "phtui"
    # Absolute, so subclasses defined elsewhere (tests, benchmarks) find it too.
    CSS_PATH = Path(__file__).parent / "styles" / "app.tcss"
    COMMANDS = App.COMMANDS | {_entity_search}
    MODES: ClassVar[dict[str, Any]] = {"themes": _themes_screen, "datasets": _datasets_screen}
    BINDINGS: ClassVar[list[BindingType]] = [
        # Help, quit and retry are pinned in every key bar; the modes are tabs in the title bar.
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
        Binding("1", "switch_mode('themes')", "Themes", id="app.themes", show=False),
        Binding("2", "switch_mode('datasets')", "Datasets", id="app.datasets", show=False),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("ctrl+r", "retry", "Retry", id="app.retry"),
        # As in k9s and lazygit: back out of a screen, or quit from a mode's first screen. Not a
        # priority binding, so text fields keep their q.
        Binding("q", "back", "Back / quit", id="app.back", show=False),
        # Vim keys for whichever list or table has the focus (text inputs keep their letters).
        Binding(
            "j", "vim('cursor_down', 'scroll_down')", "Down (list)", id="app.vim_down", show=False
        ),
        Binding("k", "vim('cursor_up', 'scroll_up')", "Up (list)", id="app.vim_up", show=False),
        Binding(
            "g",
            "vim('first', 'scroll_top', 'scroll_home')",
            "First (list)",
            id="app.vim_first",
            show=False,
        ),
        Binding(
            "G",
            "vim('last', 'scroll_bottom', 'scroll_end')",
            "Last (list)",
            id="app.vim_last",
            show=False,
        ),
    ]

    offline: reactive[bool] = reactive(False, bindings=True)

    def __init__(
        self,
        *,
        client: PostHogClient | None = None,
        settings: Settings | None = None,
        read_only: bool = False,
        mode: str = "themes",
        demo_server: RunningServer | None = None,
        host_label: str | None = None,
    ) -> None:
        if mode not in MODE_NAMES:
            raise ValueError(f"mode must be one of {MODE_NAMES}, not {mode!r}")
        # Textual opens DEFAULT_MODE's screen as the app composes: starting there directly
        # spares a blank default screen and the `switch_mode` after it (two restyles, a paint).
        self.DEFAULT_MODE = mode  # type: ignore[misc]
        super().__init__()
        self.animation_level = "none"
        self.client: PostHogClient | None = client
        self.read_only = read_only
        self.demo_server = demo_server
        self._settings = settings
        self._host_label = host_label
        self._owns_client = False
        self._asking_to_quit = False
        self.profile: ResolvedProfile | None = None
        self._initial: ResolvedProfile | None = None  # the settings' connection, at load

    # ----------------------------------------------------------------- startup and shutdown

    def get_driver_class(self) -> type[Driver]:
        return without_key_log(super().get_driver_class())  # no keys.log: TEXTUAL_DEBUG

    def on_load(self) -> None:
        # Before the first screen composes, so it finds the keymap and the client in place.
        settings = self._settings if self._settings is not None else self._load_settings()
        self._settings = settings
        keymap, renamed = upgrade_keymap(settings.keymap)
        self.set_keymap(keymap)
        warnings = list(settings.warnings)
        if renamed:
            where = settings.config_path or "the config file"
            names = "; ".join(entry.describe() for entry in renamed)
            warnings.append(f"[keymap] uses renamed ids: {names}. Update them in {where}.")
        for warning in warnings:
            self.notify(warning, title="Config", severity="warning", timeout=10, markup=False)
        resolved = self._initial = self._resolve()
        self.read_only = self.read_only or resolved.read_only
        if self.client is not None:
            self.client.on_response = self._posthog_answered
            self.profile = resolved
            self._show_connection()
        elif resolved.complete:
            self._connect(resolved)

    def on_mount(self) -> None:
        if self.client is None:  # the mode's screen waits below until a connection is made
            self.open_connect(reason=None, initial=self._initial)

    def _load_settings(self) -> Settings:
        from phtui.config import ConfigError, load_settings

        try:
            return load_settings()
        except ConfigError as error:
            self.notify(str(error), title="Config file ignored", severity="error", markup=False)
            return Settings()

    def _resolve(self) -> ResolvedProfile:
        """The settings' connection; on a config mistake, say so and start from nothing."""
        from phtui.config import US_HOST, ConfigError

        assert self._settings is not None
        try:
            return self._settings.resolve()
        except ConfigError as error:
            self.notify(str(error), title="Config", severity="error", markup=False)
            return ResolvedProfile(name=None, host=US_HOST, project_id=None, api_key=None)

    def _connect(self, resolved: ResolvedProfile) -> bool:
        """Replace the client with one for `resolved`; False (and a message) if it can't be made."""
        from phtui.api import PostHogClient
        from phtui.api.errors import ConfigurationError

        assert resolved.api_key is not None and resolved.project_id is not None
        try:
            client = PostHogClient(
                resolved.host,
                resolved.api_key,
                resolved.project_id,
                on_response=self._posthog_answered,
            )
        except ConfigurationError as error:
            self.show_error(error, action="Connecting")
            return False
        self._close_client()
        self.client = client
        self._owns_client = True
        self.profile = resolved
        self.read_only = self.read_only or resolved.read_only
        self._show_connection()
        return True

    def _close_client(self) -> None:
        if self.client is not None and self._owns_client:
            self._aclose(self.client)
        self.client = None
        self._owns_client = False

    @work(group="app.close-client", exit_on_error=False)
    async def _aclose(self, client: PostHogClient) -> None:
        await client.aclose()

    async def on_unmount(self) -> None:
        if self.client is not None and self._owns_client:
            with contextlib.suppress(Exception):
                await self.client.aclose()

    # ----------------------------------------------------------------------------- header

    def _show_connection(self) -> None:
        parts: list[str] = []
        if self.client is not None:
            parts.append(self._host_label or host_label(self.client.host))
            parts.append(f"project {self.client.project_id}")
        if self.profile and self.profile.name:
            parts.append(f"profile {self.profile.name}")
        elif self.demo_server is not None:
            parts.append("demo data")
        if self.read_only:
            parts.append("READ-ONLY")
        if self.offline:
            parts.append("OFFLINE")
        self.sub_title = " · ".join(parts)

    def watch_offline(self) -> None:
        self._show_connection()

    def _posthog_answered(self, status: int) -> None:
        """The client got an answer (any status): PostHog is reachable, so no longer offline."""
        if self.offline:
            self.offline = False
            self.notify("PostHog answers again.", title="Online")

    def set_read_only(self, read_only: bool) -> None:
        """Switch read-only mode; screens re-check their mutating actions."""
        self.read_only = read_only
        self._show_connection()
        self.refresh_bindings()

    # ------------------------------------------------------------------------------ errors

    def show_error(self, error: BaseException, *, action: str) -> None:
        """The one place errors become messages, a reconnect, the offline state or a modal."""
        source = self.profile.key_source if self.profile is not None else None
        named = source.describe() if source is not None else None
        problem = describe(error, action=action, key_source=named)
        if (problem.reaction is Reaction.OFFLINE and self.offline) or (
            problem.reaction is Reaction.RECONNECT and self._connect_is_open()
        ):
            return  # already said, and the header or the connect screen still says it
        if problem.reaction is Reaction.MODAL:
            from phtui.screens.error import ErrorScreen

            self.push_screen(ErrorScreen(problem.title, problem.message))
            return
        self.notify(problem.message, title=problem.title, severity=problem.severity, markup=False)
        if problem.reaction is Reaction.OFFLINE:
            self.offline = True
        elif problem.reaction is Reaction.RECONNECT:
            self.open_connect(reason=problem.message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The app's own workers; screens report theirs (`phtui.screens.base`).
        worker = event.worker
        if event.state is WorkerState.ERROR and not worker.exit_on_error and worker.error:
            self.show_error(worker.error, action=humanise(worker.name))

    # ---------------------------------------------------------------------------- connect

    def open_connect(self, *, reason: str | None, initial: ResolvedProfile | None = None) -> None:
        """Push the connect screen on top: screens below, and their unsaved edits, stay."""
        from phtui.screens.connect import ConnectScreen

        if self._connect_is_open():
            return
        assert self._settings is not None
        start = initial or self.profile or self._resolve()
        self.push_screen(
            ConnectScreen(settings=self._settings, initial=start, reason=reason),
            self._on_connect_done,
        )

    def _connect_is_open(self) -> bool:
        from phtui.screens.connect import ConnectScreen

        return any(isinstance(screen, ConnectScreen) for screen in self.screen_stack)

    def _on_connect_done(self, resolved: ResolvedProfile | None) -> None:
        if resolved is None:
            if self.client is None:
                self.exit()
            return
        if not self._connect(resolved):
            if self.client is None:  # nothing to fall back on: ask again
                self.open_connect(reason=f"Cannot connect to {resolved.host}.")
            return
        self.offline = False
        self._refresh_screen()  # the mode's screen has been there (without data) all along

    def _refresh_screen(self) -> None:
        """After reconnecting, let the screens of the visible mode load their data again."""
        for screen in self.screen_stack:
            if isinstance(screen, ServicesMixin):
                self.call_next(screen.reload)

    # ---------------------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.offline
        if action == "switch_mode":
            return self.client is not None
        return True

    @work(exclusive=True, group="app.retry", exit_on_error=False)
    async def action_retry(self) -> None:
        from phtui.api.errors import PostHogError, TransportError

        if self.client is None:
            return
        try:
            await self.client.get_current_user()
        except TransportError as error:
            self.notify(str(error), title="Still offline", severity="error", markup=False)
            return
        except PostHogError:
            pass  # PostHog answered (perhaps 403 for a key without user:read): we are back
        # The answer itself ended the offline state (`_posthog_answered`); reload what failed.
        self._refresh_screen()

    # ----------------------------------------------------------------------------- quitting

    def all_screens(self) -> Iterator[Screen[Any]]:
        """Every screen in every mode's stack, the hidden modes included."""
        modes = dict.fromkeys((self.current_mode, *MODE_NAMES))
        for mode in modes:
            try:
                yield from self.get_screen_stack(mode)
            except KeyError:  # a mode not opened yet has no stack
                continue

    def unsaved_edits(self) -> list[str]:
        """What quitting now would lose: a summary per screen holding unsaved edits."""
        edits = (
            screen.unsaved_edits()
            for screen in self.all_screens()
            if isinstance(screen, ServicesMixin)
        )
        return [edit for edit in edits if edit]

    async def action_quit(self) -> None:
        """Quit, but ask first when a screen (in any mode) holds unsaved edits."""
        edits = self.unsaved_edits()
        if not edits:
            self.exit()
            return
        if self._asking_to_quit:
            return  # the question is on screen (ctrl+q has priority over the modal)
        from phtui.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            self._asking_to_quit = False
            if discard:
                self.exit()

        self._asking_to_quit = True
        self.push_screen(
            ConfirmScreen(
                "Unsaved changes",
                f"Quit and discard unsaved changes in {_and_list(edits)}?",
                confirm_label="Quit",
            ),
            answered,
        )

    async def action_back(self) -> None:
        """`q`: what escape does on a pushed screen or modal; on a mode's first screen, quit."""
        if len(self.screen_stack) <= 1:
            await self.action_quit()
            return
        escape = self.screen.active_bindings.get("escape")
        if escape is not None and escape.enabled:
            await self.run_action(escape.binding.action, escape.node)

    def action_vim(self, first: str, second: str = "", third: str = "") -> None:
        """Run the first of the actions the focused widget has (OptionList, DataTable,
        scrollers). Named parameters, not `*actions`: Textual passes an action as many
        arguments as its method declares, and `*actions` counts as one (so a DataTable, which
        has no `last`, never got `scroll_bottom`: G did nothing in tables)."""
        widget = self.focused
        for action in (first, second, third):
            if widget is not None and hasattr(widget, f"action_{action}"):
                self.call_next(widget.run_action, action)
                return

    def action_help(self) -> None:
        from phtui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen.for_screen(self.screen))

    async def open_theme(self, theme_id: int) -> None:
        """Show the Themes mode with `theme_id` selected (the palette's entity search)."""
        from phtui.screens.themes.overview import ThemesScreen

        if self.client is None:
            return
        await self.switch_mode("themes")
        self._mode_root(ThemesScreen).show_theme(theme_id)

    async def open_dataset(self, dataset_id: str) -> None:
        """Show the Datasets mode with `dataset_id`'s items open."""
        from phtui.screens.datasets.picker import DatasetsScreen

        if self.client is None:
            return
        await self.switch_mode("datasets")
        self._mode_root(DatasetsScreen).show_dataset(dataset_id)

    def _mode_root(self, kind: type[RootT]) -> RootT:
        """The current mode's first screen, which the mode's factory made a `kind`."""
        root = self.screen_stack[0]
        assert isinstance(root, kind), f"{type(root).__name__} is not a {kind.__name__}"
        return root

    def action_connect(self) -> None:
        self.open_connect(reason=None)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        if self.client is not None:
            yield SystemCommand(
                "Themes", "Show the data color themes", partial(self.switch_mode, "themes")
            )
            yield SystemCommand(
                "Datasets",
                "Show the LLM-evaluation datasets",
                partial(self.switch_mode, "datasets"),
            )
        yield SystemCommand("Connect", "Change host, key, project or profile", self.action_connect)
        yield from self._profile_commands()
        state = "off" if self.read_only else "on"
        yield SystemCommand(
            f"Read-only mode: turn {state}",
            "Block (or allow) every action that changes data",
            lambda: self.set_read_only(not self.read_only),
        )
        if self.offline:
            yield SystemCommand("Retry", "Try to reach PostHog again", self.action_retry)
        yield SystemCommand("Help", "Show the keys of this screen", self.action_help)
        for command in super().get_system_commands(screen):
            if command.title == "Theme":  # Textual's own: not to be confused with PostHog themes
                command = command._replace(
                    title="UI colours", help="Change phtui's own colours (not a PostHog theme)"
                )
            yield command

    def _profile_commands(self) -> Iterable[SystemCommand]:
        """One command per saved profile that can connect on its own (key and project set)."""
        if self._settings is None:
            return
        for name, profile in self._settings.file.profiles.items():
            if (
                profile.api_key
                and profile.project_id
                and name != getattr(self.profile, "name", None)
            ):
                yield SystemCommand(
                    f"Profile: {name}",
                    f"Connect to project {profile.project_id} with the saved profile {name!r}",
                    partial(self.switch_profile, name),
                )

    def switch_profile(self, name: str) -> None:
        """Connect with the saved profile `name`; the open screens stay and reload."""
        from phtui.config import ConfigError

        assert self._settings is not None
        try:
            resolved = self._settings.resolve(profile=name)
        except ConfigError as error:
            self.notify(str(error), title="Profile", severity="error", markup=False)
            return
        self._on_connect_done(resolved)


def _and_list(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
