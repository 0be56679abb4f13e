"""The /stats chart: a PNG drawn with matplotlib (Agg, no display) in Noto Sans CJK SC, so Chinese labels render.

The font ships inside the ``mplfonts`` wheel (SIL Open Font License); it has the simplified and the traditional
forms, so the chart is drawn in the reader's script. Matplotlib is imported on first use: it costs about a
second, which the bot pays only when someone asks for a chart.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib is imported on first use (it costs about a second)
    from matplotlib.figure import Figure

FONT_FILE = "NotoSansCJKsc-Regular.otf"


@lru_cache(maxsize=1)
def font_path() -> Path:
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
    if not path.exists():
        raise FileNotFoundError(f"the CJK font {path} is missing: reinstall the mplfonts package")
    return path


@lru_cache(maxsize=1)
def _pyplot() -> ModuleType:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    font_manager.fontManager.addfont(str(font_path()))
    name = font_manager.FontProperties(fname=str(font_path())).get_name()
    matplotlib.rcParams.update({"font.family": "sans-serif", "font.sans-serif": [name], "axes.unicode_minus": False})
    return pyplot


def missing_glyphs(texts: Sequence[str]) -> set[str]:
    """Characters of ``texts`` the chart font cannot draw (empty: every label renders)."""
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(str(font_path())).get_charmap()
    return {ch for text in texts for ch in text if not ch.isspace() and ord(ch) not in charmap}


def bar_chart(
    title: str, months: list[str], series: dict[str, list[float]], breakdown_title: str, breakdown: dict[str, float]
) -> bytes:
    """Two panels: grouped bars by month for each series, and horizontal bars of one figure by region or
    industry. Returns PNG bytes."""
    figure = chart_figure(title, months, series, breakdown_title, breakdown)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    _pyplot().close(figure)
    return buffer.getvalue()


def chart_figure(
    title: str, months: list[str], series: dict[str, list[float]], breakdown_title: str, breakdown: dict[str, float]
) -> Figure:
    """The figure :func:`bar_chart` draws. Every figure on it is a count: the value axes tick whole numbers only
    (few services drew 0.25, 0.50 …)."""
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    figure: Figure
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 5), dpi=110, gridspec_kw={"width_ratios": [3, 2]})
    width = 0.8 / max(1, len(series))
    for i, (name, values) in enumerate(series.items()):
        positions = [x + (i - (len(series) - 1) / 2) * width for x in range(len(months))]
        bars = left.bar(positions, values, width, label=name)
        left.bar_label(bars, fmt="%g", fontsize=8)
    left.set_xticks(range(len(months)), months, rotation=30 if len(months) > 6 else 0)
    left.legend(loc="upper left", fontsize=9)
    left.set_title(title, fontsize=13)
    left.spines[["top", "right"]].set_visible(False)
    names = sorted(breakdown, key=lambda n: breakdown[n], reverse=True)[:12][::-1]  # the largest on top
    right.barh(names, [breakdown[n] for n in names], color="#c0392b")
    right.set_title(breakdown_title, fontsize=12)
    right.spines[["top", "right"]].set_visible(False)
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    figure.tight_layout()
    return figure
