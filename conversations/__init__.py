"""One module per flow. Thin callbacks: parse the update, call a service, answer from the catalogue."""

import warnings

from telegram.warnings import PTBUserWarning

# Our conversations track callbacks per user and chat on purpose (per_message=False); stale buttons are
# answered by a catch-all handler instead.
warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
