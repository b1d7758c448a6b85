"""Chinese of the A6.3 plain-RNN page (derive/derivations/rnn_jacobian.py and its _rnn_* helpers).

Each key is the English text exactly as the derivation writes it; texts with numbers in them are Tr in the
modules themselves. Written for students of the course, in the book's terms (雅可比矩阵, 梯度消失, 梯度爆炸,
时间反向传播 BPTT, 净输入), not word for word.
"""
ZH: dict[str, str] = {
    'For $h_t = \\tanh(W_I x_t + W_R h_{t-1} + b)$ the Jacobian $\\partial h_t/\\partial h_l$ is a '
    "product of $t-l$ factors $\\operatorname{diag}(\\tanh'(a_k))W_R$, $k = t$ down to $l+1$; its norm "
    "is at most $\\sigma_{\\max}(W_R)^{t-l}$. The seed's eigenvalue rules fail both ways (a non-normal "
    '$W_R$, saturated units); BPTT is generated as NumPy code and checked against torch.nn.RNN.':
        '对 $h_t = \\tanh(W_I x_t + W_R h_{t-1} + b)$，雅可比矩阵 $\\partial h_t/\\partial h_l$ 是 $'
        "t-l$ 个因子 $\\operatorname{diag}(\\tanh'(a_k))W_R$ 的连乘（$k$ 从 $t$ 递减到 $l+1$）"
        '，其范数不超过 $\\sigma_{\\max}(W_R)^{t-l}$。原答案关于特征值的两条结论在两个方向上都不成立（非正规的 $W_R$、'
        '饱和的神经元）；BPTT 生成为 NumPy 代码，并与 torch.nn.RNN 对照检验。',
    'Plain RNN: Jacobians and BPTT':
        '普通 RNN：雅可比矩阵与 BPTT',
    'The seed answers A6.3 for the plain RNN with a product of Jacobians and four statements on '
    'eigenvalues. Each step below shows the general matrix form; the instance the checker verified '
    "(2 hidden units) is folded under it. In the evidence on the seed's formulas the left side is "
    "the true value and the right side the seed's. The searches use random tanh RNNs in float64.":
        '原答案对普通 RNN 的分析由一个雅可比矩阵的连乘和四条关于特征值的结论组成。下面每一步先给出一般的矩阵形式；'
        '检验器验证的具体实例（2 个隐藏单元）折叠在它下面。在对原答案公式的证据中，左边是正确值，右边是原答案的值。搜索使用 float64 的随机 tanh RNN。',
    "`rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh) -> (hs, cache)`: torch.nn.RNN's layout and names "
    '($W_{ih} = W_I$, $W_{hh} = W_R$, $b = b_{ih} + b_{hh}$): x (T, B, D), h0 (B, H), hs (T, B, H). '
    '$h_0$ = `h0` and $h_t$ = `hs[t - 1]` for $t = 1, \\dots, T$. Each row is one sample, so the '
    'formulas above appear transposed. The input part of every step is one matrix product before the '
    'loop; each step then works in place:':
        '`rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh) -> (hs, cache)`：'
        '采用 torch.nn.RNN 的布局和命名（$W_{ih} = W_I$，$W_{hh} = W_R$，$b = b_{ih} + b_{hh}$）'
        '：x 为 (T, B, D)，h0 为 (B, H)，hs 为 (T, B, H)。$h_0$ = `h0`，'
        '$h_t$ = `hs[t - 1]`（$t = 1, \\dots, T$）。每一行是一个样本，所以上面的公式在这里以转置形式出现。'
        '所有时间步的输入部分在循环前用一次矩阵乘法算出；之后每一步原地计算：',
    '`rnn_backward(dhs, cache) -> dict` (keys `x, h0, W_ih, W_hh, b_ih, b_hh`), with $G_t$ = `dhs[t '
    '- 1]` $= \\partial E/\\partial h_t$ from the outputs and $\\Delta_t = \\partial E/\\partial A_t$, '
    'backwards over $t$; after the loop each gradient is one matrix product over all (step, sample) '
    'rows:':
        '`rnn_backward(dhs, cache) -> dict`（键为 `x, h0, W_ih, W_hh, b_ih, b_hh`）'
        '：$G_t$ = `dhs[t - 1]` $= \\partial E/\\partial h_t$ 来自各步的输出，'
        '$\\Delta_t = \\partial E/\\partial A_t$，沿 $t$ 反向计算；循环结束后，每个梯度都是对所有（时间步，'
        '样本）行的一次矩阵乘法：',
    '`rnn_state_jacobian(cache, t, l) -> (B, H, H)`: $\\partial h_t/\\partial h_l$ for every sample, '
    '$0 \\le l \\le t \\le T$ ($t = l$ gives the identity), by this recursion from $J = I$ over $k = '
    "l+1, \\dots, t$, with $\\tanh'(a_k) = 1 - h_k^2$ from the cache:":
        '`rnn_state_jacobian(cache, t, l) -> (B, H, H)`：对每个样本给出 $\\partial h_t/\\partial h_'
        'l$，$0 \\le l \\le t \\le T$（$t = l$ 时为单位矩阵），从 $J = I$ 出发对 $k = l+1, \\dots, t$ 做如下递推'
        "，其中 $\\tanh'(a_k) = 1 - h_k^2$ 取自缓存：",
    'The tests compare all of it with torch.nn.RNN autograd (float64) and central differences; '
    '`python -m derive.bench rnn` times it against torch.nn.RNN.':
        '测试把以上全部与 torch.nn.RNN 的自动微分（float64）及中心差分对照；`python -m derive.bench rnn` 将其与 tor'
        'ch.nn.RNN 比较计时。',
    'state update (torch.nn.RNN, tanh; b = b_ih + b_hh)':
        '状态更新（torch.nn.RNN，tanh；b = b_ih + b_hh）',
    'output':
        '输出',
    'loss':
        '损失',
    'pre-activation':
        '净输入（激活前的值）',
    'One step: ∂h_{k+1}/∂h_k = diag(tanh′(a_{k+1})) W_R':
        '单步：∂h_{k+1}/∂h_k = diag(tanh′(a_{k+1})) W_R',
    'Row $i$ of the Jacobian is the gradient of $h_{k+1,i} = \\tanh(a_{k+1,i})$; the chain rule gives '
    "$\\tanh'(a_{k+1,i})$ times row $i$ of $W_R$. The Jacobian is in numerator layout (row = output), "
    'so the diagonal factor stands on the left.':
        '雅可比矩阵的第 $i$ 行是 $h_{k+1,i} = \\tanh(a_{k+1,i})$ 的梯度；由链式法则，'
        "它等于 $\\tanh'(a_{k+1,i})$ 乘以 $W_R$ 的第 $i$ 行。这里的雅可比矩阵采用分子布局（行对应输出）"
        '，所以对角因子在左边。',
    "SymPy's matrix calculus returns the transpose (denominator layout)":
        'SymPy 的矩阵微积分给出的是转置（分母布局）',
    "SymPy's `diff` of $\\tanh(W_I x_{k+1} + W_R h_k + b)$ with respect to $h_k$ gives "
    "$W_R^{\\top}\\operatorname{diag}(\\tanh'(a_{k+1}))$, the transpose of the Jacobian above: its "
    'matrix calculus uses the denominator layout.':
        'SymPy 对 $\\tanh(W_I x_{k+1} + W_R h_k + b)$ 关于 $h_k$ 求 `diff`，'
        "得到 $W_R^{\\top}\\operatorname{diag}(\\tanh'(a_{k+1}))$，即上面雅可比矩阵的转置："
        '它的矩阵微积分采用分母布局。',
    'tanh′(z) = 1 − tanh²(z): the backward pass reuses the cached h_t':
        'tanh′(z) = 1 − tanh²(z)：反向传播复用缓存的 h_t',
    "So the backward pass needs no second call to $\\tanh$: $\\tanh'(a_t) = 1 - h_t^2$.":
        "所以反向传播不必再算一次 $\\tanh$：$\\tanh'(a_t) = 1 - h_t^2$。",
    'γ = max tanh′ = 1, attained at z = 0':
        'γ = max tanh′ = 1，在 z = 0 处取到',
    'The bound $\\gamma$ of Pascanu et al. for $\\tanh$.':
        '这就是 Pascanu 等人对 $\\tanh$ 取的界 $\\gamma$。',
    '∂h_t/∂h_l is a product of t − l one-step Jacobians, later steps on the left':
        '∂h_t/∂h_l 是 t − l 个单步雅可比矩阵的连乘，越晚的步越靠左',
    'The chain rule through $h_{t-1}, \\dots, h_{l+1}$ gives one factor '
    "$\\operatorname{diag}(\\tanh'(a_k)) W_R$ for each $k = l+1, \\dots, t$, with $k = t$ on the left. "
    "Checked for $(t, l) = (2, 0), (3, 1), (3, 0)$ against SymPy's Jacobian of the nested "
    '$h_t(h_l)$; the instance names the entries of the pre-activations $a_{k,i}$ once SymPy has '
    'differentiated.':
        '沿 $h_{t-1}, \\dots, h_{l+1}$ 用链式法则，每个 $k = l+1, \\dots, t$ 贡献一个因子 $\\operatorname{d'
        "iag}(\\tanh'(a_k)) W_R$，$k = t$ 在最左边。对 $(t, l) = (2, 0), (3, 1), (3, 0)$ 与 SymPy "
        '对嵌套表达式 $h_t(h_l)$ 求出的雅可比矩阵比较；SymPy 求导之后，实例把净输入的分量记为 $a_{k,i}$。',
    'The order matters: J_2 J_1 ≠ J_1 J_2 for J_k = diag(tanh′(a_k)) W_R':
        '顺序不能交换：J_2 J_1 ≠ J_1 J_2，其中 J_k = diag(tanh′(a_k)) W_R',
    'Matrix products do not commute, so the reversed product is not $\\partial h_2/\\partial h_0$. The '
    "smallest example: $W_R$ swaps the two units and $\\tanh'$ differs between the steps.":
        '矩阵乘法不满足交换律，所以反序的乘积不是 $\\partial h_2/\\partial h_0$。最小的例子：'
        "$W_R$ 交换两个单元，两步的 $\\tanh'$ 不同。",
    'The gradient of one loss term as a sum over paths: ∂E_t/∂W_R = Σ_{i=1}^{t} '
    '(∂E_t/∂h_t)(∂h_t/∂h_i)(∂⁺h_i/∂W_R)':
        '单个损失项的梯度写成沿路径求和：∂E_t/∂W_R = Σ_{i=1}^{t} (∂E_t/∂h_t)(∂h_t/∂h_i)(∂⁺h_i/∂W_R)',
    '$\\partial^{+} h_i/\\partial W_R$ is the immediate partial derivative ($h_{i-1}$ held fixed): '
    'each path from $W_R$ into $h_t$ is counted once, at the step $i$ where it enters. $\\partial^{+} '
    "h_i/\\partial (W_R)_{pq}$ is $\\tanh'(a_{i,p})\\, h_{i-1,q}$ in row $p$ and 0 elsewhere, which "
    'gives the matrix form; $\\delta_t = \\partial E_t/\\partial h_t$. Checked for $t = 2$ in the '
    "seed's model (no bias).":
        '$\\partial^{+} h_i/\\partial W_R$ 是直接偏导数（$h_{i-1}$ 视为常数）：'
        '从 $W_R$ 到 $h_t$ 的每条路径只在它进入的那一步 $i$ 计一次。$\\partial^{+} h_i/\\partial (W_R)_{pq}$ 在第'
        " $p$ 行为 $\\tanh'(a_{i,p})\\, h_{i-1,q}$，其余为 0，由此得到矩阵形式；$\\delta_t = \\partial E_t/\\p"
        'artial h_t$。在原答案的模型（无偏置）中对 $t = 2$ 检验。',
    'BPTT: the gradients of E = Σ_t E_t(y_t) by the backward recursion':
        'BPTT：用反向递推求 E = Σ_t E_t(y_t) 的梯度',
    '$g_t = \\partial E_t/\\partial y_t$, $\\delta_t = \\partial E/\\partial h_t$ (through every later '
    'step), $e_t = \\partial E/\\partial a_t$, $e_{T+1} = 0$: one backward pass gives every gradient. '
    "Checked for $T = 2$ against SymPy's derivatives of the fully unrolled $E$ (for $x_t$ at $t = "
    '1$). A first derivative sees each $E_t$ only through $g_t$, so $E = \\sum_t g_t^{\\top} y_t$ with '
    'free $g_t$ is general.':
        '$g_t = \\partial E_t/\\partial y_t$，$\\delta_t = \\partial E/\\partial h_t$（经过其后的所有时间'
        '步），$e_t = \\partial E/\\partial a_t$，$e_{T+1} = 0$：一次反向传播给出全部梯度。'
        '对 $T = 2$ 与 SymPy 对完全展开的 $E$ 求的导数比较（$x_t$ 取 $t = 1$）。一阶导数只通过 $g_t$ 看到每个 $E_t$，'
        '所以取 $E = \\sum_t g_t^{\\top} y_t$（$g_t$ 为自由变量）不失一般性。',
    'The recursion holds for any loss: E = Σ_t ½‖y_t − ŷ_t‖² with g_t = y_t − ŷ_t':
        '递推对任意损失都成立：E = Σ_t ½‖y_t − ŷ_t‖²，g_t = y_t − ŷ_t',
    'The squared error, differentiated in full, gives the same $\\partial E/\\partial b$ as the '
    'recursion with $g_t = y_t - \\hat{y}_t$.':
        '对平方误差直接完整求导，得到的 $\\partial E/\\partial b$ 与取 $g_t = y_t - \\hat{y}_t$ 的递推结果相同。',
    'Norm bound: ‖∂h_t/∂h_l‖₂ ≤ (γ σ_max(W_R))^{t−l} with γ = 1 (Pascanu, Mikolov, Bengio 2013)':
        '范数界：‖∂h_t/∂h_l‖₂ ≤ (γ σ_max(W_R))^{t−l}，γ = 1（Pascanu, Mikolov, Bengio 2013）',
    "Each factor has $\\|\\operatorname{diag}(\\tanh'(a_k)) W_R\\|_2 \\le \\max_i \\tanh'(a_{k,i})\\, "
    '\\|W_R\\|_2 \\le \\gamma\\,\\sigma_{\\max}(W_R)$, and norms of products are at most the products of '
    'norms. So $\\sigma_{\\max}(W_R) < 1/\\gamma$ is **sufficient** for vanishing, and $\\rho(W_R) > '
    '1/\\gamma$ is **necessary** for exploding, not sufficient (Pascanu et al.).':
        "每个因子满足 $\\|\\operatorname{diag}(\\tanh'(a_k)) W_R\\|_2 \\le \\max_i \\tanh'(a_{k,i})\\, "
        '\\|W_R\\|_2 \\le \\gamma\\,\\sigma_{\\max}(W_R)$，而乘积的范数不超过各因子范数的乘积。'
        '所以 $\\sigma_{\\max}(W_R) < 1/\\gamma$ 是梯度消失的**充分**条件，$\\rho(W_R) > 1/\\gamma$ 是梯度爆炸的*'
        '*必要**条件而非充分条件（Pascanu 等人）。',
    'ρ(W_R) ≤ σ_max(W_R): the eigenvalue condition is weaker than the singular-value one':
        'ρ(W_R) ≤ σ_max(W_R)：特征值条件弱于奇异值条件',
    'So $\\sigma_{\\max} < 1$ implies $\\rho < 1$, but not the other way round: a non-normal $W_R$ can '
    'have $\\rho < 1 < \\sigma_{\\max}$ (claim 8).':
        '所以 $\\sigma_{\\max} < 1$ 推出 $\\rho < 1$，反之不然：非正规的 $W_R$ 可以有 $\\rho < 1 < \\sigma_{\\ma'
        'x}$（论断 8）。',
    "Code, forward: the hoisted projection P = X W_ihᵀ + 𝟙 bᵀ plus H_{t−1} W_hhᵀ is the model's a_t, "
    'row by row (B = 2)':
        '代码，前向：提前算好的投影 P = X W_ihᵀ + 𝟙 bᵀ 加上 H_{t−1} W_hhᵀ，逐行等于模型的 a_t（B = 2）',
    'torch.nn.RNN keeps one sample per row, so every column-vector formula is transposed: '
    '$a_t^{\\top} = x_t^{\\top} W_I^{\\top} + h_{t-1}^{\\top} W_R^{\\top} + b^{\\top}$. The input part '
    'does not depend on the recurrence, so it is computed for all steps with one matrix product '
    'before the loop.':
        'torch.nn.RNN 每行存一个样本，所以每个列向量公式都要转置：$a_t^{\\top} = x_t^{\\top} W_I^{\\top} + h_{t-1}'
        '^{\\top} W_R^{\\top} + b^{\\top}$。输入部分与循环无关，因此在循环前用一次矩阵乘法对所有时间步算出。',
    'Code, backward step: Δ_t = (G_t + Δ_{t+1} W_hh) ⊙ (𝟙 − H_t ⊙ H_t) is e_tᵀ, row by row':
        '代码，反向一步：Δ_t = (G_t + Δ_{t+1} W_hh) ⊙ (𝟙 − H_t ⊙ H_t) 逐行等于 e_tᵀ',
    '$G_t = \\partial E/\\partial h_t$ from the outputs at step $t$ (the `dhs` argument), '
    '$\\Delta_{t+1}$ the rows $e_{t+1}^{\\top}$ of the later step, $H_t$ the cached $\\tanh$ outputs.':
        '$G_t = \\partial E/\\partial h_t$ 来自第 $t$ 步的输出（参数 `dhs`），'
        '$\\Delta_{t+1}$ 是下一步的行 $e_{t+1}^{\\top}$，$H_t$ 是缓存的 $\\tanh$ 输出。',
    'Code, after the loop: the gradients are single matrix products over the stacked steps':
        '代码，循环之后：各梯度都是对堆叠起来的所有时间步的一次矩阵乘法',
    '$\\sum_t e_t h_{t-1}^{\\top}$ summed over samples is $\\Delta^{\\top} H_{prev}$ with all $(t, '
    '\\text{sample})$ pairs stacked as rows; likewise $\\Delta^{\\top} X$, $\\Delta^{\\top}\\mathbb{1}$ '
    'and $\\Delta W_{ih}$.':
        '对样本求和的 $\\sum_t e_t h_{t-1}^{\\top}$ 就是 $\\Delta^{\\top} H_{prev}$，'
        '其中所有（时间步，样本）对按行堆叠；$\\Delta^{\\top} X$、$\\Delta^{\\top}\\mathbb{1}$ 和 $\\Delta W_{ih}$ '
        '同理。',
    'Code, state Jacobian: J ← diag(tanh′(a_k)) W_hh J, started at J = I, is ∂h_t/∂h_l (t − l = 2)':
        '代码，状态雅可比矩阵：从 J = I 开始的 J ← diag(tanh′(a_k)) W_hh J 就是 ∂h_t/∂h_l（t − l = 2）',
    '`rnn_state_jacobian` runs this recursion for $k = l+1, \\dots, t$ with the cached $h_k$.':
        '`rnn_state_jacobian` 用缓存的 $h_k$ 对 $k = l+1, \\dots, t$ 执行这个递推。',
    'A6.3, “对于普通的RNN”, the model':
        'A6.3，“对于普通的RNN”，模型',
    'torch.nn.RNN adds b = b_ih + b_hh inside tanh; the derivation and the code carry it.':
        'torch.nn.RNN 在 tanh 内加了偏置 b = b_ih + b_hh；推导和代码都带着它。',
    "The seed's model is torch.nn.RNN with zero bias; a bias changes no Jacobian and only adds ∂E/∂b "
    '= Σ_t e_t.':
        '原答案的模型就是偏置为零的 torch.nn.RNN；偏置不改变任何雅可比矩阵，只多出 ∂E/∂b = Σ_t e_t。',
    'A6.3 RNN, first gradient formula':
        'A6.3 RNN，第一个梯度公式',
    '∂h_i/∂W_R is the immediate partial derivative ∂⁺h_i/∂W_R (h_{i−1} held fixed, Pascanu et al. '
    '2013) and E_k on the left is the E_t on the right (the i = 0 term is then zero)':
        '∂h_i/∂W_R 取直接偏导数 ∂⁺h_i/∂W_R（h_{i−1} 视为常数，Pascanu 等人 2013）'
        '，且左边的 E_k 就是右边的 E_t（此时 i = 0 项为零）',
    'For the whole loss E = Σ_t E_t the right-hand side is summed over t as well (step “BPTT”).':
        '对总损失 E = Σ_t E_t，右边还要再对 t 求和（见“BPTT”一步）。',
    'Read as the total derivative of h_i, ∂h_i/∂W_R counts every path through earlier steps again '
    "(in the example the seed's side is 2, the true gradient 1); E_k should be E_t.":
        '若把 ∂h_i/∂W_R 理解为 h_i 的全导数，经过更早时间步的每条路径都会被重复计算（例子中原答案一侧为 2，'
        '真实梯度为 1）；E_k 应为 E_t。',
    'A6.3 RNN, “其中”, the chain of Jacobians':
        'A6.3 RNN，“其中”，雅可比矩阵的链',
    'The chain rule through the states in between, later steps on the left.':
        '对中间各状态用链式法则，越晚的步越靠左。',
    'A6.3 RNN, “其中”, the product sign':
        'A6.3 RNN，“其中”，连乘符号',
    'the product is read from k = t − 1 on the left down to k = i on the right, as the chain before '
    'it is written; matrix products do not commute, and ∏ read left to right (k = i first) gives the '
    'wrong order':
        '连乘按前面链式写法的顺序读：k = t − 1 在最左，直到 k = i 在最右；矩阵乘法不满足交换律，把 ∏ 从左到右读（k = i 在前）'
        '得到的是错误的顺序',
    '∏ does not say the order, and matrix products do not commute: later steps must stand on the left.':
        '∏ 没有说明顺序，而矩阵乘法不满足交换律：越晚的步必须在左边。',
    'A6.3 RNN, “而”, the one-step Jacobian':
        'A6.3 RNN，“而”，单步雅可比矩阵',
    "the index i in the argument is read as k + 1: tanh′ is taken at step k+1's own pre-activation "
    'W_I x_{k+1} + W_R h_k (as written, i is the lower end of the chain, a different step)':
        '把括号中的下标 i 读作 k + 1：tanh′ 取在第 k+1 步自己的净输入 W_I x_{k+1} + W_R h_k 处（按原文，'
        'i 是链的下端，是另一步）',
    'tanh′ belongs to the pre-activation of step k+1, W_I x_{k+1} + W_R h_k; the index i is a slip.':
        'tanh′ 应取第 k+1 步的净输入 W_I x_{k+1} + W_R h_k；下标 i 是笔误。',
    'A6.3 RNN, “则梯度为”':
        'A6.3 RNN，“则梯度为”',
    'the product is taken in descending order (i = t on the left), the only notational freedom; the '
    'range i = l … t stays as written':
        '连乘按递减顺序取（i = t 在最左），这是唯一可以宽容的记号自由；范围 i = l … t 保持原样',
    'The range has one factor too many: i = l contributes diag(tanh′(a_l)) W_R, the Jacobian of a '
    'step before h_l.':
        '范围多了一个因子：i = l 贡献 diag(tanh′(a_l)) W_R，这是 h_l 之前一步的雅可比矩阵。',
    'The range i = l … t has t − l + 1 factors, one too many (with W_R = 2I: 4 instead of 2); it '
    'must run from i = l + 1, later steps on the left.':
        '范围 i = l … t 有 t − l + 1 个因子，多了一个（取 W_R = 2I：得 4 而不是 2）'
        '；应从 i = l + 1 开始，越晚的步越靠左。',
    'A6.3 RNN, “可以看到”, first bullet':
        'A6.3 RNN，“可以看到”，第一条',
    "the units stay in tanh's linear regime (tanh′ ≈ 1); saturated units multiply the product by "
    'tanh′ ≈ 0, so for the tanh RNN ρ(W_R) > 1 is necessary for exploding gradients, not sufficient':
        '神经元停留在 tanh 的线性区（tanh′ ≈ 1）；饱和的神经元给连乘乘上 tanh′ ≈ 0，所以对 tanh RNN，'
        'ρ(W_R) > 1 是梯度爆炸的必要条件而非充分条件',
    'ρ(W_R) > 1 is necessary for exploding, not sufficient: saturated units (tanh′ ≈ 0) shrink the '
    'product.':
        'ρ(W_R) > 1 是梯度爆炸的必要条件而非充分条件：饱和的神经元（tanh′ ≈ 0）会使连乘变小。',
    'A6.3 RNN, “可以看到”, second bullet':
        'A6.3 RNN，“可以看到”，第二条',
    'the largest singular value σ_max(W_R) < 1 = 1/γ takes the place of the principal eigenvalue '
    '(Pascanu et al.): then ‖∂h_t/∂h_l‖₂ ≤ σ_max^{t−l} → 0; with only ρ(W_R) < 1 a non-normal W_R '
    'can amplify the gradient over many steps':
        '用最大奇异值 σ_max(W_R) < 1 = 1/γ 代替主特征值（Pascanu 等人）：此时 ‖∂h_t/∂h_l‖₂ ≤ σ_max^{t−l} → 0'
        '；只有 ρ(W_R) < 1 时，非正规的 W_R 可以在许多步中放大梯度',
    'A W_R far from normal with ρ(W_R) < 1 < σ_max(W_R) amplifies the gradient over 40 steps (ρ < 1 '
    'gives vanishing only in the limit t → ∞ of the linear regime); σ_max(W_R) < 1 guarantees it.':
        '远非正规、ρ(W_R) < 1 < σ_max(W_R) 的 W_R 在 40 步内把梯度放大（ρ < 1 只在线性区 t → ∞ 的极限下导致梯度消失）；'
        '保证梯度消失的是 σ_max(W_R) < 1。',
    'A6.3 RNN, “可以看到”, third bullet (first half)':
        'A6.3 RNN，“可以看到”，第三条（前半句）',
    'tanh′(z) = 1 − tanh²(z) ≤ 1, with equality at z = 0.':
        'tanh′(z) = 1 − tanh²(z) ≤ 1，在 z = 0 处取等号。',
    'A6.3 RNN, “可以看到”, third bullet (second half)':
        'A6.3 RNN，“可以看到”，第三条（后半句）',
    'The norm becomes tiny, not exactly 0: tanh′ > 0, so the product is 0 only when W_R itself is '
    'singular.':
        '范数会变得极小，但不会恰好为 0：tanh′ > 0，所以只有 W_R 本身奇异时连乘才为 0。',
    '“May” asks for one example, and random tanh RNNs with ρ(W_R) < 1 whose gradient falls below '
    '1e-6 are found at once.':
        '“可能”只需要一个例子，而 ρ(W_R) < 1 且梯度低于 1e-6 的随机 tanh RNN 很容易找到。',
    'A6.3 RNN, “可以看到”, fourth bullet':
        'A6.3 RNN，“可以看到”，第四条',
    'tanh is 1-Lipschitz, so a change δ of h_0 moves h_t by at most σ_max(W_R)^t ‖δ‖; small when '
    'σ_max(W_R) < 1.':
        'tanh 是 1-Lipschitz 的，所以 h_0 改变 δ 时 h_t 的变化不超过 σ_max(W_R)^t ‖δ‖；'
        'σ_max(W_R) < 1 时这很小。',
    '‖∂h_t/∂h_0‖₂ against t for σ_max(W_R) = 0.5 … 1.5 (W_R = σ times an orthogonal matrix, 32 '
    'hidden units, small inputs), with the bound σ_max^t dashed.':
        'σ_max(W_R) = 0.5 … 1.5 时 ‖∂h_t/∂h_0‖₂ 随 t 的变化（W_R 为 σ 乘正交矩阵，'
        '32 个隐藏单元，输入很小），虚线为界 σ_max^t。',
    'The networks the checker found: a W_R with ρ(W_R) < 1 that amplifies the gradient (left) and '
    'saturated units with ρ(W_R) > 1 (right), against ρ^t and σ_max^t.':
        '检验器找到的网络：ρ(W_R) < 1 却放大梯度的 W_R（左），以及 ρ(W_R) > 1 但神经元饱和（右）'
        '，并与 ρ^t 和 σ_max^t 对比。',
    'tanh and its derivative (the figure the seed announces but does not show).':
        'tanh 及其导数（原答案提到但没有给出的图）。',
    'What is ∂h_t/∂h_l for the plain RNN?':
        '普通 RNN 的 ∂h_t/∂h_l 是什么？',
    'A product of one-step Jacobians, ∏_{i=l}^{t} diag(tanh′(W_I x_i + W_R h_{i−1})) W_R.':
        '单步雅可比矩阵的连乘，写作 ∏_{i=l}^{t} diag(tanh′(W_I x_i + W_R h_{i−1})) W_R。',
    'The chain ∂h_t/∂h_{t−1} ⋯ ∂h_{l+1}/∂h_l is right, but the final product has one factor too many '
    '(i = l), leaves the order open, and the one-step factor is written at step i instead of k + 1.':
        '链式 ∂h_t/∂h_{t−1} ⋯ ∂h_{l+1}/∂h_l 是对的，但最后的连乘多了一个因子（i = l）'
        '，没有说明顺序，而且单步因子写在第 i 步而不是第 k + 1 步。',
    't − l factors, k = t on the left down to k = l + 1.':
        '共 t − l 个因子，k = t 在最左，直到 k = l + 1。',
    'How does the gradient with respect to W_R flow back in time (BPTT)?':
        '关于 W_R 的梯度如何沿时间反向传播（BPTT）？',
    '∂E_k/∂W_R = Σ_{i=0}^{t} (∂E_t/∂y_t)(∂y_t/∂h_t)(∂h_t/∂h_i)(∂h_i/∂W_R).':
        '∂E_k/∂W_R = Σ_{i=0}^{t} (∂E_t/∂y_t)(∂y_t/∂h_t)(∂h_t/∂h_i)(∂h_i/∂W_R)。',
    'Right if ∂h_i/∂W_R is the immediate partial derivative (h_{i−1} held fixed); as a total '
    'derivative every path is counted again. E_k should be E_t, and for E = Σ_t E_t the terms are '
    'summed over t. The backward recursion computes all of it in one pass.':
        '若 ∂h_i/∂W_R 是直接偏导数（h_{i−1} 视为常数）则正确；若是全导数，每条路径都会被重复计算。E_k 应为 E_t，'
        '对 E = Σ_t E_t 还要对 t 求和。反向递推一次就能算出全部。',
    'g_t = ∂E_t/∂y_t, e_t = ∂E/∂a_t, e_{T+1} = 0; the other gradients follow from the same e_t.':
        'g_t = ∂E_t/∂y_t，e_t = ∂E/∂a_t，e_{T+1} = 0；其余梯度由同一组 e_t 得到。',
    'When does the gradient vanish or explode?':
        '梯度何时消失、何时爆炸？',
    'If the principal eigenvalue of W_R is above 1 the gradient explodes, below 1 it vanishes; tanh′ '
    '≤ 1 can make it 0.':
        'W_R 的主特征值大于 1 时梯度爆炸，小于 1 时梯度消失；tanh′ ≤ 1 可能使梯度变为 0。',
    'Eigenvalues decide neither: a W_R far from normal with ρ(W_R) < 1 can amplify the gradient, and '
    'saturated units (tanh′ ≈ 0) make it vanish although ρ(W_R) > 1. The largest singular value '
    'bounds it.':
        '特征值两者都决定不了：ρ(W_R) < 1 但远非正规的 W_R 可以放大梯度，而神经元饱和（tanh′ ≈ 0）'
        '时即使 ρ(W_R) > 1 梯度也会消失。给出上界的是最大奇异值。',
    'γ = max tanh′ = 1: σ_max(W_R) < 1 suffices for vanishing; ρ(W_R) > 1 is necessary for '
    'exploding, not sufficient.':
        'γ = max tanh′ = 1：σ_max(W_R) < 1 足以导致梯度消失；ρ(W_R) > 1 是梯度爆炸的必要条件而非充分条件。',
    'input at step t':
        '第 t 步的输入',
    'hidden state at step t (H entries); h_0 is the initial state':
        '第 t 步的隐藏状态（H 个分量）；h_0 为初始状态',
    'pre-activation W_I x_t + W_R h_{t−1} + b, so h_t = tanh(a_t)':
        '净输入 W_I x_t + W_R h_{t−1} + b，因此 h_t = tanh(a_t)',
    'input weights (torch.nn.RNN: W_ih)':
        '输入权重（torch.nn.RNN 中为 W_ih）',
    'recurrent weights (torch.nn.RNN: W_hh)':
        '循环权重（torch.nn.RNN 中为 W_hh）',
    'output weights, y_t = W_o h_t':
        '输出权重，y_t = W_o h_t',
    'bias (torch.nn.RNN: b_ih + b_hh); the seed leaves it out':
        '偏置（torch.nn.RNN 中为 b_ih + b_hh）；原答案省略了它',
    'loss at step t; E = Σ_t E_t':
        '第 t 步的损失；E = Σ_t E_t',
    '∂E_t/∂y_t, the gradient from the output at step t':
        '∂E_t/∂y_t，来自第 t 步输出的梯度',
    '∂E/∂h_t, through every later step':
        '∂E/∂h_t，经过其后的所有时间步',
    '∂E/∂a_t = tanh′(a_t) ⊙ δ_t':
        '∂E/∂a_t = tanh′(a_t) ⊙ δ_t',
    'immediate partial derivative: h_{i−1} held fixed':
        '直接偏导数：h_{i−1} 视为常数',
    'entry i of a_k (likewise h_{k,i}), named so in the checked instances once SymPy has differentiated':
        'a_k 的第 i 个分量（h_{k,i} 同理）；在检验的实例中，SymPy 求导之后这样命名',
    'the largest value of tanh′, γ = 1':
        'tanh′ 的最大值，γ = 1',
    "spectral radius: the largest |eigenvalue| (the seed's 主特征值)":
        '谱半径：特征值绝对值的最大值（即原答案的“主特征值”）',
    'largest singular value, ‖W_R‖₂':
        '最大奇异值，‖W_R‖₂',
    "the code's batch of states, one sample per row (likewise X, A_t, G_t, Δ_t)":
        '代码中按批排列的状态，每行一个样本（X、A_t、G_t、Δ_t 同理）',
}
