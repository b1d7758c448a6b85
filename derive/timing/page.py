"""The timing appendix, ``docs/timing.md`` and its Chinese twin ``docs/zh/timing.md``, and their shared
plots ``docs/assets/plots/timing-*.svg``, made from the committed result files ``docs/timing/*.json``
alone (no torch, no cost formulas needed). ``outputs()`` is what ``derive build`` calls. Both pages come
from one template, ``templates/timing.md.j2`` (its prose in both languages through ``bi``); the words
that numbers are put into are in ``TEXT`` (English) and ``TEXT_ZH`` (Chinese) below, with the same keys
and the same placeholders. The figures are drawn once, with the English words, and both pages show them."""
from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

from ..i18n import MissingTranslation
from ..plots import render_svg
from ..rendering import ROOT, render
from . import analysis, schema
from .figures import figures
from .plan import PASSES

DATA_DIR = "docs/timing"
PAGES = {"en": "docs/timing.md", "zh": "docs/zh/timing.md"}
PAGE = PAGES["en"]
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
    "changes": " ({changes} order changes)",
    "agreement": "On this device the formulas and the clock agree on {agree} of {total} comparisons "
                 "(attention with one head against each other layer, each width d and pass).",
    "all_agree": "Attention against the {b}: all {total} agree; for example at d = {d}, {pass_}: predicted "
                 "{predicted}; measured {measured}.",
    "disagreement": "Attention against the {b}: {count} of {total} disagree; for example at d = {d}, "
                    "{pass_}: predicted {predicted}; measured {measured}. At the largest n attention ran at "
                    "{fa} of the matmul peak and the {b} at {fb}: a count fixes the work, not the rate at "
                    "which a layer gets it done. {why}",
    "span": "{lo} to {hi}",
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
    "list": ", ",
    "pointwise": "The 1×1 convolution and the matmul compute the same function (largest relative "
                 "difference {diff}) with the same count; the convolution took {lo:.2f}× to {hi:.2f}× "
                 "the matmul's time.",
    "identical": "0: bit-identical",
    "fallback": "The chosen SDPA backend ({chosen}) had no kernel for {count} attention case(s) ({cases}); "
                "those ran on the MATH backend, which forms the n×n scores in memory.",
    "fallback_case": "n = {n}, d = {d}, {heads} head(s), {pass_}",
    "wall": "Wall-clock time was {median:.2f}× the CPU time in the median case (up to {most:.1f}×): "
            "that excess is time other processes held the core (see the load average); the tables and "
            "plots give the CPU time, which it does not inflate.",
    "skipped": "Skipped: {layer} {shape}, {pass_}: {reason}",
    "skipped_cell": "skipped",
    "deadline": "the run's deadline of {s} s had passed",
    "device": "{name} ({kind}{cuda}) · torch {torch} · {dtype} · {threads} thread(s){quick}",
    "quick": " · QUICK RUN",
    # what derive.timing.measure records as the clock, by timing.primary (the English page shows the
    # recorded text itself; the test checks these against measure's)
    "clock": {"thread_time": "time.thread_time (CPU time of the calling thread, which runs every kernel with one "
                             "intra-op thread) around each call; time.perf_counter wall time beside it",
              "perf_counter": "time.perf_counter around each call (CPU kernels have finished when the call "
                              "returns)",
              "cuda_event": "CUDA events recorded around each call on the current stream, read after one "
                            "synchronize"},
    "figure_time": "Time against sequence length n (log–log), per width d; each line one layer.",
    "figure_cross": "Solid: measured time of attention (1 head) over the other layer's; dashed, same colour: "
                    "the same ratio of the counts. Where a line crosses 1 the two layers swap places: ○ "
                    "measured, ▽ predicted.",
    "figure_pointwise": "The 1×1 convolution against the same products as one matmul, against h·w.",
}

