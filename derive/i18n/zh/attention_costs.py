"""Chinese for the A6.4 page (self-attention, convolution, recurrence): English text exactly as in
derive/derivations/attention_costs.py and _attention_claims.py → 中文."""
ZH: dict[str, str] = {
    "Multiply-adds of self-attention (with and without projections), convolutions, RNN and LSTM derived as loop-nest sums and counted; sequential steps and path lengths from explicit graphs; the crossovers solved by SymPy; Vaswani et al.'s Table 1 regenerated.":
        '自注意力（含与不含投影）、卷积、RNN 与 LSTM 的乘加次数按循环嵌套求和推导并与计数实现核对；顺序操作数与路径长度取自显式依赖图；交叉点由 SymPy 求解；重新生成 Vaswani 等人论文的表 1。',
    "The seed's A6.4 compares self-attention with convolutional and recurrent layers in words. Here every count is a SymPy formula, checked as the sum over its loop nest and against an implementation that counts its own multiply-adds (MACs: matrix products only; biases, softmax and nonlinearities are not counted).":
        '原答案的 A6.4 用文字比较了自注意力、卷积层和循环层。这里每个计数都是一个 SymPy 公式：先验证它等于循环嵌套的求和，再与一个自己统计乘加次数的实现比对（MACs：只计矩阵乘积；偏置、softmax 和非线性不计）。',
    'self-attention, Q, K, V and output projections d → d, h heads of width d/h':
        '自注意力：Q、K、V 与输出投影 d → d，h 个头，每头宽 d/h',
    'width-k convolution d → d (same padding)':
        '宽为 k 的卷积 d → d（same 填充）',
    'plain RNN and LSTM (input and hidden width d)':
        '普通 RNN 与 LSTM（输入与隐藏宽度均为 d）',
    'Self-attention without projections: the loop nest of Q Kᵀ and A V':
        '不含投影的自注意力：Q Kᵀ 与 A V 的循环嵌套',
    'Head g has queries and keys of width d/h: n·n dot products for the scores, n·n scaled rows for the weighted sum of the values. The number of heads cancels.':
        '第 g 个头的查询和键宽为 d/h：打分需要 n·n 次点积，对值加权求和需要 n·n 行缩放。头数在总数中相消。',
    'the MACs an explicit implementation counts equal the formula (random small sizes)':
        '显式实现统计的乘加次数等于公式（随机小尺寸）',
    'Self-attention with the Q, K, V and output projections':
        '带 Q、K、V 与输出投影的自注意力',
    'Four d × d matrix–vector products per position come on top of the attention itself.':
        '每个位置在注意力本身之外还要做四次 d × d 的矩阵–向量乘法。',
    'A width-k convolution d → d over n positions (same padding)':
        'n 个位置上宽为 k 的卷积 d → d（same 填充）',
    'Each output position reads k input positions through a d × d matrix each.':
        '每个输出位置通过各自的 d × d 矩阵读取 k 个输入位置。',
    'The depthwise-separable convolution':
        '深度可分离卷积',
    'One width-k filter per channel, then a pointwise (1 × 1) d → d mixing.':
        '每个通道一个宽为 k 的滤波器，再做逐点（1 × 1）的 d → d 混合。',
    'A plain RNN, input width d and hidden width d':
        '普通 RNN，输入宽度 d，隐藏宽度 d',
    'Per step one product with the input weights and one with the recurrent weights.':
        '每一步与输入权重相乘一次、与循环权重相乘一次。',
    'An LSTM (gates i, f, g, o), input width d and hidden width d':
        'LSTM（门 i、f、g、o），输入宽度 d，隐藏宽度 d',
    'Four gates, each with an input and a recurrent product per step; the elementwise products of the cell update are not MACs of a matrix product and are not counted.':
        '四个门，每步各有一次输入乘积和一次循环乘积；记忆单元更新中的逐元素乘积不是矩阵乘积的乘加，不计入。',
    'Restricted self-attention: each query sees r positions':
        '受限自注意力：每个查询只看 r 个位置',
    'As in Vaswani et al.: r keys per query (padded at the ends) instead of n.':
        '与 Vaswani 等人相同：每个查询看 r 个键（两端填充），而不是 n 个。',
    'Sequential operations: 1 for attention and convolution, n for a recurrence':
        '顺序操作数：注意力与卷积为 1，循环为 n',
    "Every output of an attention or convolution layer needs only the layer's inputs; h_t needs h_{t−1}.":
        '注意力层或卷积层的每个输出只依赖该层的输入；h_t 却依赖 h_{t−1}。',
    'longest chain of dependent operations in one layer (explicit graph) = 1 and n':
        '一层内最长的相依操作链（显式依赖图）= 1 与 n',
    'Path length of self-attention: one layer':
        '自注意力的路径长度：一层',
    'Every query reads every key.':
        '每个查询都读取所有的键。',
    'layers until every output depends on every input, all offsets allowed':
        '直到每个输出依赖每个输入所需的层数（允许所有偏移）',
    'Path length of a stack of centred width-k convolutions':
        '居中宽 k 卷积堆叠的路径长度',
    'Each layer widens the receptive field by (k − 1)/2 on each side; the ends are n − 1 apart.':
        '每层使感受野在两侧各扩大 (k − 1)/2；两端相距 n − 1。',
    'layers until every output depends on every input (explicit reachability)':
        '直到每个输出依赖每个输入所需的层数（显式可达性）',
    'Path length of a stack of causal width-k convolutions':
        '因果宽 k 卷积堆叠的路径长度',
    'A causal kernel reaches k − 1 positions back per layer.':
        '因果卷积核每层向前多看 k − 1 个位置。',
    'layers until every output depends on every earlier input':
        '直到每个输出依赖此前每个输入所需的层数',
    'Path length of causal convolutions with dilations 1, k, k², …':
        '膨胀率为 1, k, k², … 的因果卷积的路径长度',
    'After L layers the receptive field is k^L positions (WaveNet, ByteNet).':
        'L 层之后感受野为 k^L 个位置（WaveNet、ByteNet）。',
    'layers until every output depends on every earlier input, dilation k^l in layer l':
        '直到每个输出依赖此前每个输入所需的层数，第 l 层膨胀率 k^l',
    'Path length of restricted self-attention (a centred window of r positions)':
        '受限自注意力（居中的 r 个位置窗口）的路径长度',
    'The same geometry as a centred convolution of width r.':
        '几何上与宽为 r 的居中卷积相同。',
    'layers until every output depends on every input, window of r':
        '直到每个输出依赖每个输入所需的层数，窗口为 r',
    'Path length of a recurrent layer (RNN or LSTM: the same chain)':
        '循环层（RNN 或 LSTM：同一条链）的路径长度',
    'x_1 enters h_1, then n − 1 recurrent steps lead to h_n.':
        'x_1 进入 h_1，再经过 n − 1 个循环步到达 h_n。',
    'longest shortest path from an input x_j to an output h_i (breadth-first search)':
        '从输入 x_j 到输出 h_i 的最短路径中的最长者（广度优先搜索）',
    'Self-attention without projections against a plain RNN: the crossover':
        '不含投影的自注意力对比普通 RNN：交叉点',
    'Equal at the root n* that SymPy solves for; attention is cheaper below it (n = u·n*, u < 1) and dearer above it (u > 1).':
        '两者在 SymPy 解出的根 n* 处相等；n 小于它时注意力更省（n = u·n*，u < 1），大于它时更贵（u > 1）。',
    'Self-attention without projections against an LSTM: the crossover':
        '不含投影的自注意力对比 LSTM：交叉点',
    'Self-attention without projections against a width-k convolution: the crossover':
        '不含投影的自注意力对比宽 k 卷积：交叉点',
    'Self-attention without projections against a depthwise-separable convolution: the crossover':
        '不含投影的自注意力对比深度可分离卷积：交叉点',
    'Self-attention with projections never costs less than a plain RNN':
        '带投影的自注意力从不比普通 RNN 更省',
    'SymPy finds no positive n where the two counts are equal.':
        'SymPy 找不到两者计数相等的正 n。',
    'Self-attention with projections against an LSTM: the crossover':
        '带投影的自注意力对比 LSTM：交叉点',
    'Self-attention with projections against a width-k convolution: the crossover':
        '带投影的自注意力对比宽 k 卷积：交叉点',
    'Equal at the root n* that SymPy solves for; attention is cheaper below it (n = u·n*, u < 1) and dearer above it (u > 1), for the kernel widths k where the root is positive (k = k_min + v, v > 0, when k_min depends on d).':
        '两者在 SymPy 解出的根 n* 处相等；对根为正的卷积核宽度 k（当 k_min 依赖 d 时取 k = k_min + v，v > 0），n 小于根时注意力更省（n = u·n*，u < 1），大于根时更贵（u > 1）。',
    'Self-attention with projections against a depthwise-separable convolution: the crossover':
        '带投影的自注意力对比深度可分离卷积：交叉点',
    'A6.4 1、自注意力模型':
        'A6.4 1、自注意力模型',
    'the attention weights softmax(Q Kᵀ/√d) change when the input changes (weights W fixed)':
        '输入改变时注意力权重 softmax(Q Kᵀ/√d) 随之改变（权重矩阵 W 固定）',
    'every output row responds to every input row (central differences, random layers)':
        '每一行输出都对每一行输入有响应（中心差分，随机层）',
    'longest chain of dependent operations in one attention layer = 1':
        '一个注意力层内最长的相依操作链 = 1',
    'A fully connected layer over the whole sequence would need (n·d)² weights, fixed to one n.':
        '对整个序列的全连接层需要 (n·d)² 个权重，而且只适用于一个固定的 n。',
    'the same W_q, W_k, W_v, W_o applied to sequences of two lengths give outputs of those lengths':
        '同一组 W_q、W_k、W_v、W_o 作用于两种长度的序列，输出长度分别与之相同',
    'A6.4 2、卷积层':
        'A6.4 2、卷积层',
    'Contiguous stacks need ⌈2(n−1)/(k−1)⌉ layers, dilated ones ⌈log_k n⌉ (see the derivation).':
        '连续堆叠需要 ⌈2(n−1)/(k−1)⌉ 层，膨胀堆叠需要 ⌈log_k n⌉ 层（见推导）。',
    'for n > k positions one width-k layer is not enough; the stack needs more layers (explicit reachability)':
        '当 n > k 时一层宽 k 卷积不够；堆叠需要更多层（显式可达性）',
    'path length between the two ends of n > k positions: convolution stacks > 1 = self-attention':
        'n > k 个位置两端之间的路径长度：卷积堆叠 > 1 = 自注意力',
    'longest chain of dependent operations in one convolution layer = 1':
        '一个卷积层内最长的相依操作链 = 1',
    "read as the seed's own argument in the next two lines: a convolution stack deep enough to connect all n positions (⌈2(n−1)/(k−1)⌉ layers) against one self-attention layer; n ≥ 8, d ≥ 8":
        '按原答案接下来两行自己的论证理解：深到能连通全部 n 个位置的卷积堆叠（⌈2(n−1)/(k−1)⌉ 层）对比一层自注意力；n ≥ 8，d ≥ 8',
    'one width-3 convolution layer needs more MACs than one self-attention layer (Q, K, V, output projections)':
        '一层宽 3 的卷积比一层自注意力（含 Q、K、V 与输出投影）需要更多乘加',
    'a convolution stack deep enough to connect all n positions needs more MACs than one self-attention layer with projections (k ∈ {3, 5, 7}, n ≥ 8, d ≥ 8)':
        '深到能连通全部 n 个位置的卷积堆叠比一层带投影的自注意力需要更多乘加（k ∈ {3, 5, 7}，n ≥ 8，d ≥ 8）',
    '“向量乘法” is read as a matrix–vector product: three d×d ones (the projections) and two n×d ones (the scores K q_i and the weighted sum Vᵀ a_i), 3d² + 2nd MACs per position, growing with n':
        '把“向量乘法”理解为矩阵–向量乘积：三个 d×d 的（投影）和两个 n×d 的（打分 K q_i 与加权求和 Vᵀ a_i），每个位置 3d² + 2nd 次乘加，随 n 增长',
    'five products of length-d vectors per position: 5d MACs':
        '每个位置五次长度为 d 的向量乘积：5d 次乘加',
    'five matrix–vector products per position: W_q x_i, W_k x_i, W_v x_i, K q_i, Vᵀ a_i (counted implementation)':
        '每个位置五次矩阵–向量乘积：W_q x_i、W_k x_i、W_v x_i、K q_i、Vᵀ a_i（计数实现）',
    "the kernel is at least 5 wide (the seed's own example, k = 3, never satisfies it) and n ≤ d·(k - 3)/2, where k·d² = 3d² + 2nd (solved by SymPy)":
        '卷积核宽度至少为 5（原答案自己的例子 k = 3 从不满足），且 n ≤ d·(k - 3)/2，其中 k·d² = 3d² + 2nd（SymPy 求解）',
    "With stride s the convolution's count drops by the factor s (“随步长变化”); the comparison above is for stride 1.":
        '步长为 s 时卷积的计数按因子 s 减少（“随步长变化”）；上面的比较针对步长 1。',
    "per position a width-3 convolution layer needs at least the MACs of one self-attention (the seed's five products, 3d² + 2nd)":
        '每个位置一层宽 3 卷积至少需要一次自注意力的乘加（原答案的五次乘积，3d² + 2nd）',
    'per position a width-k convolution layer needs at least the MACs of one self-attention (3d² + 2nd), for k ≥ 5 and n ≤ d·(k - 3)/2':
        '每个位置一层宽 k 卷积至少需要一次自注意力的乘加（3d² + 2nd），条件是 k ≥ 5 且 n ≤ d·(k - 3)/2',
    'A6.4 3、循环层':
        'A6.4 3、循环层',
    "read for the recurrence h_(t−1) → h_t only: the input products W_ih x_t (half the MACs) are one parallel matrix product, and each step's d×d product is parallel inside":
        '只针对递推 h_(t−1) → h_t 理解：输入乘积 W_ih x_t（占一半乘加）是一次可并行的矩阵乘积，而每一步的 d×d 乘积内部也可并行',
    'every MAC of an RNN lies on the chain h_(t−1) → h_t':
        'RNN 的每一次乘加都在链 h_(t−1) → h_t 上',
    'the recurrence itself is a chain of n dependent steps':
        '递推本身是 n 个相依步骤组成的链',
    'read as the time of the n sequential steps; the MAC count 2nd² is linear in n, the lowest growth in n of the three layers':
        '理解为 n 个顺序步骤所需的时间；乘加次数 2nd² 对 n 是线性的，是三种层中随 n 增长最慢的',
    'an RNN needs more MACs than self-attention (the recurrence makes the count grow faster)':
        'RNN 比自注意力需要更多乘加（递推使计数增长更快）',
    'what grows is the number of sequential steps: n, against 1 for attention and convolution':
        '增长的是顺序步骤的数目：n，而注意力和卷积为 1',
    'The LSTM changes the gradient along the path (A6.3), not its length.':
        'LSTM 改变的是沿路径的梯度（见 A6.3），而不是路径的长度。',
    'the path between the two ends is n steps long, for the RNN and the LSTM alike':
        '两端之间的路径长 n 步，RNN 与 LSTM 相同',
    'A6.4 4、总结':
        'A6.4 4、总结',
    'one self-attention layer connects all positions':
        '一层自注意力即可连通所有位置',
    "the projections are left out (as in Vaswani et al.'s Table 1) and n < d; with projections self-attention never costs less than an RNN of the same width, and less than an LSTM only for n < 2·d (crossovers solved by SymPy)":
        '不计投影（如 Vaswani 等人的表 1）且 n < d；若计投影，自注意力从不比同宽度的 RNN 更省，也只在 n < 2·d 时比 LSTM 省（交叉点由 SymPy 求解）',
    'self-attention with projections needs fewer MACs than an RNN and a width-3 convolution':
        '带投影的自注意力比 RNN 和宽 3 卷积需要更少的乘加',
    'self-attention without projections needs fewer MACs than an RNN, an LSTM and a width-3 convolution when n < d':
        '当 n < d 时，不含投影的自注意力比 RNN、LSTM 和宽 3 卷积需要更少的乘加',
    'the projections are left out and n < d·k/2 (crossover solved by SymPy; 3·d/2 for k = 3)':
        '不计投影且 n < d·k/2（交叉点由 SymPy 求解；k = 3 时为 3·d/2）',
    'a width-3 convolution layer needs more MACs than a self-attention layer with projections':
        '一层宽 3 卷积比一层带投影的自注意力需要更多乘加',
    'without projections, a width-3 convolution needs more MACs when n < d·k/2':
        '不含投影时，宽 3 卷积在 n < d·k/2 时需要更多乘加',
    'A description of how the model is built, not a statement with a quantity to check.':
        '这是对模型构造方式的描述，不是一个可检验的定量论断。',
    'Checked on the A6.3 pages (the RNN Jacobian product and the LSTM cell path), not here.':
        '已在 A6.3 的页面（RNN 雅可比连乘与 LSTM 记忆单元路径）检验，这里不再重复。',
    'MACs per layer against the sequence length n for three widths d.':
        '三种宽度 d 下每层乘加次数随序列长度 n 的变化。',
    'self-attention': '自注意力',
    'self-attention with projections (not in the table)': '含投影的自注意力（表中没有）',
    'recurrent (plain RNN)': '循环层（普通 RNN）',
    'recurrent (LSTM, not in the table)': '循环层（LSTM，表中没有）',
    'convolutional (dilated stack)': '卷积层（空洞卷积堆叠）',
    'convolutional (contiguous stack)': '卷积层（连续卷积核堆叠）',
    "separable convolution (the paper's text, not the table)": '可分离卷积（论文正文，表中没有）',
    'self-attention (restricted)': '受限自注意力',
    'the table counts Q Kᵀ and A V only; the four projections add 4nd²': '表中只计 Q Kᵀ 和 A V；四个投影另加 4nd²',
    'the projections dominate while n < 2d': 'n < 2d 时投影占主导',
    "four times the RNN's MACs: the same order": '乘加数是 RNN 的四倍：阶相同',
    "the table's path length assumes dilated convolutions": '表中的路径长度假定使用空洞卷积',
    "contiguous kernels need O(n/k) layers (the paper's text says so)": '连续卷积核需要 O(n/k) 层（论文正文如此说明）',
    "the paper's text gives O(k·n·d + n·d²), which the table does not list": '论文正文给出 O(k·n·d + n·d²)，表中没有列出',
    'a plain RNN': '普通 RNN',
    'an LSTM': 'LSTM',
    'a width-k convolution': '宽度为 k 的卷积',
    'a depthwise-separable convolution': '深度可分离卷积',
}
