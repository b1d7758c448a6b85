"""The appendix's figures for one result file; each names its device in its title."""
from __future__ import annotations

from matplotlib.ticker import FuncFormatter, NullFormatter

from ..model import Plot
from . import analysis
from .counts import CROSSOVER_PAIRS
from .plan import PASSES

COLOURS = {"attention-h1": "C0", "conv1d": "C1", "rnn": "C2", "lstm": "C3"}
MORE_HEADS = ("C4", "C5", "C6")


def _colour(s: analysis.Series, doc: dict) -> str:
    if s.key in COLOURS:
        return COLOURS[s.key]
    others = [h for h in doc["grid"]["heads"] if h != 1]
    return MORE_HEADS[others.index(s.heads) % len(MORE_HEADS)]


def _ticks(ax, xs) -> None:
    """Grid values on x, plain numbers on both log axes (not 10^k)."""
    ax.set_xticks(list(xs))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _axes(fig, doc):
    ds = doc["grid"]["d"]
    return {(pass_, d): fig.add_subplot(len(PASSES), len(ds), 1 + i * len(ds) + j)
            for i, pass_ in enumerate(PASSES) for j, d in enumerate(ds)}


def time_figure(doc, label, text, series_label):
    def draw(fig):
        idx, ns = analysis.index(doc), doc["grid"]["n"]
        for (pass_, d), ax in _axes(fig, doc).items():
            for s in analysis.series(doc):
                c = analysis.curve(idx, s.key, d, pass_, ns)
                if c:
                    ax.loglog(list(c), [1e3 * v["median_s"] for v in c.values()], "o-", ms=3,
                              color=_colour(s, doc), label=series_label(s, doc))
            ax.set_title(f"d = {d}, {text['pass'][pass_]}", fontsize=9)
            _ticks(ax, ns)
            ax.set_xlabel("n")
            ax.set_ylabel("median time (ms)")
        fig.axes[0].legend(fontsize=7)
        fig.suptitle(label, fontsize=9)
    return draw


def crossover_figure(doc, label, text, series_label, predicted_n):
    def draw(fig):
        idx, ns = analysis.index(doc), doc["grid"]["n"]
        for (pass_, d), ax in _axes(fig, doc).items():
            ca = analysis.curve(idx, "attention-h1", d, pass_, ns)
            for a, b in CROSSOVER_PAIRS:
                cb = analysis.curve(idx, b, d, pass_, ns)
                common = [n for n in ns if n in ca and n in cb]
                if len(common) < 2:
                    continue
                colour = _colour(analysis.Series(b), doc)
                ax.loglog(common, [ca[n]["median_s"] / cb[n]["median_s"] for n in common], "o-", ms=3,
                          color=colour, label=f"attention / {series_label(analysis.Series(b), doc)}")
                ax.loglog(common, [ca[n]["macs"] / cb[n]["macs"] for n in common], "--", color=colour)
                measured = analysis.measured_crossover(
                    common, [ca[n]["median_s"] for n in common], [cb[n]["median_s"] for n in common])["n"]
                if measured is not None:
                    ax.plot([measured], [1.0], "o", mfc="none", ms=8, color=colour)
                p = predicted_n.get((a, b, d))
                if p is not None and min(common) < p <= max(common):
                    ax.plot([p], [1.0], "v", mfc="none", ms=8, color=colour)
            ax.axhline(1.0, color="0.3", lw=0.8)
            ax.set_title(f"d = {d}, {text['pass'][pass_]}", fontsize=9)
            _ticks(ax, ns)
            ax.set_xlabel("n")
            ax.set_ylabel("attention / other")
        fig.axes[0].legend(fontsize=7)
        fig.suptitle(label, fontsize=9)
    return draw


def pointwise_figure(doc, label, text, series_label):
    def draw(fig):
        ax = fig.add_subplot(1, 1, 1)
        rows = analysis.pointwise(doc)
        for layer, colour in (("conv", "C0"), ("matmul", "C1")):
            for pass_, style in zip(PASSES, ("o-", "s--")):
                sel = [r for r in rows if r["pass_"] == pass_]
                ax.loglog([r["side"] ** 2 for r in sel], [1e3 * r[layer]["median_s"] for r in sel], style, ms=4,
                          color=colour, label=f"{text['series']['conv1x1' if layer == 'conv' else 'matmul']}, "
                                              f"{text['pass'][pass_]}")
        pw = doc["grid"]["pointwise"]
        ax.set_title(f"c_in = {pw['c_in']}, c_out = {pw['c_out']}, batch {doc['grid']['batch']}", fontsize=9)
        _ticks(ax, [side ** 2 for side in pw["sides"]])
        ax.set_xlabel("h·w")
        ax.set_ylabel("median time (ms)")
        ax.legend(fontsize=7)
        fig.suptitle(label, fontsize=9)
    return draw


def figures(slug: str, doc: dict, label: str, text: dict, series_label) -> list[Plot]:
    wide = (4.2 * len(doc["grid"]["d"]) + 1.0, 7.0)
    predicted_n = {(p["a"], p["b"], p["d"]): p["n"] for p in doc["predicted_crossovers"]}
    return [Plot(f"timing-{slug}-time", text["figure_time"], time_figure(doc, label, text, series_label), wide),
            Plot(f"timing-{slug}-crossover", text["figure_cross"],
                 crossover_figure(doc, label, text, series_label, predicted_n), wide),
            Plot(f"timing-{slug}-pointwise", text["figure_pointwise"],
                 pointwise_figure(doc, label, text, series_label), (6.4, 4.2))]