TEXT_ZH = {
    "series": {"attention": "{heads} 头自注意力", "attention-1": "单头自注意力",
               "conv1d": "一维卷积（k = {k}）", "rnn": "RNN", "lstm": "LSTM",
               "conv1x1": "1×1 卷积", "matmul": "矩阵乘法"},
    "pass": {"forward": "前向", "forward+backward": "前向 + 反向"},
    "short": {"a": "{a}更快", "b": "{b}更快", "equal": "用时相同"},
    "cheaper": {"a": "{a}计算量更小", "b": "{b}计算量更小", "equal": "计数相同"},
    "verdict": {"agree-order": "一致：没有交叉，先后顺序相同",
                "disagree-order": "不一致：没有交叉，但先后顺序相反",
                "agree-crossover": "一致：相差不到 2 倍",
                "disagree-crossover": "不一致：相差 {factor:.1f} 倍",
                "disagree-missing-measured": "不一致：实测没有交叉",
                "disagree-missing-predicted": "不一致：公式预测没有交叉"},
    "none": "在 {lo}–{hi} 内没有交叉，{side}",
    "changes": "（先后顺序变了 {changes} 次）",
    "agreement": "在这台设备上，公式与时钟在 {total} 组比较中有 {agree} 组结论一致（单头自注意力分别与其他"
                 "每一种层相比，每个宽度 d、每种计算过程各算一组）。",
    "all_agree": "自注意力与{b}相比：{total} 组全部一致；例如 d = {d}、{pass_}时，公式预测{predicted}；"
                 "实测{measured}。",
    "disagreement": "自注意力与{b}相比：{total} 组中有 {count} 组不一致；例如 d = {d}、{pass_}时，公式预测"
                    "{predicted}；实测{measured}。在最大的 n 上，自注意力的速率达到矩阵乘法峰值的 {fa}，"
                    "而{b}为 {fb}：计数只确定工作量，并不确定一层完成这些工作的速率。{why}",
    "span": "{lo} 到 {hi}",
    "why": {"rnn": "RNN 必须一个接一个地走完 n 个时间步，每一步都是批次中各状态行与一个 d×d 矩阵的乘积："
                   "每载入一个权重，只能为每个批次行做一次乘加，而且上一步没结束，下一步就无法开始。",
            "lstm": "LSTM 必须一个接一个地走完 n 个时间步，每一步都是批次中各状态行与一个 d×4d 矩阵的乘积："
                    "每载入一个权重，只能为每个批次行做一次乘加，而且上一步没结束，下一步就无法开始。",
            "conv1d": "卷积中的矩阵乘积和自注意力的投影一样大，所以这里的差别在于各自的内核对硬件利用得有多好。"},
    "overhead": "在 n = {n}、d = {d} 时，各层的前向用时彼此相差不到 {ts:.1f} 倍（最快的是 {t}），而它们的计数"
                "却相差 {cs:.0f} 倍：在短序列上，每次调用的固定开销（调度分派、内核启动）占了主导，这部分"
                "任何计数都预测不了。",
    "heads": "n = {n} 时，{heads} 个头与 1 个头（计数相同）的用时之比：{ratios}。",
    "heads_item": "{ratio:.2f}×（d = {d}，{pass_}）",
    "list": "；",
    "pointwise": "1×1 卷积与矩阵乘法计算的是同一个函数（最大相对差为 {diff}），计数也相同；卷积的用时是"
                 "矩阵乘法的 {lo:.2f}× 到 {hi:.2f}×。",
    "identical": "0，即逐位相同",
    "fallback": "所选的 SDPA 后端（{chosen}）对其中 {count} 个自注意力情形没有可用的内核（{cases}）；这些情形"
                "改在 MATH 后端上运行，它会在内存中构造完整的 n×n 注意力分数矩阵。",
    "fallback_case": "n = {n}，d = {d}，{heads} 个头，{pass_}",
    "wall": "在中位情形下，挂钟时间是 CPU 时间的 {median:.2f}×（最多 {most:.1f}×）：多出来的部分是其他进程"
            "占用这个核心的时间（见负载平均值）；表格和图给出的都是 CPU 时间，它不会因此变大。",
    "skipped": "已跳过：{layer}，{shape}，{pass_}：{reason}",
    "skipped_cell": "已跳过",
    "deadline": "已超过本次运行 {s} s 的时限",
    "device": "{name}（{kind}{cuda}）· torch {torch} · {dtype} · {threads} 个线程{quick}",
    "quick": " · 快速试跑",
    "clock": {"thread_time": "在每次调用前后读取 time.thread_time（调用线程的 CPU 时间；只有一个算子内线程时，"
                             "所有内核都由这个线程执行）；同时记录 time.perf_counter 的挂钟时间",
              "perf_counter": "在每次调用前后读取 time.perf_counter（调用返回时 CPU 内核已经执行完毕）",
              "cuda_event": "在当前流上，于每次调用前后记录 CUDA 事件，同步一次后读取"},
    "figure_time": "用时随序列长度 n 的变化（双对数坐标），每个宽度 d 一幅小图；每条线是一种层。",
    "figure_cross": "实线：单头自注意力的实测用时与另一层用时之比；同色虚线：两者计数之比。线穿过 1 的地方，"
                    "两层的先后顺序互换：○ 为实测，▽ 为预测。",
    "figure_pointwise": "1×1 卷积与把同样的乘积写成一次矩阵乘法的对比，横轴为 h·w。",
}

