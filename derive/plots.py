"""Deterministic SVG plots: fixed hash salt for element ids, no date, text kept as text."""
from __future__ import annotations

import io

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
    return buf.getvalue()
