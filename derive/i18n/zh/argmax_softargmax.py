"""Chinese for the A6.2 ② page (derive/derivations/argmax_softargmax.py and its _argmax_* helpers).

Keys are the English texts exactly as the derivation writes them; when an English text changes, its entry
must change with it (the Chinese build fails on a missing one). Formulas and the seed's quotes are not
translated."""
ZH: dict[str, str] = {
    "argmax is piecewise constant: its gradient is 0 where the maximum is unique and does not exist at ties. The soft-argmax S_t = Σ_i i·softmax(t𝐱)_i is a smooth surrogate with the gradient ∂S_t/∂x_j = t·s_j·(j − S_t), derived here for every n; the seed's formula drops the cross terms.":
        'argmax 是分段常数函数：在最大值唯一处梯度为 0，在并列最大值处梯度不存在。soft-argmax S_t = Σ_i i·softmax(t𝐱)_i 是它的光滑替代，梯度为 ∂S_t/∂x_j = t·s_j·(j − S_t)，本页对任意 n 推导；原答案的公式漏掉了交叉项。',
    "The exact answer first: **argmax has gradient 0 wherever the maximum is unique, and no gradient at ties** (steps 1–2). A usable surrogate must be smooth, tend to argmax, and be shift invariant like argmax; the seed's soft-argmax $S_t$ is one. Its gradient is derived for general $n$ (and checked on $n = 2 \\dots 6$), and every formula of the seed's A6.2 ② gets a verdict below.":
        '先给出精确答案：**argmax 在最大值唯一处梯度为 0，在并列处没有梯度**（第 1–2 步）。可用的替代函数必须光滑、趋于 argmax，并且像 argmax 一样不受整体平移的影响；原答案的 soft-argmax $S_t$ 正是这样的函数。下面对一般的 $n$ 推导它的梯度（并在 $n = 2 \\dots 6$ 上逐一验证），原答案 A6.2 ② 中的每个公式都在下文给出判定。',
    'soft-argmax at temperature t > 0, indices counted from 1':
        '温度 t > 0 的 soft-argmax，下标从 1 开始',
    'its gradient for every n, with s_j = softmax(t𝐱)_j (derived below)':
        '对任意 n 的梯度，其中 s_j = softmax(t𝐱)_j（推导见下文）',
    'the same in vector form, 𝐬 = softmax(t𝐱) and 𝐢 = (1, 2, …, n)ᵀ':
        '同一结果的向量形式，𝐬 = softmax(t𝐱)，𝐢 = (1, 2, …, n)ᵀ',
    'argmax is locally constant where the maximum is unique':
        '最大值唯一时，argmax 局部为常数',
    'Moving each entry by less than $\\delta/2$ cannot let another entry overtake the maximum. So on a neighbourhood argmax is a constant: **every partial derivative is 0**. That is the exact answer to A6.2 ② wherever the maximum is unique — and a zero gradient carries no training signal.':
        '每个分量的变化都小于 $\\delta/2$ 时，其他分量无法超过最大值。所以在一个邻域内 argmax 是常数：**所有偏导数都为 0**。这就是最大值唯一时 A6.2 ② 的精确答案——而梯度为 0 意味着没有任何训练信号。',
    'argmax(𝐱 + 𝐡) = argmax(𝐱) whenever every |h_i| < δ/2, δ the gap between the two largest entries (n = 2 … 6)':
        '只要每个 |h_i| < δ/2（δ 为最大的两个分量之差），就有 argmax(𝐱 + 𝐡) = argmax(𝐱)（n = 2 … 6）',
    'At a tie argmax jumps: no derivative, not even continuity':
        '并列最大值处 argmax 跳变：没有导数，甚至不连续',
    'The jump $b - a \\ge 1$ does not shrink with $\\varepsilon$, so the difference quotient grows like $1/\\varepsilon$. A useful surrogate must therefore be smooth, tend to argmax where the maximum is unique, and — like argmax — ignore a common shift of all entries.':
        '跳变量 $b - a \\ge 1$ 不随 $\\varepsilon$ 缩小，所以差商像 $1/\\varepsilon$ 一样增长。因此有用的替代函数必须光滑，在最大值唯一处趋于 argmax，并且像 argmax 一样不受所有分量同加一个数的影响。',
    'at a tie between positions a < b, argmax(𝐱 + ε e_a) = a and argmax(𝐱 + ε e_b) = b for ε = 1e-3, 1e-12, 1e-30':
        '在位置 a < b 并列最大时，对 ε = 1e-3、1e-12、1e-30 都有 argmax(𝐱 + ε e_a) = a 且 argmax(𝐱 + ε e_b) = b',
    'The soft-argmax in elementary form':
        'soft-argmax 的初等形式',
    '$S_t(\\mathbf{x}) = \\sum_i i\\,\\operatorname{softmax}(t\\mathbf{x})_i$, indices counted from 1 as in the seed.':
        '$S_t(\\mathbf{x}) = \\sum_i i\\,\\operatorname{softmax}(t\\mathbf{x})_i$，下标与原答案一样从 1 开始。',
    'For n = 2 it is a shifted sigmoid':
        'n = 2 时它是平移后的 sigmoid',
    'So its slope at the tie $x_1 = x_2$ is $t/4$: the larger $t$, the steeper the step.':
        '所以它在并列点 $x_1 = x_2$ 处的斜率为 $t/4$：$t$ 越大，台阶越陡。',
    'General n: the gradient by the quotient rule':
        '一般的 n：用商的求导法则求梯度',
    'Split the $j$-th terms off both sums: $S_t = (R_N + j e^{t x_j})/(R_D + e^{t x_j})$ where $R_N = \\sum_{i \\ne j} i e^{t x_i}$ and $R_D = \\sum_{i \\ne j} e^{t x_i}$ do not depend on $x_j$. Nothing here depends on $n$: the result is $t\\,s_j$ times $j$ minus $S_t$ itself, so the closed form holds for every $n$.':
        '把两个求和中的第 $j$ 项分出来：$S_t = (R_N + j e^{t x_j})/(R_D + e^{t x_j})$，其中 $R_N = \\sum_{i \\ne j} i e^{t x_i}$ 与 $R_D = \\sum_{i \\ne j} e^{t x_i}$ 不含 $x_j$。这里没有任何地方依赖 $n$：结果是 $t\\,s_j$ 乘以 $j$ 减去 $S_t$ 本身，所以这个闭式对任意 $n$ 成立。',
    'The closed form on n = 2 … 6, entry by entry':
        '在 n = 2 … 6 上逐个分量验证闭式',
    'Differentiating $\\sum_k k\\,s_k$ term by term, with $\\partial s_j/\\partial x_j = t\\,s_j(1 - s_j)$ and $\\partial s_k/\\partial x_j = -t\\,s_k s_j$ for $k \\ne j$, gives the same closed form.':
        '对 $\\sum_k k\\,s_k$ 逐项求导，利用 $\\partial s_j/\\partial x_j = t\\,s_j(1 - s_j)$ 以及 $k \\ne j$ 时 $\\partial s_k/\\partial x_j = -t\\,s_k s_j$，得到同一个闭式。',
    'In vector form: the softmax Jacobian applied to the index vector':
        '向量形式：softmax 的雅可比矩阵作用于下标向量',
    "The softmax Jacobian is $t(\\operatorname{diag}(\\mathbf{s}) - \\mathbf{s}\\mathbf{s}^{\\top})$ (symmetric) and $S_t = \\mathbf{i}^{\\top}\\mathbf{s}$, so the chain rule applies it to $\\mathbf{i} = (1, 2, \\dots, n)^{\\top}$. Its diagonal alone gives $t\\,i\\,s_i(1 - s_i)$, the seed's formula; the off-diagonal entries $-t\\,s_i s_k$ are what the seed leaves out.":
        'softmax 的雅可比矩阵是 $t(\\operatorname{diag}(\\mathbf{s}) - \\mathbf{s}\\mathbf{s}^{\\top})$（对称矩阵），而 $S_t = \\mathbf{i}^{\\top}\\mathbf{s}$，由链式法则，梯度就是它作用于 $\\mathbf{i} = (1, 2, \\dots, n)^{\\top}$ 的结果。只取对角线得到 $t\\,i\\,s_i(1 - s_i)$，即原答案的公式；原答案漏掉的正是非对角元 $-t\\,s_i s_k$。',
    'The closed form against the elementary quotient':
        '用初等商式再验证闭式',
    'This check differentiates exponentials only, without the softmax derivative used above.':
        '这一验证只对指数函数求导，不用到上面 softmax 的求导法则。',
    'The gradient sums to t·S_t·(1 − Σ_k s_k) …':
        '梯度各分量之和为 t·S_t·(1 − Σ_k s_k) ……',
    '$\\sum_j t s_j (j - S_t) = t\\sum_j j s_j - t S_t \\sum_j s_j$ and $\\sum_j j s_j = S_t$ (checked for n = 2 … 6).':
        '$\\sum_j t s_j (j - S_t) = t\\sum_j j s_j - t S_t \\sum_j s_j$，且 $\\sum_j j s_j = S_t$（对 n = 2 … 6 验证）。',
    '… and softmax sums to one, so the gradient sums to zero':
        '……而 softmax 各分量之和为 1，所以梯度各分量之和为 0',
    'So $S_t(\\mathbf{x} + c\\mathbf{1}) = S_t(\\mathbf{x})$: the shift invariance that argmax itself has, and that any surrogate gradient of argmax must have. Hence the entry at $k = \\operatorname{argmax}\\mathbf{x}$ equals minus the sum of the others. The generated code uses this: there $j - S_t$ is a difference of nearly equal numbers when $t\\delta$ is large, while the other entries have no such cancellation.':
        '所以 $S_t(\\mathbf{x} + c\\mathbf{1}) = S_t(\\mathbf{x})$：这是 argmax 本身具有的平移不变性，argmax 的任何替代梯度也必须具有。因此 $k = \\operatorname{argmax}\\mathbf{x}$ 处的分量等于其余分量之和的相反数。生成的代码利用了这一点：当 $t\\delta$ 很大时，该处的 $j - S_t$ 是两个几乎相等的数之差，而其余分量没有这种相消。',
    "The code's shifted form: divide by e^{t·max 𝐱}":
        '代码中的平移形式：分子分母同除以 e^{t·max 𝐱}',
    'Dividing numerator and denominator by $e^{t\\max\\mathbf{x}}$ changes nothing and keeps every exponential in $[0, 1]$, so $|t x|$ of $10^4$ neither overflows nor produces NaN. The generated code evaluates exactly these shifted quotients (its statements are printed from them below).':
        '分子分母同除以 $e^{t\\max\\mathbf{x}}$ 不改变结果，并使每个指数都落在 $[0, 1]$ 内，所以即使 $|t x|$ 达到 $10^4$ 也不会上溢或产生 NaN。生成的代码计算的正是这些平移后的商（其语句由它们打印而来，见下文）。',
    "The seed's formula exceeds each true component by the missing cross terms (general n)":
        '原答案的公式比每个真实分量多出被漏掉的交叉项（一般的 n）',
    '$t\\,j\\,s_j(1 - s_j)$ is the derivative of the $j$-th term $j\\,s_j$ alone. The other terms $i\\,s_i$ depend on $x_j$ too ($\\partial s_i/\\partial x_j = -t s_i s_j$); dropping them overstates every component by $t\\,s_j\\sum_{i \\ne j} i\\,s_i = t\\,s_j(S_t - j\\,s_j) > 0$, which in the split of the quotient-rule step is $t\\,s_j R_N/(R_D + e^{t x_j})$.':
        '$t\\,j\\,s_j(1 - s_j)$ 只是第 $j$ 项 $j\\,s_j$ 的导数。其他项 $i\\,s_i$ 同样依赖 $x_j$（$\\partial s_i/\\partial x_j = -t s_i s_j$）；漏掉它们会使每个分量都多出 $t\\,s_j\\sum_{i \\ne j} i\\,s_i = t\\,s_j(S_t - j\\,s_j) > 0$，用商的求导那一步的记号写就是 $t\\,s_j R_N/(R_D + e^{t x_j})$。',
    'Where the maximum is unique, S_t → argmax as t → ∞':
        '最大值唯一时，t → ∞ 时 S_t → argmax',
    "Divide by $e^{t\\max\\mathbf{x}}$ (the seed's own argument): each term $e^{-t(\\max - x_i)}$ tends to 0 unless $x_i$ is maximal; the denominator tends to a number $\\ge 1$.":
        '分子分母同除以 $e^{t\\max\\mathbf{x}}$（原答案自己的论证）：除非 $x_i$ 是最大值，每一项 $e^{-t(\\max - x_i)}$ 都趋于 0；分母趋于一个不小于 1 的数。',
    'lim_{t→∞} S_t(𝐩) = argmax 𝐩 at fixed points 𝐩 with a unique maximum, each limit of e^{−t(max 𝐩 − p_i)} computed exactly':
        '在最大值唯一的固定点 𝐩 上，lim_{t→∞} S_t(𝐩) = argmax 𝐩，其中每个 e^{−t(max 𝐩 − p_i)} 的极限都精确计算',
    'Error bound in t and the gap δ':
        '关于 t 和差距 δ 的误差界',
    '$S_t - k^* = \\sum_{i \\ne k^*}(i - k^*)s_i$ and $s_i \\le e^{-t\\delta}$ for $i \\ne k^*$, while $\\sum_{i \\ne k^*}|i - k^*| \\le n(n-1)/2$. So $t$ must be large compared with $1/\\delta$: near a tie no fixed $t$ is large enough.':
        '$S_t - k^* = \\sum_{i \\ne k^*}(i - k^*)s_i$，对 $i \\ne k^*$ 有 $s_i \\le e^{-t\\delta}$，而 $\\sum_{i \\ne k^*}|i - k^*| \\le n(n-1)/2$。所以 $t$ 必须远大于 $1/\\delta$：在接近并列的地方，任何固定的 $t$ 都不够大。',
    '|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ} (n = 2 … 7, t from 0.01 to 1000)':
        '|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ}（n = 2 … 7，t 取 0.01 到 1000）',
    'The gradient vanishes as t → ∞ where the maximum is unique':
        '最大值唯一时，t → ∞ 时梯度消失',
    'For $j \\ne k^*$: $|t s_j (j - S_t)| \\le t(n-1)e^{-t\\delta}$; for $k^*$: $|t s_{k^*}(k^* - S_t)| \\le t\\,|S_t - k^*| \\le t\\,n(n-1)/2\\,e^{-t\\delta}$. The surrogate turns back into argmax, zero gradient included.':
        '对 $j \\ne k^*$：$|t s_j (j - S_t)| \\le t(n-1)e^{-t\\delta}$；对 $k^*$：$|t s_{k^*}(k^* - S_t)| \\le t\\,|S_t - k^*| \\le t\\,n(n-1)/2\\,e^{-t\\delta}$。替代函数又变回了 argmax，连梯度为 0 也一样。',
    '‖∇S_t(𝐱)‖₁ ≤ t(n−1)(3n−2)/2 · e^{−tδ}':
        '‖∇S_t(𝐱)‖₁ ≤ t(n−1)(3n−2)/2 · e^{−tδ}',
    'At a tie the gradient grows like t (n = 2, exact)':
        '并列最大值处梯度随 t 线性增长（n = 2，精确）',
    '$S_t$ jumps from 1 to 2 across $x_1 = x_2$ in a layer of width $\\sim 1/t$.':
        '$S_t$ 在宽度约为 $1/t$ 的一层内穿过 $x_1 = x_2$，从 1 跳到 2。',
    'A6.2 ②, smoothing chain, lines 1–2':
        'A6.2 ②，光滑化推导链，第 1–2 行',
    'Subtracting max 𝐱 from every entry keeps their order, so the maximum stays where it is.':
        '所有分量同减 max 𝐱 不改变它们的大小顺序，所以最大值的位置不变。',
    'argmax(𝐱) = argmax(𝐱 − max 𝐱) as sets (n = 1 … 6, ties included)':
        'argmax(𝐱) = argmax(𝐱 − max 𝐱)，作为集合相等（n = 1 … 6，含并列）',
    'A6.2 ②, smoothing chain, line 3':
        'A6.2 ②，光滑化推导链，第 3 行',
    'exp is strictly increasing, so it keeps the order of the entries.':
        'exp 严格单调递增，所以不改变各分量的大小顺序。',
    'argmax(𝐱 − max 𝐱) = argmax(e^{𝐱 − max 𝐱}) as sets (exp is increasing)':
        'argmax(𝐱 − max 𝐱) = argmax(e^{𝐱 − max 𝐱})，作为集合相等（exp 单调递增）',
    'A6.2 ②, smoothing chain, line 4 (the circled step)':
        'A6.2 ②，光滑化推导链，第 4 行（所圈的一步）',
    'The smoothing of max from ① is not needed for this step.':
        '这一步并不需要 ① 中 max 的光滑化。',
    'Subtracting LSE(𝐱) instead of max 𝐱 shifts every entry by the same number, which never moves an argmax: the step even holds with “=”.':
        '减去 LSE(𝐱) 而不是 max 𝐱，只是给每个分量减去同一个数，不会改变 argmax：这一步甚至可以写成“=”。',
    'argmax(e^{𝐱 − max 𝐱}) = argmax(e^{𝐱 − LSE(𝐱)}) as sets: both shift every entry by the same number':
        'argmax(e^{𝐱 − max 𝐱}) = argmax(e^{𝐱 − LSE(𝐱)})，作为集合相等：两者都只是给每个分量减去同一个数',
    'A6.2 ②, smoothing chain, lines 5–6':
        'A6.2 ②，光滑化推导链，第 5–6 行',
    'a temperature is added — softmax(t𝐱) with tδ large, δ the gap between the two largest entries — and the maximum is unique; at t = 1 near a tie softmax(𝐱) is nowhere near one-hot':
        '加入温度——softmax(t𝐱)，且 tδ 足够大（δ 为最大的两个分量之差）——并且最大值唯一；t = 1 时在接近并列处 softmax(𝐱) 与 one-hot 相去甚远',
    'The last equality is exact. Replacing one-hot(argmax 𝐩) by 𝐩 itself is the actual approximation, and it is a good one only when one probability dominates.':
        '最后的等号是精确的。真正的近似是用 𝐩 本身代替 one-hot(argmax 𝐩)，只有当某个概率占绝对优势时这个近似才好。',
    '“≈” needs a temperature, softmax(t𝐱) with tδ large: at t = 1 softmax(𝐱) can be far from one-hot, e.g. softmax(0, 0, 0.5) = (0.27, 0.27, 0.45).':
        '“≈”需要温度，即 tδ 足够大的 softmax(t𝐱)：t = 1 时 softmax(𝐱) 可能离 one-hot 很远，例如 softmax(0, 0, 0.5) = (0.27, 0.27, 0.45)。',
    'one-hot(argmax softmax(𝐱)) ≈ softmax(𝐱) in the weakest sense: ‖softmax(𝐱) − one-hot(argmax 𝐱)‖∞ < 1/2, i.e. softmax(𝐱) is nearer the right one-hot vector than any wrong one (t = 1)':
        '最弱意义下的 one-hot(argmax softmax(𝐱)) ≈ softmax(𝐱)：‖softmax(𝐱) − one-hot(argmax 𝐱)‖∞ < 1/2，即 softmax(𝐱) 离正确的 one-hot 向量比离任何错误的都近（t = 1）',
    '‖softmax(t𝐱) − one-hot(argmax 𝐱)‖₁ ≤ 2(n−1)e^{−tδ} → 0 (t from 0.01 to 1000, unique maximum)':
        '‖softmax(t𝐱) − one-hot(argmax 𝐱)‖₁ ≤ 2(n−1)e^{−tδ} → 0（t 取 0.01 到 1000，最大值唯一）',
    'A6.2 ②, argmax as an index sum':
        'A6.2 ②，把 argmax 写成下标加权和',
    'Exact wherever argmax is a single index; at a tie one-hot(argmax) is not defined.':
        '只要 argmax 是单个下标就精确成立；并列时 one-hot(argmax) 没有定义。',
    'one-hot(argmax 𝐱) has its single 1 at position argmax 𝐱, so the sum picks out that index.':
        'one-hot(argmax 𝐱) 唯一的 1 在位置 argmax 𝐱，所以这个求和恰好取出该下标。',
    'argmax 𝐱 = Σ_i i·one-hot(argmax 𝐱)_i (n = 1 … 8, indices from 1)':
        'argmax 𝐱 = Σ_i i·one-hot(argmax 𝐱)_i（n = 1 … 8，下标从 1 开始）',
    'A6.2 ②, first soft-argmax display':
        'A6.2 ②，第一个 soft-argmax 公式',
    'a temperature t is added with tδ ≫ log(n²/2), δ the gap between the two largest entries, and the maximum is unique':
        '加入温度 t，使 tδ ≫ log(n²/2)（δ 为最大的两个分量之差），并且最大值唯一',
    'The equality is exact; the “≈” is poor at t = 1: S_1 is pulled towards the middle index (n + 1)/2 by every non-maximal entry.':
        '其中的等号是精确的；但 t = 1 时“≈”很差：每个非最大的分量都把 S_1 拉向中间下标 (n + 1)/2。',
    'The equality is exact, but at t = 1 the “≈” is coarse: S_1(0, 0, 1) = 2.36 while argmax = 3. It needs a temperature with tδ large, which the seed adds two displays later.':
        '等号是精确的，但 t = 1 时“≈”很粗糙：S_1(0, 0, 1) = 2.36，而 argmax = 3。需要 tδ 足够大的温度，原答案在两个公式之后才加入。',
    '|S_1(𝐱) − argmax 𝐱| < 1/2: rounding the soft-argmax recovers the argmax (t = 1)':
        '|S_1(𝐱) − argmax 𝐱| < 1/2：把 soft-argmax 四舍五入能还原 argmax（t = 1）',
    '|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ} (t from 0.01 to 1000, unique maximum)':
        '|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ}（t 取 0.01 到 1000，最大值唯一）',
    'A6.2 ②, first gradient formula':
        'A6.2 ②，第一个梯度公式',
    'With s_i = softmax(𝐱)_i as the seed defines it in ①, the formula is the derivative of the i-th term i·s_i alone; the true gradient of Σ_k k·s_k is s_i(i − Σ_k k·s_k). The seed drops −s_i·Σ_{k≠i} k·s_k, so every component is too large (see the general-n step).':
        '按原答案在 ① 中的定义 s_i = softmax(𝐱)_i，这个公式只是第 i 项 i·s_i 的导数；Σ_k k·s_k 的真实梯度是 s_i(i − Σ_k k·s_k)。原答案漏掉了 −s_i·Σ_{k≠i} k·s_k，所以每个分量都偏大（见一般 n 的那一步）。',
    'Only the i-th term i·s_i is differentiated, but every s_k depends on x_i: at 𝐱 = (0, 0) the seed gives +1/4 for i = 1, the true derivative is −1/4.':
        '只对第 i 项 i·s_i 求了导，但每个 s_k 都依赖 x_i：在 𝐱 = (0, 0) 处，原答案给出 i = 1 的分量为 +1/4，真实导数为 −1/4。',
    'A6.2 ②, second soft-argmax display':
        'A6.2 ②，第二个 soft-argmax 公式',
    'the missing index is restored: Σ_i i·softmax(𝐱)_i':
        '补上漏掉的下标：Σ_i i·softmax(𝐱)_i',
    'Without the index, Σ_i i·softmax(𝐱) = n(n+1)/2·softmax(𝐱) is a vector, not the scalar on the right. With it, the display repeats the first one: it is not a closer approximation.':
        '没有下标时，Σ_i i·softmax(𝐱) = n(n+1)/2·softmax(𝐱) 是一个向量，而不是右边的标量。补上下标后，这个公式与第一个完全相同：并不是更接近的近似。',
    'The subscript i is missing (a vector, not a number); with it the display repeats the first one.':
        '漏了下标 i（于是左边是向量而不是数）；补上后它与第一个公式相同。',
    'A6.2 ②, the temperature form and its limit':
        'A6.2 ②，带温度的形式及其极限',
    'the maximum is unique (and softmax(tx_i) is read as softmax(t𝐱)_i)':
        '最大值唯一（并把 softmax(tx_i) 理解为 softmax(t𝐱)_i）',
    'S_t tends to the index argmax 𝐱, not to the vector one-hot(argmax 𝐱) (that is the limit of softmax(t𝐱)). At a tie it tends to the mean of the tied positions, which may not be a maximiser at all.':
        'S_t 趋于下标 argmax 𝐱，而不是向量 one-hot(argmax 𝐱)（那是 softmax(t𝐱) 的极限）。并列时它趋于并列位置的平均，这个平均甚至可能不是最大值的位置。',
    'True where the maximum is unique; at a tie S_t tends to the mean of the tied positions: S_t(1, 0, 1) → 2, and x_2 is not a maximum.':
        '最大值唯一时成立；并列时 S_t 趋于并列位置的平均：S_t(1, 0, 1) → 2，而 x_2 并不是最大值。',
    'lim_{t→∞} S_t(𝐩) is an argmax of 𝐩, at fixed points with and without ties (exact limits)':
        '在有并列和无并列的固定点上，lim_{t→∞} S_t(𝐩) 都是 𝐩 的一个 argmax（精确极限）',
    'lim_{t→∞} S_t(𝐩) = argmax 𝐩 where the maximum is unique (exact limits)':
        '最大值唯一时 lim_{t→∞} S_t(𝐩) = argmax 𝐩（精确极限）',
    'A6.2 ②, “显然，这是一个更接近的近似”':
        'A6.2 ②，“显然，这是一个更接近的近似”',
    '“closer” is read as “a smaller error bound”: the bound n(n−1)/2·e^{−tδ} decreases with t, the error itself need not (as t → 0, S_t → (n+1)/2, which is exact when the argmax is the middle index)':
        '把“更接近”理解为“误差界更小”：误差界 n(n−1)/2·e^{−tδ} 随 t 减小，误差本身却不一定（t → 0 时 S_t → (n+1)/2，当 argmax 恰为中间下标时这反而是精确的）',
    'The error bound decreases with t, the error itself need not: for 𝐱 = (0, 1, 0.5) it is 0.016 at t = 0.1 but 0.12 at t = 1.':
        '误差界随 t 减小，误差本身却不一定：对 𝐱 = (0, 1, 0.5)，t = 0.1 时误差为 0.016，t = 1 时却为 0.12。',
    '|S_t(𝐱) − argmax 𝐱| does not increase with t (random 𝐱, t₁ < t₂ from 0.01 to 100)':
        '|S_t(𝐱) − argmax 𝐱| 不随 t 增大而增大（随机 𝐱，t₁ < t₂ 取自 0.01 到 100）',
    '|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ}, a bound that decreases with t':
        '|S_t(𝐱) − argmax 𝐱| ≤ n(n−1)/2 · e^{−tδ}，这个界随 t 减小',
    'A6.2 ②, the parenthesis after the temperature form':
        'A6.2 ②，带温度形式后的括号说明',
    'the maximum is unique; at a tie of k entries each tends to 1/k':
        '最大值唯一；k 个分量并列时每个都趋于 1/k',
    'True where the maximum is unique; at a tie of k entries each tends to 1/k: softmax(t·(1, 0, 1)) → (1/2, 0, 1/2).':
        '最大值唯一时成立；k 个分量并列时每个都趋于 1/k：softmax(t·(1, 0, 1)) → (1/2, 0, 1/2)。',
    'lim_{t→∞} softmax(t𝐩)_i is 1 at the maximum and 0 elsewhere, at fixed points with and without ties (exact limits)':
        '在有并列和无并列的固定点上，lim_{t→∞} softmax(t𝐩)_i 在最大值处为 1，其余为 0（精确极限）',
    'the same where the maximum is unique':
        '同上，但只看最大值唯一的点',
    'A6.2 ②, “随即求导得”, the expression under the limit':
        'A6.2 ②，“随即求导得”，极限号下的表达式',
    'The same dropped cross terms as in the first gradient formula; the true derivative is the closed form in the model section.':
        '与第一个梯度公式一样漏掉了交叉项；真实导数是模型一节中的闭式。',
    'The same missing cross terms as in the first gradient formula: at 𝐱 = (0, 0), t = 1 it gives +1/4 for i = 1, the true derivative is −1/4.':
        '与第一个梯度公式一样漏掉了交叉项：在 𝐱 = (0, 0)、t = 1 处，它给出 i = 1 的分量为 +1/4，真实导数为 −1/4。',
    'A6.2 ②, “随即求导得”, the limit':
        'A6.2 ②，“随即求导得”，极限本身',
    'the maximum is unique — and then both sides are 0, the useless exact gradient of argmax':
        '最大值唯一——此时两边都是 0，即 argmax 那个毫无用处的精确梯度',
    'True only by accident: the expression under the limit is not the derivative of the soft-argmax (previous claim), but it tends to 0 as the true one does.':
        '只是碰巧成立：极限号下的表达式不是 soft-argmax 的导数（见上一条），但它和真实导数一样趋于 0。',
    'Where the maximum is unique both sides are 0; at a tie argmax has no derivative and the expression grows like t (t/2 for i = 2 at 𝐱 = (0, 0)).':
        '最大值唯一时两边都为 0；并列时 argmax 没有导数，而该表达式随 t 线性增长（𝐱 = (0, 0) 时 i = 2 的分量为 t/2）。',
    'argmax is differentiable at 𝐱 and the limit equals its derivative (random 𝐱, ties with probability 0.3)':
        'argmax 在 𝐱 处可导，且该极限等于其导数（随机 𝐱，以 0.3 的概率出现并列）',
    'where the maximum is unique: 0 ≤ t·i·s_i(1 − s_i) ≤ t·n(n−1)·e^{−tδ} → 0 = ∂argmax/∂x_i':
        '最大值唯一时：0 ≤ t·i·s_i(1 − s_i) ≤ t·n(n−1)·e^{−tδ} → 0 = ∂argmax/∂x_i',
    'A6.2 ②, first remark after the limit':
        'A6.2 ②，极限之后的第一条说明',
    'the maximum is unique; at a tie the gradient grows like t instead':
        '最大值唯一；并列时梯度反而随 t 线性增长',
    'True where the maximum is unique (the gradient vanishes like t·e^{−tδ}); at a tie it grows like t instead: ‖∇S_t(0, 0)‖₁ = t/2.':
        '最大值唯一时成立（梯度像 t·e^{−tδ} 一样消失）；并列时梯度反而随 t 线性增长：‖∇S_t(0, 0)‖₁ = t/2。',
    '∇S_t(𝐱) → 0 as t → ∞ (random 𝐱, ties with probability 0.3)':
        't → ∞ 时 ∇S_t(𝐱) → 0（随机 𝐱，以 0.3 的概率出现并列）',
    '‖∇S_t(𝐱)‖₁ ≤ t(n−1)(3n−2)/2 · e^{−tδ} → 0 where the maximum is unique':
        '最大值唯一时 ‖∇S_t(𝐱)‖₁ ≤ t(n−1)(3n−2)/2 · e^{−tδ} → 0',
    'A6.2 ②, second remark':
        'A6.2 ②，第二条说明',
    'At the tie x_1 = x_2 (n = 2) the slope is exactly ±t/4, so the Lipschitz constant of S_t grows at least linearly in t.':
        '在并列点 x_1 = x_2（n = 2）处斜率恰为 ±t/4，所以 S_t 的 Lipschitz 常数至少随 t 线性增长。',
    'At the tie x_1 = x_2 the slope of S_t is exactly ±t/4: the larger t, the steeper S_t.':
        '在并列点 x_1 = x_2 处 S_t 的斜率恰为 ±t/4：t 越大，S_t 越陡。',
    'A6.2 ②, final formula':
        'A6.2 ②，最后的公式',
    'Every entry is positive, so it always says “increase every x_i”, which does not change argmax at all. The usable surrogate is ∇S_t = t·softmax(t𝐱) ⊙ (𝐢 − S_t), generated below.':
        '每个分量都为正，所以它总是说“增大每个 x_i”，而这根本不改变 argmax。可用的替代梯度是 ∇S_t = t·softmax(t𝐱) ⊙ (𝐢 − S_t)，代码见下文。',
    'It is the first gradient formula again, with the same missing cross terms; its entries are all positive and do not even sum to 0 (3/4 at 𝐱 = (0, 0)).':
        '这又是第一个梯度公式，漏掉了同样的交叉项；它的各分量都为正，连和为 0 都做不到（𝐱 = (0, 0) 处为 3/4）。',
    'S_t(x) against t for a clear maximum, a near tie and a tie; dashed: argmax (first maximiser).':
        'S_t(x) 随 t 的变化：最大值明显、接近并列、并列三种情形；虚线：argmax（第一个最大值的位置）。',
    'The gradient of S_t (arrows) over S_t (colour) on the slice x = (a, b, 0) at t = 2.':
        '在切片 x = (a, b, 0)、t = 2 上，S_t 的梯度（箭头）叠加在 S_t（颜色）上。',
    'What is the gradient of y = argmax(x_1, …, x_n)?':
        'y = argmax(x_1, …, x_n) 的梯度是什么？',
    'It does not say: it replaces argmax by the soft-argmax Σ_i i·softmax(𝐱)_i and differentiates that.':
        '原答案没有直接回答：它把 argmax 换成 soft-argmax Σ_i i·softmax(𝐱)_i，再对后者求导。',
    'argmax is piecewise constant, so its exact gradient is 0 wherever the largest entry is unique, and at a tie it does not exist (argmax jumps). This zero gradient is the reason a smooth surrogate is needed at all.':
        'argmax 是分段常数函数，所以在最大分量唯一处它的精确梯度为 0，在并列处梯度不存在（argmax 跳变）。正因为梯度为 0，才需要一个光滑的替代函数。',
    'for every j, wherever the largest entry of 𝐱 is unique; no derivative at a tie':
        '对每个 j，只要 𝐱 的最大分量唯一；并列处没有导数',
    'What is the gradient of the surrogate S_t = Σ_i i·softmax(t𝐱)_i?':
        '替代函数 S_t = Σ_i i·softmax(t𝐱)_i 的梯度是什么？',
    '∂S_t/∂x_i = t·i·s_i(1 − s_i) with s_i = softmax(t𝐱)_i, and i·s_i(1 − s_i) (t = 1) in practice.':
        '∂S_t/∂x_i = t·i·s_i(1 − s_i)，其中 s_i = softmax(t𝐱)_i；实际使用 t = 1 时的 i·s_i(1 − s_i)。',
    "Only the i-th term i·s_i is differentiated; every other term depends on x_i too. The missing cross terms make every entry positive, so the seed's gradient does not sum to 0 although S_t ignores a common shift of 𝐱.":
        '只对第 i 项 i·s_i 求了导，而其他每一项也都依赖 x_i。漏掉的交叉项使每个分量都为正，于是原答案的梯度各分量之和不为 0，尽管 S_t 不受 𝐱 整体平移的影响。',
    '𝐬 = softmax(t𝐱), 𝐢 = (1, 2, …, n)ᵀ; entry j: t·s_j·(j − S_t)':
        '𝐬 = softmax(t𝐱)，𝐢 = (1, 2, …, n)ᵀ；第 j 个分量为 t·s_j·(j − S_t)',
    'How well does S_t approximate argmax, and which t should be used?':
        'S_t 对 argmax 的近似有多好？t 应该怎么取？',
    'As t → +∞, S_t becomes one-hot(argmax 𝐱); t must stay finite (no gradient) and not too large (not smooth).':
        't → +∞ 时 S_t 等价于 one-hot(argmax 𝐱)；t 不能取无穷（失去梯度），也不能太大（不够光滑）。',
    'S_t tends to the index argmax 𝐱, not to a one-hot vector, and only where the maximum is unique: at a tie it tends to the mean of the tied positions. The trade-off is right: away from ties the gradient vanishes like t·e^{−tδ}, at a tie it grows like t.':
        'S_t 趋于下标 argmax 𝐱 而不是 one-hot 向量，而且只在最大值唯一时成立：并列时它趋于并列位置的平均。原答案描述的权衡是对的：远离并列时梯度像 t·e^{−tδ} 一样消失，并列处则随 t 线性增长。',
    'k* = argmax 𝐱, δ the gap between the two largest entries: t must be large compared with 1/δ':
        'k* = argmax 𝐱，δ 为最大的两个分量之差：t 必须远大于 1/δ',
    'the input (x_1, …, x_n); the seed writes D or N for its length n':
        '输入 (x_1, …, x_n)；原答案把长度 n 写作 D 或 N',
    'y = argmax 𝐱, the position of the largest entry, counted from 1 as in the seed':
        'y = argmax 𝐱，最大分量的位置，与原答案一样从 1 开始计数',
    'argmax 𝐱 when the largest entry is unique':
        '最大分量唯一时的 argmax 𝐱',
    'the gap between the largest and the second largest entry of 𝐱':
        '𝐱 的最大分量与第二大分量之差',
    'the temperature, t > 0':
        '温度，t > 0',
    'softmax(t𝐱)_j = e^{t x_j} / Σ_i e^{t x_i}; 𝐬 is the vector of them':
        'softmax(t𝐱)_j = e^{t x_j} / Σ_i e^{t x_i}；𝐬 是由它们组成的向量',
    'the soft-argmax Σ_i i·s_i (S_1: the same at t = 1)':
        'soft-argmax Σ_i i·s_i（S_1：t = 1 时的同一函数）',
    'the index vector (1, 2, …, n)ᵀ':
        '下标向量 (1, 2, …, n)ᵀ',
    'Σ_{i≠j} i·e^{t x_i}: the numerator of S_t without its j-th term':
        'Σ_{i≠j} i·e^{t x_i}：S_t 的分子去掉第 j 项',
    'Σ_{i≠j} e^{t x_i}: the denominator of S_t without its j-th term':
        'Σ_{i≠j} e^{t x_i}：S_t 的分母去掉第 j 项',
}