TEXTS = {"en": TEXT, "zh": TEXT_ZH}
CAPTIONS = {"time": "figure_time", "crossover": "figure_cross", "pointwise": "figure_pointwise"}


def series_label(s: analysis.Series, doc: dict, text: dict = TEXT) -> str:
    key = "attention-1" if s.layer == "attention" and s.heads == 1 else s.layer
    return text["series"][key].format(heads=s.heads, k=doc["grid"]["kernel"])


def fmt_time(seconds: float) -> str:
    for unit, scale in (("µs", 1e-6), ("ms", 1e-3)):
        if float(f"{seconds / scale:.3g}") < 1000:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def fmt_fraction(x: float) -> str:
    return f"{100 * x:.1f} %" if x >= 0.001 else f"{100 * x:.2g} %"


def fmt_n(n: float | None) -> str:
    return "—" if n is None else (f"{n:.0f}" if n >= 10 else f"{n:.1f}")


def cell(case: dict | None, text: dict = TEXT) -> str:
    if case is None:
        return text["skipped_cell"]
    spread = 50 * (case["q3_s"] - case["q1_s"]) / case["median_s"]
    return f"{fmt_time(case['median_s'])} ±{spread:.0f}% · {fmt_fraction(case['fraction_of_peak'])}"


def device_label(doc: dict, text: dict = TEXT) -> str:
    dev, settings = doc["device"], doc["settings"]
    return text["device"].format(name=dev["name"], kind=dev["kind"],
                                 cuda=f" · CUDA {dev['cuda']}" if dev["kind"] == "cuda" else "",
                                 torch=dev["torch"], dtype=settings["dtype"], threads=dev["threads"],
                                 quick=text["quick"] if doc["quick"] else "")


def clock_label(doc: dict, text: dict = TEXT) -> str:
    """The recorded clock; on the Chinese page its translation, which exists only for what
    derive.timing.measure records (anything else is a missing translation, not English on the page)."""
    recorded, primary = doc["timing"]["clock"], doc["timing"]["primary"]
    if text is TEXT:
        return recorded
    if TEXT["clock"].get(primary) != recorded:
        raise MissingTranslation(f"no Chinese for the clock {recorded[:60]!r}: add it to TEXT_ZH['clock'] "
                                 "in derive/timing/page.py")
    return text["clock"][primary]


def time_tables(doc: dict, text: dict = TEXT) -> list[dict]:
    idx, ns, all_series = analysis.index(doc), doc["grid"]["n"], analysis.series(doc)
    tables = []
    for pass_ in PASSES:
        for d in doc["grid"]["d"]:
            rows = [{"n": n, "cells": [cell(idx.get((s.key, d, n, pass_)), text) for s in all_series]} for n in ns]
            tables.append({"pass_": text["pass"][pass_], "d": d, "rows": rows,
                           "columns": [series_label(s, doc, text) for s in all_series]})
    return tables


def _name(layer: str, doc: dict, text: dict = TEXT) -> str:
    return series_label(analysis.Series(layer, 1 if layer == "attention" else None), doc, text)


