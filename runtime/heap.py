"""The process heap after start-up.

Start-up leaves tens of thousands of long-lived objects (the models, jieba's dictionary, the message catalogue,
SQLAlchemy's mappers, the region table). Python's cyclic collector walks them again at every full collection for
the life of the process, and that cost lands on whichever update happens to allocate at that moment. ``settle``
collects once and moves every object alive at that point to the permanent generation (``gc.freeze``, the
pattern the Python documentation gives for a long-running server after it has loaded), so the collector only
visits what updates allocate. Measured in bench/updates.py (which calls it as the bot does): docs/performance.md.
"""

from __future__ import annotations

import gc


def settle() -> int:
    """Collect once and freeze what survives; returns how many objects the collector no longer visits."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
