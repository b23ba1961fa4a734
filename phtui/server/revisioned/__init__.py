"""PostHog's revisioned datasets API (`shared/posthog/api-revisioned.md`): datasets, items with
immutable versions, gap-free dataset revisions, archive/restore and JSONL exports."""
