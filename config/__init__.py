"""Settings and constants. Imports nothing of zhuqi-bot's."""
