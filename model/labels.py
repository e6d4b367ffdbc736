"""The three labels and the three moderation actions."""

LABELS = ("constructive", "critical", "abusive")
ACTIONS = ("approve", "review", "reject")
