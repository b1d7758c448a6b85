"""The timing appendix page, ``docs/timing.md``, and its plots ``docs/assets/plots/timing-*.svg``, made
from the committed result files ``docs/timing/*.json`` alone (no torch, no cost formulas needed).
``outputs()`` is what ``derive build`` calls. The page's prose is in ``templates/timing.md.j2``; the
words that numbers are put into are in ``TEXT`` below, so the page can be translated as a whole."""
from __future__ import annotations

import json
from pathlib import Path

from ..plots import render_svg
from ..rendering import ROOT, render
from . import analysis, schema
from .figures import figures
from .plan import PASSES

DATA_DIR = "docs/timing"
PAGE = "docs/timing.md"
PLOTS_DIR = "docs/assets/plots"

TEXT = {
    "series": {"attention": "attention ({heads} heads)", "attention-1": "attention (1 head)", "conv1d": "1-D conv (k = {k})", "rnn": "RNN", "lstm": "LSTM",
               "conv1x1": "1×1 conv", "matmul": "matmul"},
    "pass": {"forward": "forward", "forward+backward": "forward + backward"},
    "short": {"a": "{a} faster", "b": "{b} faster", "equal": "equal times"},
    "cheaper": {"a": "{a} cheaper", "b": "{b} cheaper", "equal": "equal counts"},
    "verdict": {"agree-order": "agree: no crossover, same order",
                "disagree-order": "disagree: no crossover, opposite order",
                "agree-crossover": "agree: within a factor 2",
                "disagree-crossover": "disagree: a factor {factor:.1f} apart",
                "disagree-missing-measured": "disagree: none measured",
                "disagree-missing-predicted": "disagree: the formulas predict none"},
    "none": "no crossover in {lo}–{hi}, {side}",
    "agreement": "On this device the formulas and the clock agree on {agree} of {total} comparisons "
                 "(attention with one head against each other layer, each width d and pass).",
    "all_agree": "Attention against the {b}: all {total} agree; for example at d = {d}, {pass_}: predicted "
                 "{predicted}; measured {measured}.",
    "disagreement": "Attention against the {b}: {count} of {total} disagree; for example at d = {d}, "
                    "{pass_}: predicted {predicted}; measured {measured}. At the largest n attention ran at "
                    "{fa} of the matmul peak and the {b} at {fb}: a count fixes the work, not the rate at "
                    "which a layer gets it done. {why}",
    "why": {"rnn": "The RNN takes its n steps one after another, each a product of the batch's state rows "
                   "with a d×d matrix: every weight loaded serves one multiply-accumulate per batch row, "
                   "and no step can start before the previous one ends.",
            "lstm": "The LSTM takes its n steps one after another, each a product of the batch's state rows "
                    "with a d×4d matrix: every weight loaded serves one multiply-accumulate per batch row, "
                    "and no step can start before the previous one ends.",
            "conv1d": "The convolution's products are as large as attention's projections, so here the "
                      "difference is in how well each kernel uses the machine."},
    "overhead": "At n = {n}, d = {d} the layers' forward times lie within a factor {ts:.1f} of each other "
                "(the fastest {t}) while their counts differ by a factor {cs:.0f}: fixed costs per call "
                "(dispatch, kernel launches) dominate short sequences, and no count predicts them.",
    "heads": "{heads} heads against 1 head (the same count) at n = {n}: {ratios} the time.",
    "heads_item": "{ratio:.2f}× (d = {d}, {pass_})",
    "pointwise": "The 1×1 convolution and the matmul compute the same function (largest relative "
                 "difference {diff}) with the same count; the convolution took {lo:.2f}× to {hi:.2f}× "
                 "the matmul's time.",
    "fallback": "The chosen SDPA backend ({chosen}) had no kernel for {count} attention case(s) ({cases}); "
                "those ran on the MATH backend, which forms the n×n scores in memory.",
    "wall": "Wall-clock time was {median:.2f}× the CPU time in the median case (up to {most:.1f}×): "
            "that excess is time other processes held the core (see the load average); the tables and "
            "plots give the CPU time, which it does not inflate.",
    "figure_time": "Time against sequence length n (log–log), per width d; each line one layer.",
    "figure_cross": "Solid: measured time of attention (1 head) over the other layer's; dashed, same colour: "
                    "the same ratio of the counts. Where a line crosses 1 the two layers swap places: ○ "
                    "measured, ▽ predicted.",
    "figure_pointwise": "The 1×1 convolution against the same products as one matmul, against h·w.",
}


