"""phtui: a keyboard-first terminal app for PostHog."""

__version__ = "0.1.0"
