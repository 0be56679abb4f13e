"""runtime/heap.settle: start-up's objects leave the cyclic collector's walks (bot.run calls it once started)."""

from __future__ import annotations

import gc
import inspect

import bot
from runtime.heap import settle


def test_settle_freezes_what_start_up_left_alive():
    try:
        frozen = settle()
        assert frozen > 0
        assert gc.get_freeze_count() == frozen
        garbage = [[]]
        garbage[0].append(garbage)  # a cycle made after settling is still collected
        del garbage
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()


def test_the_bot_settles_once_its_services_are_started():
    source = inspect.getsource(bot.run)
    assert source.index("Services.start(") < source.index("settle()") < source.index("run_console(")