def series_label(s: analysis.Series, doc: dict) -> str:
    key = "attention-1" if s.layer == "attention" and s.heads == 1 else s.layer
    return TEXT["series"][key].format(heads=s.heads, k=doc["grid"]["kernel"])


def fmt_time(seconds: float) -> str:
    for unit, scale in (("µs", 1e-6), ("ms", 1e-3)):
        if float(f"{seconds / scale:.3g}") < 1000:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def fmt_fraction(x: float) -> str:
    return f"{100 * x:.1f} %" if x >= 0.001 else f"{100 * x:.2g} %"


def fmt_n(n: float | None) -> str:
    return "—" if n is None else (f"{n:.0f}" if n >= 10 else f"{n:.1f}")


def cell(case: dict | None) -> str:
    if case is None:
        return "skipped"
    spread = 50 * (case["q3_s"] - case["q1_s"]) / case["median_s"]
    return f"{fmt_time(case['median_s'])} ±{spread:.0f}% · {fmt_fraction(case['fraction_of_peak'])}"


def device_label(doc: dict) -> str:
    dev, settings = doc["device"], doc["settings"]
    cuda = f" · CUDA {dev['cuda']}" if dev["kind"] == "cuda" else ""
    return (f"{dev['name']} ({dev['kind']}{cuda}) · torch {dev['torch']} · {settings['dtype']} · "
            f"{dev['threads']} thread(s)" + (" · QUICK RUN" if doc["quick"] else ""))


def time_tables(doc: dict) -> list[dict]:
    idx, ns, all_series = analysis.index(doc), doc["grid"]["n"], analysis.series(doc)
    tables = []
    for pass_ in PASSES:
        for d in doc["grid"]["d"]:
            rows = [{"n": n, "cells": [cell(idx.get((s.key, d, n, pass_))) for s in all_series]} for n in ns]
            tables.append({"pass_": TEXT["pass"][pass_], "d": d, "rows": rows,
                           "columns": [series_label(s, doc) for s in all_series]})
    return tables


def _name(layer: str, doc: dict) -> str:
    return series_label(analysis.Series(layer, 1 if layer == "attention" else None), doc)


def crossover_rows(doc: dict, rows: list[dict]) -> list[dict]:
    ns = doc["grid"]["n"]
    out = []
    for r in rows:
        names = {"a": _name(r["a"], doc), "b": _name(r["b"], doc), "equal": ""}
        def where(n, short, words):
            side = TEXT[words][short].format(**names)
            return fmt_n(n) if n is not None else TEXT["none"].format(lo=min(ns), hi=max(ns), side=side)
        factor = (max(r["measured_n"] / r["predicted_n"], r["predicted_n"] / r["measured_n"])
                  if r["predicted_n"] and r["measured_n"] else 0.0)
        out.append({"pair": f"{names['a']} / {names['b']}", "d": r["d"], "pass_": TEXT["pass"][r["pass_"]],
                    "predicted": where(r["predicted_n"], r["predicted_short"], "cheaper"),
                    "measured": where(r["measured_n"], r["measured_short"], "short")
                    + (f" ({r['changes']} order changes)" if r["changes"] > 1 else ""),
                    "verdict": TEXT["verdict"][r["verdict"]].format(factor=factor), "agree": r["agree"],
                    "raw": r, "names": names})
    return out


