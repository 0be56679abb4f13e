"""A fake Telegram Bot API for tests, benchmarks and the console chat. Imports nothing of zhuqi-bot's."""

from .ratelimit import RateLimits
from .server import DEFAULT_TOKEN, FakeBotAPI
from .user import FakeGroup, FakeUser

__all__ = ["DEFAULT_TOKEN", "FakeBotAPI", "FakeGroup", "FakeUser", "RateLimits"]
