"""What the page says about one result file, as data (the words are in ``page.TEXT``): the series and
their times, the crossovers the formulas predict against the ones measured, and the facts behind the
page's sentence on where they agree and where they don't."""
from __future__ import annotations

import math
from dataclasses import dataclass

from .counts import CROSSOVER_PAIRS
from .plan import PASSES

AGREE_FACTOR = 2.0  # a measured crossover within this factor of the predicted one agrees
OVERHEAD_TIME_SPREAD = 3.0  # at the smallest n: times within this factor ...
OVERHEAD_COUNT_SPREAD = 3.0  # ... while the counts differ by more than this: fixed per-call costs dominate


@dataclass(frozen=True)
class Series:
    layer: str
    heads: int | None = None  # attention only

    @property
    def key(self) -> str:
        return self.layer if self.heads is None else f"{self.layer}-h{self.heads}"


def series(doc: dict) -> list[Series]:
    return [Series("attention", h) for h in doc["grid"]["heads"]] + [Series(x) for x in ("conv1d", "rnn", "lstm")]


def index(doc: dict) -> dict[tuple, dict]:
    """(series key, d, n, pass) → case, for the sequence layers."""
    out = {}
    for case in doc["cases"]:
        s = case["shape"]
        if "n" in s:
            out[(Series(case["layer"], s.get("heads")).key, s["d"], s["n"], case["pass"])] = case
    return out


def curve(idx: dict, key: str, d: int, pass_: str, ns) -> dict[int, dict]:
    return {n: idx[(key, d, n, pass_)] for n in ns if (key, d, n, pass_) in idx}


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def measured_crossover(ns: list[int], a: list[float], b: list[float]) -> dict:
    """Where a/b crosses 1 first, interpolated linearly in log n against log(a/b); which side is faster
    for the shortest sequences ("a", "b" or "equal"); how many times the order changes on the grid
    (more than one is noise or a real double crossing, and the page says so)."""
    if len(ns) < 2:
        raise ValueError(f"ns: need at least two sequence lengths, got {ns}")
    logs = [math.log(x / y) for x, y in zip(a, b)]
    first = _sign(logs[0])
    signs = [_sign(x) for x in logs if _sign(x)]  # a ratio of exactly 1 is a touch, not a change
    changes = sum(1 for u, v in zip(signs, signs[1:]) if u != v)
    at = None
    for i in range(len(ns) - 1):
        if _sign(logs[i + 1]) != first:
            u, v = logs[i], logs[i + 1]
            t = u / (u - v) if u != v else 0.0
            at = math.exp(math.log(ns[i]) + t * (math.log(ns[i + 1]) - math.log(ns[i])))
            break
    return {"n": at, "faster_for_short": {1: "b", -1: "a", 0: "equal"}[first], "changes": changes}


def compare(predicted: dict, measured: dict, ns: list[int]) -> dict:
    """Predicted against measured, on the grid's range of n. A predicted crossover outside
    (min n, max n] means one order over the whole grid."""
    lo, hi = min(ns), max(ns)
    p_n = predicted["n"]
    short = {predicted["a"]: "a", predicted["b"]: "b"}.get(predicted["cheaper_for_short"], "equal")
    if p_n is not None and p_n <= lo:  # flipped before the grid starts
        short, p_n = {"a": "b", "b": "a"}.get(short, short), None
    elif p_n is not None and p_n > hi:
        p_n = None
    m_n = measured["n"]
    if p_n is None and m_n is None:
        verdict = "agree-order" if short == measured["faster_for_short"] else "disagree-order"
    elif p_n is not None and m_n is not None:
        factor = max(m_n / p_n, p_n / m_n)
        verdict = "agree-crossover" if factor <= AGREE_FACTOR and short == measured["faster_for_short"] \
            else "disagree-crossover"
    else:
        verdict = "disagree-missing-measured" if m_n is None else "disagree-missing-predicted"
    return {"predicted_n": p_n, "predicted_short": short, "measured_n": m_n,
            "measured_short": measured["faster_for_short"], "changes": measured["changes"],
            "verdict": verdict, "agree": verdict.startswith("agree")}


def crossovers(doc: dict) -> list[dict]:
    """Every pair × d × pass, attention with one head (the heads do not change the count)."""
    idx = index(doc)
    ns = doc["grid"]["n"]
    predicted = {(p["a"], p["b"], p["d"]): p for p in doc["predicted_crossovers"]}
    out = []
    for pass_ in PASSES:
        for d in doc["grid"]["d"]:
            for a, b in CROSSOVER_PAIRS:
                if (a, b, d) not in predicted:
                    continue
                ca, cb = curve(idx, Series(a, 1).key, d, pass_, ns), curve(idx, b, d, pass_, ns)
                common = [n for n in ns if n in ca and n in cb]
                if len(common) < 2:
                    continue
                measured = measured_crossover(common, [ca[n]["median_s"] for n in common],
                                              [cb[n]["median_s"] for n in common])
                row = compare(predicted[(a, b, d)], measured, common)
                last = common[-1]
                row.update(a=a, b=b, d=d, pass_=pass_, n_max=last,
                           fraction_a=ca[last]["fraction_of_peak"], fraction_b=cb[last]["fraction_of_peak"])
                out.append(row)
    return out


def overhead(doc: dict) -> list[dict]:
    """Per d, forward pass, smallest n: how close the layers' times are against how far apart their
    counts are. Close times over distant counts mean fixed per-call costs (dispatch, kernel launches)."""
    idx = index(doc)
    n = min(doc["grid"]["n"])
    out = []
    for d in doc["grid"]["d"]:
        cases = [idx[k] for k in ((s.key, d, n, "forward") for s in series(doc)) if k in idx]
        if len(cases) < 2:
            continue
        times = [c["median_s"] for c in cases]
        macs = [c["macs"] for c in cases]
        t_spread, c_spread = max(times) / min(times), max(macs) / min(macs)
        out.append({"d": d, "n": n, "time_spread": t_spread, "count_spread": c_spread,
                    "min_s": min(times), "bound": t_spread < OVERHEAD_TIME_SPREAD < c_spread})
    return out


def heads_effect(doc: dict) -> list[dict]:
    """Same count, several heads against one: the time ratio at the largest n, per d and pass."""
    idx = index(doc)
    heads = [h for h in doc["grid"]["heads"] if h != 1]
    n = max(doc["grid"]["n"])
    out = []
    for h in heads:
        for d in doc["grid"]["d"]:
            for pass_ in PASSES:
                one, many = idx.get((Series("attention", 1).key, d, n, pass_)), idx.get((Series("attention", h).key, d, n, pass_))
                if one and many:
                    out.append({"heads": h, "d": d, "n": n, "pass_": pass_, "ratio": many["median_s"] / one["median_s"]})
    return out


def pointwise(doc: dict) -> list[dict]:
    """The 1×1 convolution against the matmul, per spatial size and pass."""
    by = {(c["layer"], c["shape"]["h"], c["pass"]): c for c in doc["cases"] if "h" in c["shape"]}
    out = []
    for side in doc["grid"]["pointwise"]["sides"]:
        for pass_ in PASSES:
            conv, mm = by.get(("conv1x1", side, pass_)), by.get(("matmul", side, pass_))
            if conv and mm:
                out.append({"side": side, "pass_": pass_, "conv": conv, "matmul": mm,
                            "ratio": conv["median_s"] / mm["median_s"],
                            "difference": by.get(("matmul", side, "forward"), {}).get("relative_difference_to_conv1x1")})
    return out
