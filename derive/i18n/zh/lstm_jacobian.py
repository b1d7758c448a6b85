"""Chinese of the A6.3 LSTM page (derive/derivations/lstm_jacobian.py and its _lstm_* helpers).

Each key is the English text exactly as the derivation writes it; texts with computed numbers in them are Tr
in the modules themselves. Written for students of the course in the book's terms (记忆单元, 遗忘门, 输入门,
输出门, 雅可比矩阵, 梯度消失, 梯度爆炸, 随时间反向传播 BPTT, 净输入), not word for word.
"""
ZH: dict[str, str] = {
    'The four-term $\\partial C_t/\\partial C_{t-1}$ is right for one step but its product over steps is not '
    '$\\partial C_t/\\partial C_i$: it drops the output-gate block of the joint Jacobian of $(h, C)$, through '
    'which the true gradient runs. BPTT for every parameter is checked symbolically and the generated NumPy '
    'LSTM matches torch.nn.LSTM.':
        '四项形式的 $\\partial C_t/\\partial C_{t-1}$ 对单步是正确的，但把它逐步连乘得到的并不是 $\\partial '
        'C_t/\\partial C_i$：它丢掉了 $(h, C)$ 联合状态雅可比矩阵中的输出门分块，而真正的梯度恰好要经过这一块。每个'
        '参数的 BPTT 梯度都做了符号检验，生成的 NumPy LSTM 与 torch.nn.LSTM 的结果一致。',
    "The seed's LSTM part (A6.3, “对于LSTM”) writes the cell Jacobian as four terms and chains them over "
    "time. Below, SymPy derives each object, the checker compares it with the seed's formula, and the page "
    'shows the correct chain where they differ. Each step shows a general form for any width $H$ ($\\odot$ '
    "the entrywise product, $\\mathbf{1}$ the vector of ones, $\\sigma$, $\\tanh$, $\\tanh'$ applied entrywise) "
    "and checks it at $H = 1$ or $H = 2$. Gate $g \\in \\{i, f, C, o\\}$ ($C$ is the candidate $\\tilde C$, torch's "
    "$g$) has input weights $W_{xg}$, recurrent weights $W_{hg}$ and bias $b_g$ (torch.nn.LSTM's documentation "
    'writes $W_{hi}, W_{hf}, W_{hg}, W_{ho}$ as well); at $H = D = 1$ they are the scalars $w_{xg}, w_{hg}, '
    'b_g$.':
        '原答案的 LSTM 部分（A6.3，“对于LSTM”）把记忆单元的雅可比矩阵写成四项，并沿时间连乘。下面由 SymPy '
        '推出每个对象，检验器把它与原答案的公式比较，两者不同时页面给出正确的链式法则。每一步先给出对任意宽度 '
        "$H$ 都成立的一般形式（$\\odot$ 为逐元素乘积，$\\mathbf{1}$ 为全 1 向量，$\\sigma$、$\\tanh$、$\\tanh'$ "
        '逐元素作用），再在 $H = 1$ 或 $H = 2$ 时检验。门 $g \\in \\{i, f, C, o\\}$（$C$ 指候选状态 $\\tilde '
        'C$，即 torch 的 $g$）的输入权重为 $W_{xg}$，循环权重为 $W_{hg}$，偏置为 $b_g$（torch.nn.LSTM 的文档也写作'
        ' $W_{hi}, W_{hf}, W_{hg}, W_{ho}$）；$H = D = 1$ 时它们是标量 $w_{xg}, w_{hg}, b_g$。',
    'input gate':
        '输入门',
    'forget gate':
        '遗忘门',
    'candidate cell':
        '候选状态（候选记忆单元）',
    'output gate':
        '输出门',
    'cell state':
        '记忆单元（细胞状态）',
    'hidden state':
        '隐状态',
    "torch.nn.LSTM's stacked parameters (gate order i, f, g = C̃, o), as in the generated code":
        'torch.nn.LSTM 堆叠后的参数（门的顺序为 i, f, g = C̃, o），与生成的代码一致',
    "One step: SymPy's ∂C_t/∂C_{t−1}, with h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} moving and o_{t−1} held, is the "
    "seed's four-term factor F_t (H = 1 and H = 2)":
        '单步：令 h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} 随 C_{t−1} 变化、o_{t−1} 保持不变，SymPy 求出的 ∂C_t/∂C_{t−1} '
        '就是原答案的四项因子 F_t（H = 1 与 H = 2）',
    'Left of each checked relation: ``sympy.diff`` (scalar) and ``Matrix.jacobian`` (H = 2) of $C_t$ after '
    'substituting $h_{t-1} = o_{t-1}\\odot\\tanh C_{t-1}$; right: the general form above at that size. $A_{g,t}$ '
    'is the part of $\\partial C_t/\\partial h_{t-1}$ through gate $g$, so the four terms are $\\operatorname{diag} '
    "f_t$ and $A_{f,t}D_{t-1}$, $A_{i,t}D_{t-1}$, $A_{C,t}D_{t-1}$, in the seed's order. $a_{g,t}$ is the "
    'pre-activation of gate $g$ ($a_{gk}$: unit $k$ in the H = 2 instance). For one step the four terms are '
    'complete.':
        '每个被检验关系的左边：代入 $h_{t-1} = o_{t-1}\\odot\\tanh C_{t-1}$ 之后，对 $C_t$ 用 ``sympy.diff``（标量）'
        '和 ``Matrix.jacobian``（H = 2）求导；右边：上面的一般形式取相应的尺寸。$A_{g,t}$ 是 $\\partial C_t/\\parti'
        'al h_{t-1}$ 中经过门 $g$ 的那一部分，所以四项依次是 $\\operatorname{diag} f_t$ 和 $A_{f,t}D_{t-1}$、$A_{i'
        ',t}D_{t-1}$、$A_{C,t}D_{t-1}$，与原答案的顺序相同。$a_{g,t}$ 是门 $g$ 的净输入（H = 2 的实例中 $a_{gk}$ '
        '表示第 $k$ 个单元）。对单步而言这四项是完整的。',
    'In the recurrence the state is (h_{t−1}, C_{t−1}): ∂C_t/∂C_{t−1} = diag(f_t), and the other three terms '
    'are ∂C_t/∂h_{t−1} · ∂h_{t−1}/∂C_{t−1} (H = 2)':
        '在循环中状态是 (h_{t−1}, C_{t−1})：∂C_t/∂C_{t−1} = diag(f_t)，另外三项是 ∂C_t/∂h_{t−1} · ∂h_{t−1}/∂C_{t−'
        '1}（H = 2）',
    '$C_{t-1}$ enters $C_t$ directly only through $f_t\\odot C_{t-1}$; the three gate terms are $A_t = \\partial '
    'C_t/\\partial h_{t-1}$ times $D_{t-1} = \\partial h_{t-1}/\\partial C_{t-1}$, a derivative that belongs '
    'to step $t-1$ (with $o_{t-1}$ held: it depends on $h_{t-2}$). In the instance $z_{gk}$ names the part '
    '$W_{xg} x + b_g$ of a pre-activation (unit $k$) where the derivative is in $h_{t-1}$.':
        '$C_{t-1}$ 只通过 $f_t\\odot C_{t-1}$ 直接进入 $C_t$；三个门的项是 $A_t = \\partial C_t/\\partial h_{t-1}$ '
        '乘以 $D_{t-1} = \\partial h_{t-1}/\\partial C_{t-1}$，而后者属于第 $t-1$ 步（其中 $o_{t-1}$ 被视为常量，但'
        '它其实依赖于 $h_{t-2}$）。在实例中，对 $h_{t-1}$ 求导的地方用 $z_{gk}$ 记净输入中 $W_{xg} x + b_g$ '
        '那一部分（第 $k$ 个单元）。',
    'One step through the joint state: J_t = ∂(h_t, C_t)/∂(h_{t−1}, C_{t−1}) (H = 2)':
        '经过联合状态的单步：J_t = ∂(h_t, C_t)/∂(h_{t−1}, C_{t−1})（H = 2）',
    'The Jacobian to chain in BPTT ($A_t$ as above). Its $C$ row is $(A_t,\\ \\operatorname{diag} f_t)$; the '
    '$h$ row adds $G_t$, the path through the output gate: $h_t = o_t\\odot\\tanh C_t$ and $o_t$ depends on '
    "$h_{t-1}$. The seed's factor $F_t$ has no $G$: chaining $F$'s treats every output gate as constant. "
    "Checked against SymPy's derivatives of $(h_t, C_t)$: in $C_{t-1}$ (the right block column), of $o_t\\odot\\tan"
    'h C_t$ in $h_{t-1}$ with $C_t$ held ($G_t$), and ``Matrix.jacobian`` in $(h_{t-1}, C_{t-1})$.':
        '这是 BPTT 中真正要连乘的雅可比矩阵（$A_t$ 同上）。它的 $C$ 行是 $(A_t,\\ \\operatorname{diag} f_t)$；$h$ '
        '行多了 $G_t$，即经过输出门的路径：$h_t = o_t\\odot\\tanh C_t$，而 $o_t$ 依赖于 $h_{t-1}$。原答案的因子 '
        '$F_t$ 里没有 $G$：把 $F$ 连乘，相当于把每个输出门都当作常量。对照的是 SymPy 对 $(h_t, C_t)$ 求的导数：对'
        ' $C_{t-1}$ 求导（右边一列分块），$C_t$ 不变时 $o_t\\odot\\tanh C_t$ 对 $h_{t-1}$ 求导（$G_t$），以及对 '
        '$(h_{t-1}, C_{t-1})$ 的 ``Matrix.jacobian``。',
    'Two steps: the true ∂C_{i+2}/∂C_i is the C row of the product of joint Jacobians':
        '两步：真正的 ∂C_{i+2}/∂C_i 是联合雅可比矩阵之积的 C 行',
    'The correct chain: multiply the one-step joint Jacobians (the general $J_k$ above, $2\\times2$ at H = '
    '1), apply the product to the column $\\partial(h_i, C_i)/\\partial C_i$ and read off the $C$ row. Left: '
    '``sympy.diff`` of the unrolled $C_{i+2}$ (H = 1); right: that product. The instance names the pre-activation'
    's $a_{g,k}$ and the state $C_{i+1}$ once SymPy has differentiated.':
        '正确的链式法则：把单步的联合雅可比矩阵（上面的一般形式 $J_k$，H = 1 时为 $2\\times2$）相乘，作用在列向量 '
        '$\\partial(h_i, C_i)/\\partial C_i$ 上，再取出 $C$ 行。左边：对展开后的 $C_{i+2}$ 用 ``sympy.diff``（H '
        '= 1）；右边：上述乘积。SymPy 求导之后，实例把净输入记为 $a_{g,k}$、把状态记为 $C_{i+1}$。',
    "Two steps: the seed's product F_{i+2} F_{i+1} misses exactly the output-gate path G_{i+1}":
        '两步：原答案的乘积 F_{i+2} F_{i+1} 恰好漏掉了输出门路径 G_{i+1}',
    'Each four-term factor holds $o_{k-1}$ fixed. Over two steps $h_{i+1} = o_{i+1}\\odot\\tanh C_{i+1}$ and '
    '$o_{i+1}$ moves with $C_i$ through $h_i$: $C_i$ acts on $h_i$ ($D_i$), then through $o_{i+1}$ on $h_{i+1}$ '
    "($G_{i+1}$), then on $C_{i+2}$ ($A_{i+2}$). Checked at H = 1: left, the true derivative minus the seed's "
    'product; right, the general term $A_{i+2} G_{i+1} D_i$ at H = 1. Over more steps the product drops every '
    '$G_k$.':
        '每个四项因子都把 $o_{k-1}$ 当作常量。但在两步中 $h_{i+1} = o_{i+1}\\odot\\tanh C_{i+1}$，而 $o_{i+1}$ '
        '通过 $h_i$ 随 $C_i$ 变化：$C_i$ 作用于 $h_i$（$D_i$），再经过 $o_{i+1}$ 作用于 $h_{i+1}$（$G_{i+1}$），最'
        '后作用于 $C_{i+2}$（$A_{i+2}$）。在 H = 1 时检验：左边是真实导数减去原答案的乘积；右边是一般形式的项 '
        '$A_{i+2} G_{i+1} D_i$ 在 H = 1 时的值。步数更多时，这个乘积会漏掉每一个 $G_k$。',
    'The cell path alone: with every recurrent block W_hg = 0 the only path left is C_i → C_{i+1} → C_{i+2}, '
    'and ∂C_{i+2}/∂C_i = f_{i+2} f_{i+1} (H = 1)':
        '只看记忆单元路径：当所有循环权重分块 W_hg = 0 时，只剩下路径 C_i → C_{i+1} → C_{i+2}，且 ∂C_{i+2}/∂C_i '
        '= f_{i+2} f_{i+1}（H = 1）',
    'Every path from $C_i$ to $C_t$ other than the chain $C_k = f_k\\odot C_{k-1} + \\dots$ passes through '
    'some $A_k$ or $G_k$, each a diagonal matrix times a recurrent block $W_{hg}$; the cell path passes through '
    'the blocks $\\operatorname{diag} f_k$ of $J_k$ alone. Setting every $W_{hg} = 0$ cuts the other paths: '
    'left, ``sympy.diff`` of the unrolled $C_{i+2}$ with $W_{hg} = 0$ (H = 1); right, the product of the '
    "$\\operatorname{diag} f$ blocks. No weight matrix and no $\\tanh' \\le 1$ enters this product: it stays "
    "near 1 while the forget gates stay near 1, the reason the LSTM's gradient reaches further than the RNN's "
    "$\\prod_k\\operatorname{diag}(\\tanh'(a_k)) W_R$.":
        '从 $C_i$ 到 $C_t$ 的路径中，除了链 $C_k = f_k\\odot C_{k-1} + \\dots$ 之外，每条路径都要经过某个 $A_k$ '
        '或 $G_k$，而它们都是对角矩阵乘以一个循环权重分块 $W_{hg}$；记忆单元路径只经过 $J_k$ 中的分块 $\\operatorn'
        'ame{diag} f_k$。令所有 $W_{hg} = 0$ 就切断了其他路径：左边是 $W_{hg} = 0$ 时对展开后的 $C_{i+2}$ '
        '用 ``sympy.diff``（H = 1）；右边是各个 $\\operatorname{diag} f$ 分块之积。这个乘积里既没有权重矩阵，也没有'
        " $\\tanh' \\le 1$：只要遗忘门保持在 1 附近，它就保持在 1 附近。这正是 LSTM 的梯度比 RNN 的 $\\prod_k\\operat"
        "orname{diag}(\\tanh'(a_k)) W_R$ 传得更远的原因。",
    'BPTT per unit: the chain-rule formulas in the stored gate values equal the direct derivatives':
        '逐单元的 BPTT：用前向保存的门值写出的链式法则公式等于直接求出的导数',
    '$\\delta h_t$ is the gradient reaching $h_t$, $\\delta c_t$ the one reaching $C_t$ from step $t+1$, $\\delta '
    "C_t$ their total at $C_t$, $\\delta a_{g,t}$ the gradient of gate $g$'s pre-activation. Written in the "
    'activated gates that the forward pass stores (so backward needs no transcendental call) and applied '
    'to every unit; each per-unit formula is compared with ``sympy.diff`` of $\\delta h\\,h_t + \\delta c\\,C_t$ '
    'in the pre-activations.':
        '$\\delta h_t$ 是到达 $h_t$ 的梯度，$\\delta c_t$ 是从第 $t+1$ 步到达 $C_t$ 的梯度，$\\delta C_t$ 是两者在 '
        '$C_t$ 处的总和，$\\delta a_{g,t}$ 是门 $g$ 的净输入的梯度。公式用前向计算保存下来的激活后的门值写出（因此'
        '反向传播不需要再计算超越函数），并作用于每个单元；每个逐单元公式都与 $\\delta h\\,h_t + \\delta c\\,C_t$ '
        '对净输入的 ``sympy.diff`` 对照。',
    'σ(z) = (1 + tanh(z/2))/2 (the overflow-free in-place sigmoid of the code)':
        'σ(z) = (1 + tanh(z/2))/2（代码中不会溢出的原地 sigmoid）',
    "Halving the sigmoid gates' rows of $W$ and $b$ lets the code activate all four gates with one in-place "
    '``tanh``.':
        '把 sigmoid 门对应的 $W$ 和 $b$ 的行预先减半，代码就能用一次原地 ``tanh`` 激活全部四个门。',
    'BPTT for every parameter (torch layout W_ih, W_hh, b_ih, b_hh) and for x_t, h_{t−1}, C_{t−1}: one step '
    "(H = 2, D = 1) against SymPy's gradient of u_0·h_0 + u_1·h_1 + v·C_1":
        '每个参数（torch 布局 W_ih、W_hh、b_ih、b_hh）以及 x_t、h_{t−1}、C_{t−1} 的 BPTT：单步（H = 2，D '
        '= 1）与 SymPy 对 u_0·h_0 + u_1·h_1 + v·C_1 求出的梯度对照',
    "$\\delta a_t$ stacks the four gate gradients of the per-unit step above in torch's order; $u_{t-1}$ is "
    'the gradient $E$ puts on $h_{t-1}$ directly. The instance computes every gradient of one step by these '
    'rules from arbitrary upstream gradients $u_1$ (into $h_1$) and $v$ (into $C_1$), so by induction over '
    '$t$ they are BPTT for any $T$; the parameters are shared by the steps, hence the sums. The tests run '
    'these rules over $T = 3$ steps with numbers and compare the generated code for $T$ up to 7, both against '
    "torch.nn.LSTM's autograd. In the instance $a_{1,k}$ is row $k$ of the stacked pre-activation and $C_{1,k}$ "
    'unit $k$ of $C_1$.':
        '$\\delta a_t$ 按 torch 的顺序堆叠上面逐单元一步中四个门的梯度；$u_{t-1}$ 是 $E$ 直接加在 $h_{t-1}$ '
        '上的梯度。该实例用这些规则、从任意的上游梯度 $u_1$（进入 $h_1$）和 $v$（进入 $C_1$）算出单步的全部梯度，'
        '所以对 $t$ 归纳可知它们就是任意 $T$ 的 BPTT；参数在各步之间共享，因此要求和。测试用数值把这些规则跑过 '
        '$T = 3$ 步，并把生成的代码在 $T$ 不超过 7 时与 torch.nn.LSTM 的自动微分比较。实例中 $a_{1,k}$ 是堆叠后净'
        '输入的第 $k$ 行，$C_{1,k}$ 是 $C_1$ 的第 $k$ 个单元。',
    'A6.3 对于LSTM, the model equations':
        'A6.3 对于LSTM，模型方程',
    'Gate order and layout aside (torch stacks i, f, g, o), the cell equations are the standard LSTM; the '
    'derivation and the generated code carry the biases (torch.nn.LSTM has two, b_ih + b_hh).':
        '除了门的顺序和排布（torch 按 i, f, g, o 堆叠），这些记忆单元方程就是标准的 LSTM；推导和生成的代码都带有偏'
        '置（torch.nn.LSTM 有两个偏置 b_ih + b_hh）。',
    "The seed's model is torch.nn.LSTM with the biases set to zero, as its conventions (约定) declare; “·” "
    'is declared to be ⊙.':
        '原答案的模型就是偏置为零的 torch.nn.LSTM，这一点它在“约定”中已经声明；“·”也已声明为 ⊙。',
    'A6.3 对于LSTM, 约定':
        'A6.3 对于LSTM，约定',
    'the bias is folded into each W as a column acting on a constant input 1, i.e. [x_t, h_{t−1}, 1]: then '
    "it needs no term of its own in any Jacobian, and the seed's σ′(·), tanh′(·) are taken at the pre-activations"
    ' with the bias':
        '把偏置作为每个 W 中作用在常数输入 1 上的一列并入，即 [x_t, h_{t−1}, 1]：这样它在任何雅可比矩阵中都不再单'
        '独成项，而原答案的 σ′(·)、tanh′(·) 取在含偏置的净输入处',
    'The bias gradients are Σ_t δa_t (not zero, checked against torch in the tests), and the biases sit inside '
    'every σ′(·) and tanh′(·) of the Jacobians. Folding b into W with a constant input 1 is a valid way to '
    'drop it from the notation, not from the derivatives.':
        '偏置的梯度是 Σ_t δa_t（不为零，测试中已与 torch 对照），而且偏置出现在雅可比矩阵里每一个 σ′(·) 和 '
        'tanh′(·) 之中。用常数输入 1 把 b 并入 W，可以把它从记号中去掉，但不能从导数中去掉。',
    'The bias does enter the derivatives, inside every σ′(·) and tanh′(·), and has a gradient of its own; '
    "leaving it out of the notation changes none of the seed's formulas.":
        '偏置确实出现在导数中——在每个 σ′(·) 和 tanh′(·) 里——并且有它自己的梯度；在记号中省略它不改变原答案的任何公'
        '式。',
    'A6.3 对于LSTM, 则有':
        'A6.3 对于LSTM，则有',
    "Read with k = t (the left side says E_k, the right side E_t) and each ∂C_{k+1}/∂C_k as the seed's four-term "
    "factor. It drops every path that leaves the cell chain through h: h_t's own dependence on W_R through "
    'o_t (for W_R = w_ho the formula gives 0), and the o-path of each factor. The correct gradient is the '
    'BPTT recursion through the joint state (h, C) above.':
        '按 k = t 理解（左边写的是 E_k，右边是 E_t），并把每个 ∂C_{k+1}/∂C_k 理解为原答案的四项因子。该式丢掉了所'
        '有经由 h 离开记忆单元链的路径：h_t 本身通过 o_t 对 W_R 的依赖（对 W_R = w_ho，该公式给出 0），以及每个因'
        '子中经过 o 的路径。正确的梯度是上面经过联合状态 (h, C) 的 BPTT 递推。',
    'A chain through the cell states alone misses every path through h: the output gate makes h_t and each '
    'step depend on h_{t−1} (for W_R = w_ho the formula gives 0).':
        '只沿记忆单元状态的链会漏掉所有经过 h 的路径：输出门使 h_t 以及每一步都依赖于 h_{t−1}（对 W_R = w_ho，该公'
        '式给出 0）。',
    'A6.3 对于LSTM, 其中':
        'A6.3 对于LSTM，其中',
    'True for one step only. As the derivative of C_t with respect to C_i it needs the joint (h, C) Jacobians; '
    'the product of four-term factors drops the output-gate path G (steps above).':
        '只对单步成立。作为 C_t 对 C_i 的导数，它需要 (h, C) 的联合雅可比矩阵；四项因子的连乘丢掉了输出门路径 '
        'G（见上面的步骤）。',
    'Each four-term factor holds the output gate fixed, so the product drops the path G_k of every step through '
    'it; it equals ∂C_t/∂C_i only for t = i + 1.':
        '每个四项因子都把输出门当作常量，所以连乘丢掉了每一步中经过输出门的路径 G_k；只有 t = i + 1 时它才等于 '
        '∂C_t/∂C_i。',
    'A6.3 对于LSTM, 展开得到':
        'A6.3 对于LSTM，展开得到',
    'Correct for one step, as the derivative of C_t(C_{t−1}) with h_{t−1} = o_{t−1}·tanh(C_{t−1}) and o_{t−1} '
    'held (scalar, and H = 2 with · as diag(·) row scaling). In BPTT C_{t−1} and h_{t−1} are separate states, '
    'so this composite is not the factor to chain (claim 4).':
        '对单步正确：它是令 h_{t−1} = o_{t−1}·tanh(C_{t−1})、o_{t−1} 不变时 C_t(C_{t−1}) 的导数（标量情形，以及把'
        ' · 理解为 diag(·) 行缩放的 H = 2 情形）。在 BPTT 中 C_{t−1} 和 h_{t−1} 是两个独立的状态，所以这个复合导数'
        '并不是要连乘的因子（论断 4）。',
    'With h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} moving and o_{t−1} held, the chain rule through f_t, i_t, C̃_t '
    'and the direct term f_t gives exactly these four terms.':
        '令 h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} 随之变化、o_{t−1} 不变，经过 f_t、i_t、C̃_t 的链式法则加上直接项 '
        'f_t，恰好给出这四项。',
    'A6.3 对于LSTM, 进一步展开为':
        'A6.3 对于LSTM，进一步展开为',
    'W_f, W_i, W_C are read as their recurrent blocks W_hf, W_hi, W_hC (the columns acting on h_{t−1}; the '
    "whole W_f acts on [x_t, h_{t−1}] and has the wrong shape), σ′(·), tanh′(·) are taken at the gates' pre-activ"
    'ations of step t (with the bias), and in vector form f_t is diag(f_t)':
        '把 W_f、W_i、W_C 理解为它们的循环权重分块 W_hf、W_hi、W_hC（作用在 h_{t−1} 上的那些列；整个 W_f '
        '作用在 [x_t, h_{t−1}] 上，形状不对），σ′(·)、tanh′(·) 取在第 t 步各门的净输入处（含偏置），并在向量形式中'
        '把 f_t 理解为 diag(f_t)',
    'The content is right, the notation does not fit vectors: W_f, W_i, W_C must be the recurrent blocks '
    'W_hf, W_hi, W_hC, each product a diag(·) scaling of rows, and f_t the matrix diag(f_t).':
        '内容是对的，只是记号不适用于向量：W_f、W_i、W_C 必须是循环权重分块 W_hf、W_hi、W_hC，每个乘积是 '
        'diag(·) 对行的缩放，f_t 是矩阵 diag(f_t)。',
    'A6.3 对于LSTM, first remark':
        'A6.3 对于LSTM，第一条评论',
    'Nothing keeps the factors away from (0, 1): a closed forget gate (negative b_f) makes the product vanish '
    'geometrically; the plots show the sweep over b_f.':
        '没有什么能让这些因子避开 (0, 1)：关闭的遗忘门（负的 b_f）使乘积按几何级数消失；图中给出了对 b_f '
        '的扫描。',
    'A closed forget gate (negative forget bias) keeps the factors below 1 and the product vanishes geometrically'
    ', as in the counter-example; nothing in the model keeps them away from (0, 1).':
        '关闭的遗忘门（负的遗忘门偏置）使各因子都小于 1，乘积按几何级数消失，正如反例所示；模型中没有任何东西能让'
        '它们避开 (0, 1)。',
    "‖∏ of the seed's four-term factors‖₂ stays in [1e-8, 1e8] over 100 steps (random LSTMs, H = D = 8, forget "
    'bias b_f in [−4, 4], weight scale s in [0.5, 2])':
        '原答案四项因子连乘的 ‖·‖₂ 在 100 步内保持在 [1e-8, 1e8] 中（随机 LSTM，H = D = 8，遗忘门偏置 b_f '
        '取自 [−4, 4]，权重尺度 s 取自 [0.5, 2]）',
    'A6.3 对于LSTM, remarks 2–4':
        'A6.3 对于LSTM，第 2–4 条评论',
    'Checked: f_t (the factor on the cell path) depends on x_t and h_{t−1} through W_f and b_f. That training '
    'sets these weights usefully is not a statement the checker can test.':
        '已检验：f_t（记忆单元路径上的因子）通过 W_f 和 b_f 依赖于 x_t 和 h_{t−1}。至于训练能否把这些权重学得有用'
        '，不是检验器能检验的命题。',
    'f_t = σ(W_xf x_t + W_hf h_{t−1} + b_f), the factor on the cell path, depends on the current input and '
    'hidden state, so it can differ at every t.':
        '记忆单元路径上的因子 f_t = σ(W_xf x_t + W_hf h_{t−1} + b_f) 依赖于当前输入和隐状态，因此在每个 t '
        '都可以不同。',
    'A6.3 对于LSTM, remark 3':
        'A6.3 对于LSTM，第 3 条评论',
    'Not a checkable statement (better than what?); the comparison with the RNN product is measured in the '
    'plot below.':
        '这不是可检验的命题（比什么更好？）；与 RNN 连乘的比较在下面的图中实测。',
    "“Better” is not defined; what holds is that the cell update's own derivative diag(f_t) has no weight "
    "matrix and no tanh′ in it, unlike the RNN's diag(tanh′(a_t)) W_R.":
        '“更好”没有定义；成立的是：记忆单元更新本身的导数 diag(f_t) 中既没有权重矩阵，也没有 tanh′，不像 '
        'RNN 的 diag(tanh′(a_t)) W_R。',
    'A6.3 LSTM缓解远距离梯度消失的效果, first bullet':
        'A6.3 LSTM缓解远距离梯度消失的效果，第一条',
    'Measured by knock-out: the three other terms alone vanish like an RNN product. They are not negligible '
    'while the forget path is present, though: they compound with it, and the full norm can be many times '
    'the forget-path product ∏ diag(f) (table and plot below).':
        '用“敲除”实测：只剩另外三项时，梯度像 RNN 的连乘一样消失。但只要遗忘门路径存在，它们就不可忽略：它们与遗忘'
        '门路径相互叠加，完整的范数可以是遗忘门路径乘积 ∏ diag(f) 的许多倍（见下面的表和图）。',
    'Along the cell path the Jacobian is a product of diagonal matrices diag(f_k); without that path the '
    "other terms, products of W_hg blocks, vanish like the RNN's.":
        '沿记忆单元路径，雅可比矩阵是对角矩阵 diag(f_k) 的乘积；去掉这条路径后，其余各项（W_hg 分块的连乘）像 '
        'RNN 一样消失。',
    'knocking the forget-gate path out of every step (diag(f) block set to 0) leaves at most 1e-3 of ‖∂C_T/∂(h, '
    'C)_0‖₂ after 50 steps (random LSTMs, H = D = 8, forget bias b_f in [−1, 5], weight scale s in [0.3, '
    '3])':
        '在每一步敲除遗忘门路径（把 diag(f) 分块置为 0）后，50 步之后至多剩下 ‖∂C_T/∂(h, C)_0‖₂ 的 1e-3（随机 '
        'LSTM，H = D = 8，遗忘门偏置 b_f 取自 [−1, 5]，权重尺度 s 取自 [0.3, 3]）',
    'A6.3 LSTM缓解远距离梯度消失的效果, second bullet':
        'A6.3 LSTM缓解远距离梯度消失的效果，第二条',
    'The blocks A_k and G_k of the joint Jacobian multiply recurrent weights W_hg at every step, and their '
    'products can grow.':
        '联合雅可比矩阵的分块 A_k 和 G_k 在每一步都乘上循环权重 W_hg，它们的连乘可能增长。',
    'some LSTM (H = D = 8, large recurrent weights) has ‖∂C_T/∂(h, C)_0‖₂ > 1e3 after 60 steps (random search, '
    'up to 200 draws)':
        '存在某个 LSTM（H = D = 8，循环权重较大），60 步之后 ‖∂C_T/∂(h, C)_0‖₂ > 1e3（随机搜索，最多 200 '
        '次抽取）',
    'A frequency claim over trained networks; not encoded. (More saturating activations bound each factor, '
    'but the o-path and W products can still grow, as the previous claim shows.)':
        '这是关于训练后网络的频率命题，没有编码检验。（更多饱和的激活函数限制了每个因子，但经过 o 的路径和 '
        'W 的连乘仍可能增长，上一条论断说明了这一点。）',
    'How often trained networks explode is not decided by a derivation; the reason given is a heuristic (σ′ '
    '≤ 1/4 and tanh′ ≤ 1 damp each factor), and clipping is indeed the usual remedy.':
        '训练后的网络多常发生梯度爆炸，不是推导能决定的；原答案给出的理由只是启发式的（σ′ ≤ 1/4、tanh′ ≤ '
        '1 会削弱每个因子），而梯度裁剪确实是通常的办法。',
    'Jacobian norms reaching back 100 steps on the same inputs: RNN product, LSTM through the joint state, '
    "the forget-gate path alone, and the seed's product.":
        '在相同输入上回溯 100 步的雅可比矩阵范数：RNN 的连乘、经过联合状态的 LSTM、只有遗忘门路径，以及原答案的连'
        '乘。',
    'Sweep over the forget-gate bias b_f: the joint-state norm (solid) follows the forget-gate path (dashed).':
        '对遗忘门偏置 b_f 的扫描：联合状态的范数（实线）跟随遗忘门路径（虚线）。',
    "What is ∂C_t/∂C_{t−1}, the seed's four-term factor?":
        '原答案的四项因子 ∂C_t/∂C_{t−1} 是什么？',
    '∂C_t/∂C_{t−1} = (∂f_t/∂h_{t−1})(∂h_{t−1}/∂C_{t−1})·C_{t−1} + f_t + (∂i_t/∂h_{t−1})(∂h_{t−1}/∂C_{t−1})·C̃_t '
    '+ i_t·(∂C̃_t/∂h_{t−1})(∂h_{t−1}/∂C_{t−1}), expanded as C_{t−1}σ′(·)W_f * o_{t−1}tanh′(C_{t−1}) + f_t '
    '+ ….':
        '∂C_t/∂C_{t−1} = (∂f_t/∂h_{t−1})(∂h_{t−1}/∂C_{t−1})·C_{t−1} + f_t + (∂i_t/∂h_{t−1})(∂h_{t−1}/∂C_{t−1})·C̃'
        '_t + i_t·(∂C̃_t/∂h_{t−1})(∂h_{t−1}/∂C_{t−1})，进一步展开为 C_{t−1}σ′(·)W_f * o_{t−1}tanh′(C_{t−1}) '
        '+ f_t + …。',
    'Right for one step, as the derivative of C_t with h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} moving and o_{t−1} '
    'held. In vector form W_f, W_i, W_C stand for the recurrent blocks W_hf, W_hi, W_hC, each product is '
    "a diag(·) scaling of rows, and σ′, tanh′ are taken at step t's pre-activations (bias included). It is "
    'not the factor to chain over several steps (next question).':
        '对单步正确：它是令 h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} 随之变化、o_{t−1} 不变时 C_t 的导数。在向量形式中，W'
        '_f、W_i、W_C 应是循环权重分块 W_hf、W_hi、W_hC，每个乘积是 diag(·) 对行的缩放，σ′、tanh′ 取在第 '
        't 步的净输入处（含偏置）。它不是多步连乘时该用的因子（见下一问）。',
    'A_{g,t}: the part of ∂C_t/∂h_{t−1} through gate g; D_{t−1} = ∂h_{t−1}/∂C_{t−1} with o_{t−1} held.':
        'A_{g,t}：∂C_t/∂h_{t−1} 中经过门 g 的部分；D_{t−1} = ∂h_{t−1}/∂C_{t−1}（o_{t−1} 不变）。',
    'What is ∂C_t/∂C_i over several steps?':
        '多步时 ∂C_t/∂C_i 是什么？',
    'The product ∏_{k=i}^{t−1} ∂C_{k+1}/∂C_k of the four-term factors.':
        '四项因子的连乘 ∏_{k=i}^{t−1} ∂C_{k+1}/∂C_k。',
    'The product misses a path at every step: each factor holds o_{k−1} fixed, but o_k depends on h_{k−1} '
    'and so on C_{k−1}. Over two steps the true derivative is already F_{i+2}F_{i+1} + A_{i+2}G_{i+1}D_i. '
    'The state of the recurrence is (h, C), and its Jacobians J_k are what chains.':
        '这个连乘在每一步都漏掉一条路径：每个因子都把 o_{k−1} 当作常量，但 o_k 依赖于 h_{k−1}，从而依赖于 '
        'C_{k−1}。两步时真实的导数已经是 F_{i+2}F_{i+1} + A_{i+2}G_{i+1}D_i。循环的状态是 (h, C)，要连乘的是它的雅'
        '可比矩阵 J_k。',
    "k = t on the left down to k = i + 1; G_k = ∂h_k/∂h_{k−1} through the output gate, the block the seed's "
    'product drops.':
        'k 从左边的 t 递减到 i + 1；G_k = ∂h_k/∂h_{k−1}（经过输出门），正是原答案的连乘漏掉的分块。',
    "What are the gradients of the LSTM's parameters?":
        'LSTM 各参数的梯度是什么？',
    '∂E_k/∂W_R = Σ_{i=0}^{t} (∂E_t/∂y_t)(∂y_t/∂h_t)(∂h_t/∂C_t)(∂C_t/∂C_{t−1})⋯(∂C_{i+1}/∂C_i)(∂C_i/∂W_R) '
    'for the recurrent weights W_R; the other parameters are left out as simple, the bias is ignored.':
        '对循环权重 W_R，∂E_k/∂W_R = Σ_{i=0}^{t} (∂E_t/∂y_t)(∂y_t/∂h_t)(∂h_t/∂C_t)(∂C_t/∂C_{t−1})⋯(∂C_{i+1}/∂C_i)'
        '(∂C_i/∂W_R)；其他参数因“比较简单”而没有列出，偏置被忽略。',
    'The chain runs along the cell states only, so it misses every path through h: the output gate makes '
    'h_t and each step depend on h_{t−1} (for W_R = W_ho it gives 0). E_k should be E_t, and for E = Σ_t '
    'E_t the terms add up over t. The bias has a gradient of its own. One backward pass through (h, C) gives '
    'every gradient.':
        '这条链只沿记忆单元状态，所以漏掉了所有经过 h 的路径：输出门使 h_t 和每一步都依赖于 h_{t−1}（对 W_R '
        '= W_ho 它给出 0）。E_k 应为 E_t；对 E = Σ_t E_t，还要对 t 求和。偏置有自己的梯度。经过 (h, C) 的一次反向'
        '传播就能给出所有梯度。',
    "δa_t = ∂E/∂a_t stacks the four gates' pre-activation gradients of step t (next question); ∂E/∂b_hh = "
    '∂E/∂b_ih, and the rows of gate g are W_xg, W_hg, b_g.':
        'δa_t = ∂E/∂a_t 堆叠第 t 步四个门的净输入梯度（见下一问）；∂E/∂b_hh = ∂E/∂b_ih，门 g 对应的行是 W_xg、W_h'
        'g、b_g。',
    'How does the gradient pass back through one step (BPTT)?':
        '梯度如何反向穿过一步（BPTT）？',
    'Not given: the seed stops at the chain of the factors ∂C_{k+1}/∂C_k.':
        '原答案没有给出：它停在因子 ∂C_{k+1}/∂C_k 的连乘上。',
    'Missing rather than wrong: the gradient reaches step t in two parts, δh_t into h_t and δc_t into C_t, '
    'and leaves it into h_{t−1} and C_{t−1}.':
        '不是错误而是缺失：梯度分两部分到达第 t 步——进入 h_t 的 δh_t 和进入 C_t 的 δc_t——再分别流向 h_{t−1} '
        '和 C_{t−1}。',
    'δh_{t−1} = u_{t−1} + W_hhᵀ δa_t, with u_{t−1} the gradient the loss puts on h_{t−1} directly; δh_T and '
    'δc_T come from the loss, δc_T = 0 when it does not read C_T.':
        'δh_{t−1} = u_{t−1} + W_hhᵀ δa_t，其中 u_{t−1} 是损失直接加在 h_{t−1} 上的梯度；δh_T 和 δc_T 来自损失，损'
        '失不读取 C_T 时 δc_T = 0。',
    'Why does the LSTM mitigate vanishing gradients, and can they still explode?':
        '为什么 LSTM 能缓解梯度消失？梯度还会爆炸吗？',
    'The four-term factor is not always in (0, 1) or (1, ∞), so the product neither vanishes nor explodes; '
    'the gates are learned; the f_t path is what makes the LSTM more stable than the RNN; the other three '
    'terms are repeated matrix products, so gradients can still explode (less often, clipped).':
        '四项因子不会总在 (0, 1) 或总在 (1, ∞) 中，所以连乘既不消失也不爆炸；门控的值是学出来的；f_t 这条路径是 '
        'LSTM 比 RNN 稳定的原因；另外三项仍是矩阵连乘，所以仍可能梯度爆炸（较少发生，用裁剪解决）。',
    'The first argument fails: a closed forget gate makes the product vanish (and that product is not ∂C_t/∂C_i '
    'anyway). The rest holds and is measured: along the cell path the Jacobian is a product of diagonal matrices '
    'diag(f_k), with no weight matrix and no tanh′; without that path less than 1e-3 of the gradient is left '
    'after 50 steps; the paths through A_k and G_k can explode.':
        '第一个论证不成立：关闭的遗忘门会让连乘消失（何况这个连乘本来就不是 ∂C_t/∂C_i）。其余的说法成立并有实测：'
        '沿记忆单元路径，雅可比矩阵是对角矩阵 diag(f_k) 的乘积，既没有权重矩阵也没有 tanh′；去掉这条路径后，50 '
        '步之后剩下的梯度不到 1e-3；经过 A_k 和 G_k 的路径可能爆炸。',
    'Near 1 while the forget gates stay near 1 (learned; a positive forget bias helps), geometric decay when '
    "f_k ≤ 1 − ε; unlike the RNN's ∏ diag(tanh′(a_k)) W_R.":
        '遗忘门保持在 1 附近时它也接近 1（需要学习；正的遗忘门偏置有帮助），f_k ≤ 1 − ε 时按几何级数衰减；不同于 '
        'RNN 的 ∏ diag(tanh′(a_k)) W_R。',
    'input at step t (D entries)':
        '第 t 步的输入（D 个分量）',
    'hidden state at step t (H entries); h_0 is the initial state':
        '第 t 步的隐状态（H 个分量）；h_0 为初始状态',
    'memory cell (cell state) at step t; C_0 is the initial cell':
        '第 t 步的记忆单元（细胞状态）；C_0 为初始记忆单元',
    "candidate cell tanh(a_{C,t}) (torch's g_t)":
        '候选状态 tanh(a_{C,t})（torch 中的 g_t）',
    'input gate at step t, entries in (0, 1)':
        '第 t 步的输入门，分量在 (0, 1) 中',
    'forget gate at step t, entries in (0, 1)':
        '第 t 步的遗忘门，分量在 (0, 1) 中',
    'output gate at step t, entries in (0, 1)':
        '第 t 步的输出门，分量在 (0, 1) 中',
    'pre-activation of gate g ∈ {i, f, C, o}: W_xg x_t + W_hg h_{t−1} + b_g':
        '门 g ∈ {i, f, C, o} 的净输入：W_xg x_t + W_hg h_{t−1} + b_g',
    "input weights of gate g (its rows of torch's W_ih)":
        '门 g 的输入权重（torch 的 W_ih 中属于它的行）',
    "recurrent weights of gate g (its rows of torch's W_hh; the seed's W_R)":
        '门 g 的循环权重（torch 的 W_hh 中属于它的行；即原答案的 W_R）',
    "bias of gate g (its rows of torch's b_ih + b_hh); the seed leaves it out":
        '门 g 的偏置（torch 的 b_ih + b_hh 中属于它的行）；原答案省略了它',
    "torch.nn.LSTM's stacked input weights W_xi, W_xf, W_xC, W_xo (gate order i, f, g, o)":
        'torch.nn.LSTM 堆叠的输入权重 W_xi、W_xf、W_xC、W_xo（门的顺序为 i, f, g, o）',
    "torch.nn.LSTM's stacked recurrent weights W_hi, W_hf, W_hC, W_ho":
        'torch.nn.LSTM 堆叠的循环权重 W_hi、W_hf、W_hC、W_ho',
    "torch.nn.LSTM's two bias vectors; only their sum enters":
        'torch.nn.LSTM 的两个偏置向量；只有它们的和起作用',
    'the vector of H ones':
        'H 个 1 组成的向量',
    "entrywise product (the seed's ·)":
        '逐元素乘积（原答案中的 ·）',
    'the diagonal matrix with v on its diagonal':
        '以 v 为对角线的对角矩阵',
    "the seed's four-term factor: ∂C_t/∂C_{t−1} with h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} moving and o_{t−1} "
    'held':
        '原答案的四项因子：令 h_{t−1} = o_{t−1} ⊙ tanh C_{t−1} 随之变化、o_{t−1} 不变时的 ∂C_t/∂C_{t−1}',
    '∂C_t/∂h_{t−1} with C_{t−1} held: A_{f,t} + A_{i,t} + A_{C,t}':
        'C_{t−1} 不变时的 ∂C_t/∂h_{t−1}：A_{f,t} + A_{i,t} + A_{C,t}',
    'the part of A_t through gate g ∈ {f, i, C}':
        'A_t 中经过门 g ∈ {f, i, C} 的部分',
    '∂h_t/∂C_t with o_t held, diag(o_t ⊙ tanh′(C_t))':
        'o_t 不变时的 ∂h_t/∂C_t，即 diag(o_t ⊙ tanh′(C_t))',
    '∂h_t/∂h_{t−1} through the output gate alone (C_t held)':
        '只经过输出门的 ∂h_t/∂h_{t−1}（C_t 不变）',
    'Jacobian of the joint state, ∂(h_t, C_t)/∂(h_{t−1}, C_{t−1}), 2H × 2H':
        '联合状态的雅可比矩阵 ∂(h_t, C_t)/∂(h_{t−1}, C_{t−1})，大小为 2H × 2H',
    'the part of ∂C_t/∂C_i along the cell path C_i → C_{i+1} → ⋯ → C_t alone':
        '∂C_t/∂C_i 中只沿记忆单元路径 C_i → C_{i+1} → ⋯ → C_t 的部分',
    'the loss; E_t is its term at step t':
        '损失；E_t 是它在第 t 步的项',
    '∂E/∂h_t, the gradient reaching h_t (from the loss and from step t + 1)':
        '∂E/∂h_t，到达 h_t 的梯度（来自损失和第 t + 1 步）',
    'the gradient reaching C_t from step t + 1':
        '从第 t + 1 步到达 C_t 的梯度',
    '∂E/∂C_t, the total gradient at C_t':
        '∂E/∂C_t，C_t 处的总梯度',
    "∂E/∂a_t: the four gates' δa_{g,t} stacked in torch's order":
        '∂E/∂a_t：四个门的 δa_{g,t} 按 torch 的顺序堆叠',
    'the gradient the loss puts on h_{t−1} directly (through y_{t−1})':
        '损失直接加在 h_{t−1} 上的梯度（经由 y_{t−1}）',
    'in the H = 2 instances: the pre-activation of gate g, unit k (in the BPTT instance a_{1,k} is row k '
    'of the stacked pre-activation of step 1)':
        'H = 2 的实例中：门 g、第 k 个单元的净输入（BPTT 的实例中 a_{1,k} 是第 1 步堆叠净输入的第 k 行）',
    "the derivative of tanh, 1 − tanh²; the seed's σ′ is σ(1 − σ)":
        'tanh 的导数 1 − tanh²；原答案的 σ′ 为 σ(1 − σ)',
}
