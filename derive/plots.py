"""Deterministic SVG plots: fixed hash salt for element ids, no date, text kept as text."""
from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, Decimal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .model import Plot  # noqa: E402

STYLE = {
    "svg.hashsalt": "derive",
    "svg.fonttype": "none",
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 100,
    "path.simplify": True,
}


def render_svg(plot: Plot, results=None) -> bytes:
    """``results`` maps the keys of ``plot.needs`` (step titles, claim ``where``s) to their Outcomes."""
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=plot.size)
        try:
            if plot.needs:
                plot.draw(fig, {key: results[key] for key in plot.needs})
            else:
                plot.draw(fig)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "derive"})
        finally:
            plt.close(fig)
    return _steady_coordinates(buf.getvalue())


_TAG = re.compile(rb"<[^>]*>")
_LONG_NUMBER = re.compile(rb"-?\d+\.\d{4,}")


def _round(match) -> bytes:
    # first to 9 decimals, which removes the last-bit noise of one machine's arithmetic against another's
    # (215.3153125 against 215.31531249999997), then to 3 decimals, half up, from that decimal
    value = Decimal(repr(round(float(match.group()), 9))).quantize(Decimal("0.001"), ROUND_HALF_UP)
    return str(value + 0).encode() if value else b"0"


def _steady_coordinates(svg: bytes) -> bytes:
    """Coordinates inside the tags rounded to 1/1000 pt: matplotlib prints six decimals, and their last
    digit differed between machines for the same figure. Text between the tags (tick labels) is kept."""
    return _TAG.sub(lambda tag: _LONG_NUMBER.sub(_round, tag.group()), svg)