def crossover_rows(doc: dict, rows: list[dict], text: dict = TEXT) -> list[dict]:
    ns = doc["grid"]["n"]
    out = []
    for r in rows:
        names = {"a": _name(r["a"], doc, text), "b": _name(r["b"], doc, text), "equal": ""}
        def where(n, short, words):
            side = text[words][short].format(**names)
            return fmt_n(n) if n is not None else text["none"].format(lo=min(ns), hi=max(ns), side=side)
        factor = (max(r["measured_n"] / r["predicted_n"], r["predicted_n"] / r["measured_n"])
                  if r["predicted_n"] and r["measured_n"] else 0.0)
        out.append({"pair": f"{names['a']} / {names['b']}", "d": r["d"], "pass_": text["pass"][r["pass_"]],
                    "predicted": where(r["predicted_n"], r["predicted_short"], "cheaper"),
                    "measured": where(r["measured_n"], r["measured_short"], "short")
                    + (text["changes"].format(changes=r["changes"]) if r["changes"] > 1 else ""),
                    "verdict": text["verdict"][r["verdict"]].format(factor=factor), "agree": r["agree"],
                    "raw": r, "names": names})
    return out


def findings(doc: dict, rows: list[dict], text: dict = TEXT) -> list[str]:
    out = [text["agreement"].format(agree=sum(r["agree"] for r in rows), total=len(rows))]
    for b in dict.fromkeys(r["raw"]["b"] for r in rows):
        mine = [r for r in rows if r["raw"]["b"] == b]
        bad = [r for r in mine if not r["agree"]]
        if not bad:
            first = mine[0]
            out.append(text["all_agree"].format(b=first["names"]["b"], total=len(mine), d=first["raw"]["d"],
                                                pass_=first["pass_"], predicted=first["predicted"],
                                                measured=first["measured"]))
        else:
            first = bad[0]
            out.append(text["disagreement"].format(
                b=first["names"]["b"], count=len(bad), total=len(mine), d=first["raw"]["d"], pass_=first["pass_"],
                predicted=first["predicted"], measured=first["measured"],
                fa=_span([r["raw"]["fraction_a"] for r in bad], text),
                fb=_span([r["raw"]["fraction_b"] for r in bad], text), why=text["why"][b]))
    for o in analysis.overhead(doc):
        if o["bound"]:
            out.append(text["overhead"].format(n=o["n"], d=o["d"], ts=o["time_spread"], cs=o["count_spread"],
                                               t=fmt_time(o["min_s"])))
    effects = analysis.heads_effect(doc)
    for heads in dict.fromkeys(h["heads"] for h in effects):
        mine = [h for h in effects if h["heads"] == heads]
        ratios = text["list"].join(text["heads_item"].format(ratio=h["ratio"], d=h["d"],
                                                             pass_=text["pass"][h["pass_"]]) for h in mine)
        out.append(text["heads"].format(heads=heads, n=mine[0]["n"], ratios=ratios))
    fallback = [c for c in doc["cases"] if c.get("sdpa_backend", doc["settings"]["sdpa_backend"])
                != doc["settings"]["sdpa_backend"]]
    if fallback:
        shown = text["list"].join(text["fallback_case"].format(n=c["shape"]["n"], d=c["shape"]["d"],
                                                               heads=c["shape"]["heads"],
                                                               pass_=text["pass"][c["pass"]])
                                  for c in fallback[:4])
        out.append(text["fallback"].format(chosen=doc["settings"]["sdpa_backend"], count=len(fallback),
                                           cases=shown + (text["list"] + "…" if len(fallback) > 4 else "")))
    excess = sorted(c["wall"]["median_s"] / c["median_s"] for c in doc["cases"] if "wall" in c)
    if excess:
        out.append(text["wall"].format(median=excess[len(excess) // 2], most=excess[-1]))
    pw = analysis.pointwise(doc)
    if pw:
        diffs = [p["difference"] for p in pw if p["difference"] is not None]
        worst = max(diffs) if diffs else None
        out.append(text["pointwise"].format(diff="—" if worst is None else (text["identical"] if worst == 0
                                                                             else f"{worst:.1e}"),
                                            lo=min(p["ratio"] for p in pw), hi=max(p["ratio"] for p in pw)))
    return out


def _span(fractions: list[float], text: dict = TEXT) -> str:
    lo, hi = fmt_fraction(min(fractions)), fmt_fraction(max(fractions))
    return lo if lo == hi else text["span"].format(lo=lo, hi=hi)


def _reason(reason: str, text: dict) -> str:
    """Why a case was skipped: the deadline in the page's language; anything else is the error message
    torch gave, shown as it was recorded (a quote, in both languages)."""
    deadline = re.fullmatch(re.escape(TEXT["deadline"]).replace(re.escape("{s}"), r"(\d+)"), reason)
    return text["deadline"].format(s=deadline.group(1)) if deadline else reason


def skipped_lines(doc: dict, text: dict = TEXT) -> list[str]:
    out = []
    for s in doc["skipped"]:
        layer = series_label(analysis.Series(s["layer"], s["shape"].get("heads") if s["layer"] == "attention"
                                             else None), doc, text)
        shape = ", ".join(f"{k} = {v}" for k, v in sorted(s["shape"].items()))
        out.append(text["skipped"].format(layer=layer, shape=shape, pass_=text["pass"][s["pass"]],
                                          reason=_reason(s["reason"], text)))
    return out


def pointwise_rows(doc: dict, text: dict = TEXT) -> list[dict]:
    return [{"side": p["side"], "pass_": text["pass"][p["pass_"]], "conv": cell(p["conv"], text),
             "matmul": cell(p["matmul"], text), "ratio": f"{p['ratio']:.2f}",
             "macs": f"{p['conv']['macs']:,}"} for p in analysis.pointwise(doc)]


def link(target: str) -> str:
    """``target`` (a path from the checkout's root, e.g. ``docs/assets/plots/x.svg``) relative to the
    pages. One path serves both languages: docs/zh/assets and docs/zh/timing are links to ../assets and
    ../timing (each language is its own MkDocs build, which cannot reach outside its docs_dir)."""
    return posixpath.relpath(target, posixpath.dirname(PAGES["en"]))


_CJK = "\u4e00-\u9fff"


def cjk_spacing(s: str) -> str:
    """One space between a Chinese character and a Latin letter or digit next to it ("与RNN相比" →
    "与 RNN 相比"), so that TEXT_ZH can put a name or a number into a sentence without knowing which it is."""
    s = re.sub(f"([{_CJK}])([A-Za-z0-9])", r"\1 \2", s)
    return re.sub(f"([A-Za-z0-9])([{_CJK}])", r"\1 \2", s)


def view(slug: str, doc: dict, lang: str = "en") -> dict:
    text = TEXTS[lang]
    rows = crossover_rows(doc, analysis.crossovers(doc), text)
    lines, skipped = findings(doc, rows, text), skipped_lines(doc, text)
    if lang == "zh":
        lines, skipped = [cjk_spacing(x) for x in lines], [cjk_spacing(x) for x in skipped]
        rows = [{**r, **{k: cjk_spacing(r[k]) for k in ("predicted", "measured", "verdict")}} for r in rows]
    # the figures are the same files for both pages, drawn with the English words; only captions differ
    plots = [{"src": link(f"{PLOTS_DIR}/{p.name}.svg"),
              "caption": text[CAPTIONS[p.name.removeprefix(f"timing-{slug}-")]], "plot": p}
             for p in figures(slug, doc, device_label(doc), TEXT, series_label)]
    return {"slug": slug, "doc": doc, "label": device_label(doc, text), "file": f"timing/{slug}.json",
            "href": link(f"{DATA_DIR}/{slug}.json"), "clock": clock_label(doc, text),
            "tables": time_tables(doc, text), "crossovers": rows, "findings": lines,
            "skipped": skipped, "pointwise": pointwise_rows(doc, text), "plots": plots,
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
    files = {}
    for lang, page in PAGES.items():
        views = [view(slug, doc, lang) for slug, doc in documents]
        if lang == "en":  # one set of figures, linked from both pages
            files.update({f"{PLOTS_DIR}/{p['plot'].name}.svg": render_svg(p["plot"]) for v in views for p in v["plots"]})
        files[page] = render("timing.md.j2", lang=lang, devices=views,
                             has_gpu=any(v["doc"]["device"]["kind"] == "cuda" and not v["doc"]["quick"]
                                         for v in views)).encode("utf-8")
    return files