def findings(doc: dict, rows: list[dict]) -> list[str]:
    out = [TEXT["agreement"].format(agree=sum(r["agree"] for r in rows), total=len(rows))]
    for b in dict.fromkeys(r["raw"]["b"] for r in rows):
        mine = [r for r in rows if r["raw"]["b"] == b]
        bad = [r for r in mine if not r["agree"]]
        if not bad:
            first = mine[0]
            out.append(TEXT["all_agree"].format(b=first["names"]["b"], total=len(mine), d=first["raw"]["d"],
                                                pass_=first["pass_"], predicted=first["predicted"],
                                                measured=first["measured"]))
        else:
            first = bad[0]
            out.append(TEXT["disagreement"].format(
                b=first["names"]["b"], count=len(bad), total=len(mine), d=first["raw"]["d"], pass_=first["pass_"],
                predicted=first["predicted"], measured=first["measured"],
                fa=_span([r["raw"]["fraction_a"] for r in bad]), fb=_span([r["raw"]["fraction_b"] for r in bad]),
                why=TEXT["why"][b]))
    for o in analysis.overhead(doc):
        if o["bound"]:
            out.append(TEXT["overhead"].format(n=o["n"], d=o["d"], ts=o["time_spread"], cs=o["count_spread"],
                                               t=fmt_time(o["min_s"])))
    effects = analysis.heads_effect(doc)
    for heads in dict.fromkeys(h["heads"] for h in effects):
        mine = [h for h in effects if h["heads"] == heads]
        ratios = ", ".join(TEXT["heads_item"].format(ratio=h["ratio"], d=h["d"], pass_=TEXT["pass"][h["pass_"]])
                           for h in mine)
        out.append(TEXT["heads"].format(heads=heads, n=mine[0]["n"], ratios=ratios))
    fallback = [c for c in doc["cases"] if c.get("sdpa_backend", doc["settings"]["sdpa_backend"])
                != doc["settings"]["sdpa_backend"]]
    if fallback:
        shown = ", ".join(f"n = {c['shape']['n']}, d = {c['shape']['d']}, {c['shape']['heads']} head(s), "
                          f"{TEXT['pass'][c['pass']]}" for c in fallback[:4])
        out.append(TEXT["fallback"].format(chosen=doc["settings"]["sdpa_backend"], count=len(fallback),
                                           cases=shown + (", …" if len(fallback) > 4 else "")))
    excess = sorted(c["wall"]["median_s"] / c["median_s"] for c in doc["cases"] if "wall" in c)
    if excess:
        out.append(TEXT["wall"].format(median=excess[len(excess) // 2], most=excess[-1]))
    pw = analysis.pointwise(doc)
    if pw:
        diffs = [p["difference"] for p in pw if p["difference"] is not None]
        worst = max(diffs) if diffs else None
        out.append(TEXT["pointwise"].format(diff="—" if worst is None else ("0: bit-identical" if worst == 0
                                                                             else f"{worst:.1e}"),
                                            lo=min(p["ratio"] for p in pw), hi=max(p["ratio"] for p in pw)))
    return out


def _span(fractions: list[float]) -> str:
    lo, hi = fmt_fraction(min(fractions)), fmt_fraction(max(fractions))
    return lo if lo == hi else f"{lo} to {hi}"


def pointwise_rows(doc: dict) -> list[dict]:
    return [{"side": p["side"], "pass_": TEXT["pass"][p["pass_"]], "conv": cell(p["conv"]),
             "matmul": cell(p["matmul"]), "ratio": f"{p['ratio']:.2f}",
             "macs": f"{p['conv']['macs']:,}"} for p in analysis.pointwise(doc)]


def view(slug: str, doc: dict) -> dict:
    rows = crossover_rows(doc, analysis.crossovers(doc))
    plots = [{"src": f"assets/plots/{p.name}.svg", "caption": p.caption, "plot": p}
             for p in figures(slug, doc, device_label(doc), TEXT, series_label)]
    return {"slug": slug, "doc": doc, "label": device_label(doc), "file": f"timing/{slug}.json",
            "tables": time_tables(doc), "crossovers": rows, "findings": findings(doc, rows),
            "pointwise": pointwise_rows(doc), "plots": plots,
            "load": doc["load_average"], "peak_gflops": f"{doc['peak']['flops_per_s'] / 1e9:.1f}"}


def load(root: Path = ROOT) -> list[tuple[str, dict]]:
    """The committed result files, validated; a bad one is an error naming the file and the spot."""
    out = []
    for path in sorted((root / DATA_DIR).glob("*.json")):
        rel = path.relative_to(root).as_posix()
        if not path.stem.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"{rel}: name the file with letters, digits, '-' and '_' only (it names plots)")
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            schema.validate(doc)
        except (json.JSONDecodeError, schema.SchemaError) as exc:
            raise ValueError(f"{rel}: not a derive timing result: {exc}") from None
        out.append((path.stem, doc))
    return out


def outputs(root: Path = ROOT) -> dict[str, bytes]:
    """Every file of the appendix, path → bytes, from ``root/docs/timing/*.json``."""
    return render_outputs(load(root))


def render_outputs(documents: list[tuple[str, dict]]) -> dict[str, bytes]:
    views = [view(slug, doc) for slug, doc in documents]
    files = {f"{PLOTS_DIR}/{p['plot'].name}.svg": render_svg(p["plot"]) for v in views for p in v["plots"]}
    files[PAGE] = render("timing.md.j2", devices=views, text=TEXT,
                         has_gpu=any(v["doc"]["device"]["kind"] == "cuda" and not v["doc"]["quick"] for v in views)
                         ).encode("utf-8")
    return files
