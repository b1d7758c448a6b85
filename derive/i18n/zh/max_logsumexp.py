"""Chinese for the A6.2 ① page (max via log-sum-exp): English text exactly as in
derive/derivations/max_logsumexp.py → 中文. The inline formulas ($…$) are the same in both languages."""
ZH: dict[str, str] = {
    # --- summary, introduction, model -------------------------------------------------------------------
    "max is smoothed by $\\frac1t\\operatorname{LSE}(t\\mathbf{x})$, whose gradient is "
    "$\\operatorname{softmax}(t\\mathbf{x})$; as $t\\to\\infty$ this tends to one-hot(argmax), the exact gradient "
    "where the maximum is unique and the minimum-norm subgradient at ties.":
        "用 $\\frac1t\\operatorname{LSE}(t\\mathbf{x})$ 对 max 做平滑近似，它的梯度是 "
        "$\\operatorname{softmax}(t\\mathbf{x})$；当 $t\\to\\infty$ 时梯度趋于 one-hot(argmax)："
        "最大值唯一时这正是 max 的梯度，有并列时则是范数最小的次梯度。",
    "The seed answers A6.2 ① by smoothing $\\max$ with log-sum-exp. Each formula below is shown for general $n$; "
    "the cases that were checked (several sizes $n$, fixed points for the limits) sit in the folded blocks. "
    "Each of the seed's formulas has a computed verdict.":
        "原答案用 log-sum-exp 对 $\\max$ 做平滑近似来回答 A6.2 ①。下面每个公式都按一般的 $n$ 给出；"
        "实际验证过的具体情形（若干个 $n$、求极限用的固定点）收在折叠块里。原答案的每个公式都有计算得出的结论。",
    "log-sum-exp": "log-sum-exp（LSE）",
    "smooth maximum at temperature t > 0": "温度 t > 0 下的平滑最大值",
    "its gradient": "它的梯度",
    # --- steps: the bounds --------------------------------------------------------------------------------
    "LSE is the log of a sum of exponentials": "LSE 是指数和的对数",
    "The definition the seed starts from.": "原答案出发的定义。",
    "The largest exponential is one term of the sum": "最大的指数项是和中的一项",
    "With $m = \\max_i x_i$, one term of the sum is $e^{m}$ and the others are positive.":
        "记 $m = \\max_i x_i$，和中有一项等于 $e^{m}$，其余各项都为正。",
    "The sum is at most n times the largest exponential": "指数和不超过最大指数项的 n 倍",
    "Each of the $n$ terms is at most $e^{m}$; equality needs all entries equal.":
        "$n$ 项中每一项都不超过 $e^{m}$；只有各分量全相等时取等号。",
    "Lower bound: max ≤ LSE": "下界：max ≤ LSE",
    "Take logarithms of the lower bound on the sum (log is increasing).": "对指数和的下界取对数（log 单调递增）。",
    "Upper bound: LSE ≤ max + log n": "上界：LSE ≤ max + log n",
    "Take logarithms of the upper bound on the sum.": "对指数和的上界取对数。",
    "For t > 0, max(t𝐱) = t·max(𝐱)": "t > 0 时 max(t𝐱) = t·max(𝐱)",
    "A positive factor keeps the order of the entries.": "乘以正数不改变各分量的大小顺序。",
    "With a temperature: max ≤ (1/t)·LSE(t𝐱)": "加入温度：max ≤ (1/t)·LSE(t𝐱)",
    "Apply the lower bound to $t\\mathbf{x}$ and divide by $t > 0$.": "把下界用于 $t\\mathbf{x}$，再除以 $t > 0$。",
    "With a temperature: (1/t)·LSE(t𝐱) ≤ max + log(n)/t": "加入温度：(1/t)·LSE(t𝐱) ≤ max + log(n)/t",
    "Apply the upper bound to $t\\mathbf{x}$ and divide by $t$: the smooth maximum is at most $\\log(n)/t$ above "
    "max, a gap that shrinks as $t$ grows.":
        "把上界用于 $t\\mathbf{x}$ 再除以 $t$：平滑最大值比 max 至多大 $\\log(n)/t$，这个差距随 $t$ 增大而缩小。",
    "As t → ∞, (1/t)·LSE(t𝐱) → max(𝐱)": "t → ∞ 时 (1/t)·LSE(t𝐱) → max(𝐱)",
    "The two bounds squeeze the smooth maximum onto max. SymPy's limit, taken on $\\frac{1}{t}\\log\\sum_j e^{t "
    "x_j}$ at points with and without ties, confirms it.":
        "上下两个界把平滑最大值夹逼到 max。在有并列和无并列的固定点上，用 SymPy 对 "
        "$\\frac{1}{t}\\log\\sum_j e^{t x_j}$ 求极限，结果与此一致。",
    # --- steps: the gradients -----------------------------------------------------------------------------
    "∇LSE = softmax, by the chain rule": "由链式法则：∇LSE = softmax",
    "Differentiate $\\log\\sum_j e^{x_j}$ by the chain rule: entry $i$ of the gradient is $e^{x_i}/\\sum_j e^{x_j}$, "
    "the $i$-th entry of $\\operatorname{softmax}(\\mathbf{x})$.":
        "用链式法则对 $\\log\\sum_j e^{x_j}$ 求导：梯度的第 $i$ 个分量是 $e^{x_i}/\\sum_j e^{x_j}$，"
        "即 $\\operatorname{softmax}(\\mathbf{x})$ 的第 $i$ 个分量。",
    "∇ of (1/t)·LSE(t𝐱) = softmax(t𝐱)": "(1/t)·LSE(t𝐱) 的梯度 = softmax(t𝐱)",
    "The chain rule brings out a factor $t$ that cancels the $1/t$. Checked for $n = 3$ and, in the vector form "
    "that the generated code computes, for every $n$ from 1 to 6.":
        "链式法则带出的因子 $t$ 正好与 $1/t$ 相消。对 $n = 3$ 做了验证，并对 $n$ = 1 到 6 "
        "验证了生成代码所用的向量形式。",
    "softmax sums to one": "softmax 各分量之和为 1",
    "So the gradient of the smooth maximum is a probability vector: a weighted average of the coordinate "
    "directions.":
        "所以平滑最大值的梯度是一个概率向量，即各坐标方向的加权平均。",
    # --- steps: the limit t → ∞ ---------------------------------------------------------------------------
    "As t → ∞, softmax(t𝐱) → one-hot(argmax), equal shares at a tie":
        "t → ∞ 时 softmax(t𝐱) → one-hot(argmax)，并列时平分",
    "Divide numerator and denominator by $e^{t\\max\\mathbf{x}}$: entries below the maximum vanish, the $k$ tied "
    "maximal entries each tend to $1/k$. Call this limit $\\mathbf{g}$.":
        "分子分母同除以 $e^{t\\max\\mathbf{x}}$：小于最大值的分量趋于 0，并列取到最大值的 $k$ 个分量各趋于 "
        "$1/k$。把这个极限记作 $\\mathbf{g}$。",
    "How fast: ‖softmax(t𝐱) − 𝐠‖₁ ≤ 2(n−1)·exp(−tδ), δ the gap to the runner-up":
        "收敛速度：‖softmax(t𝐱) − 𝐠‖₁ ≤ 2(n−1)·exp(−tδ)，δ 为最大值与次大值之差",
    "With $s = \\operatorname{softmax}(t\\mathbf{x})$ and $k^*$ the position of the maximum, $1 - s_{k^*} = "
    "\\sum_{j \\ne k^*} s_j \\le (n-1)e^{-t\\delta}$, where $\\delta$ is the largest entry minus the second largest "
    "(checked for $n = 2, 3, 5$). So $t$ must be large compared with $1/\\delta$: near a tie no fixed $t$ is large "
    "enough.":
        "记 $s = \\operatorname{softmax}(t\\mathbf{x})$，$k^*$ 为最大值所在位置，则 $1 - s_{k^*} = "
        "\\sum_{j \\ne k^*} s_j \\le (n-1)e^{-t\\delta}$，其中 $\\delta$ 是最大分量减去次大分量"
        "（对 $n = 2, 3, 5$ 做了验证）。因此 $t$ 必须远大于 $1/\\delta$：在接近并列处，任何固定的 $t$ 都不够大。",
    "Where the maximum is unique, ∇max = one-hot(argmax) = lim softmax(t𝐱)":
        "最大值唯一时，∇max = one-hot(argmax) = lim softmax(t𝐱)",
    "$\\delta > 0$ says the maximum is attained once; then max equals one fixed coordinate near $\\mathbf{x}$, and "
    "its gradient is that coordinate's unit vector. Shown by comparing the right and left difference quotients "
    "of max (exact for a step $h$ below the gaps between entries) with the limit at small integer points, where "
    "ties are frequent: they agree wherever the maximum is attained once, and a tie is a counter-example.":
        "$\\delta > 0$ 表示最大值只在一个位置取到；这时在 $\\mathbf{x}$ 附近 max 就等于某个固定的坐标，"
        "梯度就是该坐标方向的单位向量。验证方法：在容易出现并列的小整数点上，把 max 的右差商和左差商"
        "（步长 $h$ 小于分量间的差距时是精确的）与极限比较——凡是最大值唯一的点两者都相等，而并列点就是反例。",
    "At a tie, the limit is a subgradient, and the smallest one": "有并列时，极限是一个次梯度，而且是范数最小的那个",
    "max is convex; at a tie its subgradients are the convex combinations of the tied $e_i$. The first line says "
    "$\\mathbf{g}$ is one of them (for every direction $\\mathbf{d}$), the second that no weights $\\mathbf{w}$ on "
    "the tied entries ($w_i > 0$, $\\sum w_i = 1$) have a smaller norm; both are checked for a two-way and a "
    "three-way tie. max itself has no gradient there: its right and left derivatives along a tied $e_i$ differ.":
        "max 是凸函数；有并列时，它的次梯度就是并列位置上 $e_i$ 的凸组合。第一行说明 $\\mathbf{g}$ 是其中之一"
        "（对任意方向 $\\mathbf{d}$ 成立），第二行说明并列位置上的任何权重 $\\mathbf{w}$（$w_i > 0$，"
        "$\\sum w_i = 1$）的范数都不比它小；两者都对两个和三个分量并列的情形做了验证。max 在这里本身没有梯度："
        "沿并列的 $e_i$ 方向，它的右导数与左导数不相等。",
    # --- the seed's claims --------------------------------------------------------------------------------
    "A6.2 ①, first paragraph": "A6.2 ①，第一段",
    "True as an approximation within log n; the error does not vanish unless a temperature is added.":
        "作为误差不超过 log n 的近似是对的；但不引入温度，误差不会消失。",
    "LSE is smooth and lies between max and max + log n.": "LSE 处处光滑，且介于 max 与 max + log n 之间。",
    "A6.2 ①, after m = max x_i": "A6.2 ①，“令 m = max x_i”之后",
    "One term of the sum is exp(m), and each of the n terms is at most exp(m).":
        "和中有一项是 exp(m)，而 n 项中每一项都不超过 exp(m)。",
    "A6.2 ①, after taking logarithms": "A6.2 ①，取对数之后",
    "The logarithm of the line before (log is increasing); it holds for every n.":
        "是上一行取对数的结果（log 单调递增）；对任意 n 成立。",
    "A6.2 ①, equation (1)": "A6.2 ①，式 (1)",
    "n ≥ 2 (the strict “<” is new in (1): for n = 1 both sides are equal, and the seed's own previous line has "
    "“≤”)":
        "n ≥ 2（严格的“<”是式 (1) 新引入的：n = 1 时两边相等，而原答案的上一行写的是“≤”）",
    "The strict “<” fails only for n = 1, where LSE(tx_1) = tx_1; for n ≥ 2 it holds.":
        "严格的“<”只在 n = 1 时不成立（此时 LSE(tx_1) = tx_1）；n ≥ 2 时成立。",
    "A6.2 ①, “因为 t > 0”": "A6.2 ①，“因为 t > 0”",
    "n ≥ 2 (for n = 1 the strict lower bound is an equality)": "n ≥ 2（n = 1 时严格下界变成等式）",
    "As in (1): the strict “<” fails only for n = 1; max(t𝐱) = t·max(𝐱) is right since t > 0.":
        "同式 (1)：严格的“<”只在 n = 1 时不成立；由于 t > 0，max(t𝐱) = t·max(𝐱) 是对的。",
    "A6.2 ①, equation (2)": "A6.2 ①，式 (2)",
    "In floating point the strict bound also fails: once t·(max − runner-up) exceeds about 37, (1/t)·LSE(t𝐱) "
    "rounds to max exactly in float64.":
        "在浮点运算中严格下界也会失效：一旦 t·(最大值 − 次大值) 超过约 37，float64 下 (1/t)·LSE(t𝐱) "
        "会被舍入成恰好等于 max。",
    "The strict “<” fails only for n = 1, where (1/t)·LSE(tx_1) = x_1; the upper bound is right.":
        "严格的“<”只在 n = 1 时不成立（此时 (1/t)·LSE(tx_1) = x_1）；上界是对的。",
    "A6.2 ①, after (2)": "A6.2 ①，式 (2) 之后",
    "By (2) the gap is at most log(n)/t; the smooth maximum decreases to max as t grows.":
        "由式 (2)，差距至多为 log(n)/t；随着 t 增大，平滑最大值单调下降并趋于 max。",
    "A6.2 ①, “使用近似(1)”": "A6.2 ①，“使用近似(1)”",
    "The chain rule on log Σ_j exp x_j gives exactly this fraction.": "对 log Σ_j exp x_j 用链式法则，正好得到这个分式。",
    "A6.2 ①, after the partial derivative": "A6.2 ①，偏导数之后",
    "“softmax(x_i)” is read as the i-th entry softmax(𝐱)_i of the softmax of the whole vector":
        "把“softmax(x_i)”理解为整个向量的 softmax 的第 i 个分量 softmax(𝐱)_i",
    "softmax of the single number x_i would be 1; the fraction on the line before shows that the i-th entry "
    "softmax(𝐱)_i is meant.":
        "单个数 x_i 的 softmax 恒为 1；由上一行的分式可知，这里指的是第 i 个分量 softmax(𝐱)_i。",
    "A6.2 ①, “使用近似(2)”": "A6.2 ①，“使用近似(2)”",
    "“softmax(x_i)” is read as the i-th entry softmax(𝐱)_i of the softmax of the whole vector (the first "
    "equality is right as written)":
        "把“softmax(x_i)”理解为整个向量的 softmax 的第 i 个分量 softmax(𝐱)_i（第一个等号按原文就是对的）",
    "The first equality is right; the second holds with softmax(tx_i) read as the i-th entry softmax(t𝐱)_i, as "
    "the fraction before it shows.":
        "第一个等号是对的；第二个等号在把 softmax(tx_i) 理解为第 i 个分量 softmax(t𝐱)_i 时成立，"
        "前面的分式也表明了这一点。",
    "A6.2 ①, last formula": "A6.2 ①，最后一个公式",
    "the maximum is attained at a single index; at a tie max has no gradient and the limit (equal weights on the "
    "tied entries) is only the minimum-norm subgradient":
        "最大值只在一个位置取到；有并列时 max 没有梯度，极限（在并列位置上平分权重）只是范数最小的次梯度",
    "It fails only at a tie of the maximum, where max has no gradient; the limit there (1/k on the k tied "
    "entries) is the smallest subgradient.":
        "只在最大值有并列时不成立，此时 max 没有梯度；那里的极限（k 个并列位置上各为 1/k）是范数最小的次梯度。",
    # --- plots ----------------------------------------------------------------------------------------------
    "(1/t)·LSE(t·x) against max(x) with the bound band max ≤ · ≤ max + log(n)/t.":
        "(1/t)·LSE(t·x) 与 max(x) 的对比，阴影为界 max ≤ · ≤ max + log(n)/t。",
    "The entries of softmax(t·x) — the gradient of the smooth maximum — as t grows.":
        "随着 t 增大，softmax(t·x)（平滑最大值的梯度）各分量的变化。",
    # --- the summary boxes ----------------------------------------------------------------------------------
    "How close is log-sum-exp to max?": "log-sum-exp 与 max 有多接近？",
    "max ≤ LSE ≤ max + log n; with a temperature t > 0, max < (1/t)·LSE(t𝐱) ≤ max + log(n)/t, so a large t "
    "brings LSE as close to max as wanted.":
        "max ≤ LSE ≤ max + log n；引入温度 t > 0 后有 max < (1/t)·LSE(t𝐱) ≤ max + log(n)/t，"
        "所以 t 足够大时 LSE 可以任意接近 max。",
    "Nothing of substance: only the strict “<” in (1) and (2) fails for n = 1, where both sides are equal; “≤” "
    "holds for every n.":
        "没有实质问题：只有式 (1)、(2) 中严格的“<”在 n = 1 时不成立（两边相等）；“≤”对任意 n 都成立。",
    "since max 𝐱 ≤ (1/t)·LSE(t𝐱) ≤ max 𝐱 + log(n)/t for every t > 0.":
        "因为对任意 t > 0 都有 max 𝐱 ≤ (1/t)·LSE(t𝐱) ≤ max 𝐱 + log(n)/t。",
    "What is the gradient of the smooth maximum (1/t)·LSE(t𝐱)?": "平滑最大值 (1/t)·LSE(t𝐱) 的梯度是什么？",
    "Its partial derivatives: ∂/∂x_i (1/t)·LSE(t𝐱) = exp(tx_i)/(exp(tx_1) + … + exp(tx_n)) = softmax(tx_i).":
        "偏导数为 ∂/∂x_i (1/t)·LSE(t𝐱) = exp(tx_i)/(exp(tx_1) + … + exp(tx_n)) = softmax(tx_i)。",
    "The formula is right; only the name is loose. softmax(tx_i) of the single number tx_i would be 1: what is "
    "meant is the i-th entry softmax(t𝐱)_i, as the fraction before it shows.":
        "公式是对的，只是记号不严谨：单个数 tx_i 的 softmax 恒为 1，这里指的是第 i 个分量 softmax(t𝐱)_i，"
        "前面的分式也表明了这一点。",
    "for every t > 0; the entries are positive and sum to 1.": "对任意 t > 0 成立；各分量为正且和为 1。",
    "What is the gradient of max itself?": "max 本身的梯度是什么？",
    "∂max(𝐱)/∂x_i ≈ softmax(tx_i) as t → +∞ (in practice t is a large constant).":
        "t → +∞ 时 ∂max(𝐱)/∂x_i ≈ softmax(tx_i)（实际中 t 常取一个较大的常数）。",
    "Missing: what the limit is, and where it is a gradient. The limit is one-hot(argmax 𝐱), and it is the "
    "gradient of max exactly where the maximum is attained once. At a tie max has no gradient; the limit, 1/k on "
    "each of the k tied entries, is then its smallest subgradient.":
        "缺少两点：极限是什么，以及它在哪里是梯度。极限是 one-hot(argmax 𝐱)，恰好在最大值唯一的地方它就是 max "
        "的梯度。有并列时 max 没有梯度；此时极限（k 个并列分量上各为 1/k）是范数最小的次梯度。",
    "where the maximum is attained once (δ > 0); the right side is lim softmax(t𝐱), which is one-hot(argmax 𝐱) "
    "there. How fast it is reached: ‖softmax(t𝐱) − 𝐠‖₁ ≤ 2(n−1)·exp(−tδ).":
        "在最大值唯一（δ > 0）的地方成立；右边是 lim softmax(t𝐱)，此时就是 one-hot(argmax 𝐱)。"
        "收敛速度：‖softmax(t𝐱) − 𝐠‖₁ ≤ 2(n−1)·exp(−tδ)。",
    # --- notation ---------------------------------------------------------------------------------------------
    "the input vector (x_1, …, x_n); the exercise calls its length D": "输入向量 (x_1, …, x_n)；题目把它的长度记为 D",
    "the number of entries": "分量个数",
    "the temperature, a positive number": "温度，一个正数",
    "log-sum-exp, the log of a sum of exponentials: log(exp(x_1) + … + exp(x_n))":
        "log-sum-exp，即指数和的对数：log(exp(x_1) + … + exp(x_n))",
    "entry i of softmax(𝐱): exp(x_i) / Σ_j exp(x_j)": "softmax(𝐱) 的第 i 个分量：exp(x_i) / Σ_j exp(x_j)",
    "the largest entry of 𝐱": "𝐱 的最大分量",
    "the gap: the largest entry minus the second largest; δ > 0 exactly when the maximum is attained once":
        "间隔：最大分量减去次大分量；δ > 0 当且仅当最大值只在一个位置取到",
    "lim softmax(t𝐱) as t → ∞: 1/k on each of the k entries equal to max 𝐱, 0 elsewhere; one-hot(argmax 𝐱) "
    "when the maximum is attained once":
        "t → ∞ 时 softmax(t𝐱) 的极限：在等于 max 𝐱 的 k 个分量上各为 1/k，其余为 0；最大值唯一时就是 "
        "one-hot(argmax 𝐱)",
    "short for the limit above": "上一行极限的简写",
    "the step of the difference quotients (max(𝐱 + h·e_k) − max 𝐱)/h": "差商 (max(𝐱 + h·e_k) − max 𝐱)/h 的步长",
    "a direction: any vector of n entries": "方向：任意一个 n 维向量",
    "weights on the tied entries: w_i > 0, Σ w_i = 1": "并列位置上的权重：w_i > 0，Σ w_i = 1",
}
