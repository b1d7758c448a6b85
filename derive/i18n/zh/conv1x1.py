"""Chinese of the A6.1 page (derive/derivations/conv1x1.py and its _conv1x1_* helpers). Each key is the
English text exactly as the module writes it; when the English changes, its entry stops matching and the
Chinese build fails until it is translated again. Texts with numbers that change are Tr in the modules."""
ZH: dict[str, str] = {
    # --- page -----------------------------------------------------------------------------------------
    "A 1×1 convolution is one C_out × C_in matrix applied at every pixel (written out entry by entry); "
    "stacked without an activation it collapses; a fully connected layer is a convolution with the kernel the "
    "size of its input. The reduction saves parameters only below a threshold SymPy solves for; GoogLeNet's "
    "Table 1 and ResNet's bottleneck are recounted.":
        "1×1 卷积就是在每个像素上作用同一个 C_out × C_in 矩阵（逐元素写出验证）；不加激活函数时，两层堆叠会合并成"
        "一层；全连接层是卷积核与输入一样大的卷积。1×1 降维只有在通道数低于 SymPy 解出的阈值时才节省参数；"
        "并用同样的公式重算 GoogLeNet 表 1 和 ResNet 瓶颈块。",
    "The seed lists five uses of 1×1 convolutions. Below, each is computed: the layer is written out entry by "
    "entry, its costs are loop-nest sums checked against a counted direct convolution, and the published "
    "GoogLeNet and ResNet numbers are recounted with the same formulas.":
        "原答案列出了 1×1 卷积的五种作用。下面逐条计算：把这一层逐元素写出；把它的开销写成循环求和，并与实际计数的"
        "直接卷积对照；再用同样的公式重算 GoogLeNet 和 ResNet 论文中公布的数字。",
    "Weights of a 1×1 reduction followed by a k×k convolution, relative to the k×k convolution alone, against "
    "the reduced width m.":
        "先 1×1 降维再做 k×k 卷积的权重数与单个 k×k 卷积之比，随降维后的宽度 m 变化。",
    "GoogLeNet Table 1: the printed params column against the recount by the derived formula (K read as 1024 "
    "and as 1000).":
        "GoogLeNet 表 1：论文印出的参数列与用推导公式重算的结果（K 按 1024 和 1000 两种读法）。",
    # --- model ----------------------------------------------------------------------------------------
    "output size along one axis (stride s, padding p)": "一个方向上的输出尺寸（步幅 s，填充 p）",
    "parameters of a k×k convolution C_in → C_out, with bias": "k×k 卷积 C_in → C_out 的参数数（含偏置）",
    "MACs for an output map of P pixels": "输出特征图有 P 个像素时的乘加次数",
    "the 1×1 convolution of all P pixels at once (pixels as columns)": "一次算出全部 P 个像素的 1×1 卷积（像素作为列）",
    "a loss E whose gradient with respect to Y is G": "损失 E，它对 Y 的梯度是 G",
    # --- ① output size --------------------------------------------------------------------------------
    "Output size along one axis; a 1×1 kernel with stride 1 and no padding keeps H":
        "一个方向上的输出尺寸；步幅为 1、无填充的 1×1 卷积核保持 H 不变",
    "A window of width k fits ⌊(H + 2p − k)/s⌋ + 1 times. With k = 1, s = 1, p = 0 every pixel is one window; "
    "a stride s > 1 (ResNet's 1×1 projection shortcuts) divides H by s, rounding up.":
        "宽为 k 的窗口能放下 ⌊(H + 2p − k)/s⌋ + 1 次。k = 1、s = 1、p = 0 时每个像素正好是一个窗口；步幅 s > 1 时"
        "（如 ResNet 的 1×1 投影捷径）H 除以 s 并向上取整。",
    # --- ③ ② the layer and stacks ---------------------------------------------------------------------
    "A 1×1 convolution is one matrix W applied to every pixel": "1×1 卷积就是在每个像素上作用同一个矩阵 W",
    "The definition of the convolution with k = 1, written out for C_in = 3, C_out = 2 on a 2 × 3 map, equals "
    "W X + b 1ᵀ with the pixels as the columns of X: the same C_out × C_in matrix at every pixel, a linear "
    "combination of the channels and nothing else.":
        "按卷积的定义取 k = 1，对 C_in = 3、C_out = 2、2 × 3 的特征图逐元素写出，结果等于 W X + b 1ᵀ（X 的各列是"
        "像素）：每个像素上都是同一个 C_out × C_in 矩阵，只是通道的线性组合，别无其他。",
    "Two stacked 1×1 convolutions without an activation are one 1×1 convolution":
        "不加激活函数的两个 1×1 卷积等于一个 1×1 卷积",
    "Checked for 3 → 2 → 2 channels on a 2 × 2 map: without a nonlinearity the second layer adds nothing a "
    "single layer could not do.":
        "对 3 → 2 → 2 个通道、2 × 2 的特征图验证：没有非线性时，第二层做不到任何单层做不到的事。",
    "A ReLU between them breaks this: the stack is not linear": "中间加上 ReLU 就不再成立：堆叠不再是线性的",
    "Every 1×1 layer without bias is additive, f(x + x') = f(x) + f(x'); with a ReLU after it this fails "
    "already for one channel: w = 1, x = 1, x' = −1 gives 0 on the left and 1 on the right.":
        "不带偏置的 1×1 层都满足可加性 f(x + x') = f(x) + f(x')；后接 ReLU 后，只有一个通道时就已不成立：取 w = 1、"
        "x = 1、x' = −1，左边为 0，右边为 1。",
    "A k×k convolution followed by a 1×1 convolution is one k×k convolution":
        "k×k 卷积后接 1×1 卷积等于一个 k×k 卷积",
    "Write the k×k layer as K X̂ + b_1 1ᵀ, the columns of X̂ being the k×k windows of all input channels. The "
    "merged kernel W_2 K is a linear combination of the first layer's filters; checked for two 2 × 2 filters "
    "and a 1×1 layer to one channel.":
        "把 k×k 层写成 K X̂ + b_1 1ᵀ，X̂ 的每一列是所有输入通道在一个像素处的 k×k 窗口。合并后的卷积核 W_2 K 是"
        "第一层各滤波器的线性组合；用两个 2 × 2 滤波器和一个输出单通道的 1×1 层验证。",
    # --- costs ----------------------------------------------------------------------------------------
    "Parameters of a k×k convolution: one weight per (output channel, input channel, tap), one bias per "
    "output channel":
        "k×k 卷积的参数：每个（输出通道，输入通道，卷积核位置）一个权重，每个输出通道一个偏置",
    "MACs of a k×k convolution: one per weight and output pixel": "k×k 卷积的乘加次数：每个权重在每个输出像素上一次",
    "Here P counts the pixels of the output map; padding taps are counted, as a dense kernel computes them.":
        "这里 P 是输出特征图的像素数；落在填充区域的乘加也计入，因为稠密的卷积核同样要计算它们。",
    "a direct convolution written as loops, with random sizes, stride and padding, performs C_in·C_out·k² MACs "
    "per output pixel, the output size given by the formula above":
        "用循环直接实现的卷积（随机的尺寸、步幅和填充）在每个输出像素上做 C_in·C_out·k² 次乘加，输出尺寸与上面的"
        "公式一致",
    "The 1×1 case: one MAC per weight and pixel": "1×1 的情形：每个权重在每个像素上一次乘加",
    "A 1×1 layer is a C_out × C_in matrix; each of the P pixels is multiplied by it once.":
        "1×1 层是一个 C_out × C_in 矩阵；P 个像素各与它相乘一次。",
    # --- ④ savings ------------------------------------------------------------------------------------
    "GoogLeNet's reduction: 1×1 C_in → m, then k×k m → C_out, against one k×k C_in → C_out":
        "GoogLeNet 的降维：先 1×1 C_in → m，再 k×k m → C_out，与单个 k×k C_in → C_out 相比",
    "ResNet's bottleneck: 1×1 c → m, k×k m → m, 1×1 m → c, against two k×k c → c layers":
        "ResNet 的瓶颈块：1×1 c → m、k×k m → m、1×1 m → c，与两个 k×k c → c 层相比",
    "SymPy solves for the m* where both cost the same; below it (m = u·m*, u < 1) the 1×1 layers save "
    "parameters, above it they add parameters: a mild reduction costs more than no reduction.":
        "SymPy 解出两者参数一样多时的 m*；低于它（m = u·m*，u < 1）时 1×1 层节省参数，高于它时反而增加参数："
        "降得太少比不降维还多用参数。",
    "He et al.'s bottleneck block 256 → 64 → 64 → 256 has fewer weights than two 3×3, 64 layers on 64-d":
        "He 等人的瓶颈块 256 → 64 → 64 → 256 的权重比 64 维上两个 3×3、64 通道的层还少",
    "The comparison of their Fig. 5: the block works on four times the width for slightly fewer weights (and, "
    "at the same map size, MACs); the numbers are in the table below.":
        "这是论文图 5 的比较：瓶颈块处理四倍的宽度，权重（以及同样特征图尺寸下的乘加次数）却略少；具体数字见下表。",
    "An inception module's ops are its weights times the map size (stride 1, same padding)":
        "inception 模块的运算量等于权重数乘以特征图尺寸（步幅 1，same 填充）",
    "MACs(H) adds the MACs of the six convolutions of the four branches on an H × H map: 1×1; 1×1 reduce then "
    "3×3; 1×1 reduce then 5×5; pooling then a 1×1 projection (pooling has no weights). Biases are not counted.":
        "MACs(H) 是四个分支中六个卷积在 H × H 特征图上的乘加次数之和：1×1；1×1 降维后 3×3；1×1 降维后 5×5；"
        "池化后 1×1 投影（池化没有权重）。不计偏置。",
    # --- ⑤ dense layers, gradients --------------------------------------------------------------------
    "A fully connected layer on a flattened input is a convolution with a kernel the size of the map":
        "展平输入上的全连接层，是卷积核与特征图一样大的卷积",
    "Kernel o is row o of the weight matrix M, reshaped to the input's channels × height × width; the output "
    "map is 1 × 1. Checked for two output channels on a 2 × 2 × 2 input. On a 1 × 1 input this kernel is 1×1.":
        "第 o 个卷积核是权重矩阵 M 的第 o 行，按输入的通道 × 高 × 宽重新排列；输出特征图为 1 × 1。对 2 × 2 × 2 的"
        "输入、两个输出通道验证。输入为 1 × 1 时，这个卷积核就是 1×1 的。",
    "A 1×1 convolution on a map of P pixels is a fully connected layer with the block weight I ⊗ W":
        "P 个像素的特征图上的 1×1 卷积，是权重为分块矩阵 I ⊗ W 的全连接层",
    "With the pixels one after another, the weight is block-diagonal with P copies of W: C_in·C_out parameters "
    "where a dense layer on the same input and output would have C_in·C_out·P². Checked for C_in = C_out = 2 "
    "and three pixels.":
        "把像素依次排开，权重是对角线上有 P 个 W 的分块对角矩阵：只有 C_in·C_out 个参数，而同样输入输出的全连接层"
        "有 C_in·C_out·P² 个。对 C_in = C_out = 2、三个像素验证。",
    "Gradients of the 1×1 layer": "1×1 层的梯度",
    "E = tr(Gᵀ Y) has ∂E/∂Y = G. SymPy's matrix derivatives G Xᵀ, Wᵀ G and G 1 equal the derivatives of E "
    "entry by entry (C_out = 2, C_in = 3, three pixels); the generated code prints them.":
        "E = tr(Gᵀ Y) 满足 ∂E/∂Y = G。SymPy 的矩阵求导结果 G Xᵀ、Wᵀ G 和 G 1 与逐元素对 E 求导一致（C_out = 2、"
        "C_in = 3、三个像素）；生成的代码输出的就是这些表达式。",
    # --- the seed's claims ----------------------------------------------------------------------------
    "A6.1 ① changing the channel count (降维或升维)": "A6.1 ① 降维或升维，调节通道数",
    "A6.1 ② adding nonlinearity (增加非线性特性)": "A6.1 ② 增加非线性特性",
    "A6.1 ③ mixing the channels (跨通道的信息交互)": "A6.1 ③ 跨通道的信息交互",
    "A6.1 ④ fewer parameters (减少参数)": "A6.1 ④ 减少参数",
    "A6.1 ⑤ replacing fully connected layers (替代全连接层)": "A6.1 ⑤ 替代全连接层",
    "a 1×1 convolution without padding keeps the height (strides 1 and 2)": "无填充的 1×1 卷积保持高度不变（步幅 1 和 2）",
    "the stride is 1 (and there is no padding): with stride 2, as in ResNet's 1×1 projection shortcuts, height "
    "and width are halved":
        "步幅为 1（且无填充）：步幅为 2 时（如 ResNet 的 1×1 投影捷径），高和宽都减半",
    "A 1×1 kernel keeps the map only at stride 1: the output size is ⌈H/s⌉, so H = 4 becomes 2 at stride 2.":
        "1×1 卷积核只在步幅为 1 时保持特征图大小：输出尺寸是 ⌈H/s⌉，步幅为 2 时 H = 4 变成 2。",
    "Output values C_out·P against input values C_in·P (P pixels): the ratio is C_out/C_in.":
        "输出有 C_out·P 个值，输入有 C_in·P 个值（P 个像素）：比值为 C_out/C_in。",
    "At stride 1 only the channel count changes, so the amount of data scales by C_out/C_in.":
        "步幅为 1 时只有通道数改变，数据量按 C_out/C_in 缩放。",
    "Right about where the nonlinearity comes from: two 1×1 layers without an activation are one 1×1 layer, "
    "with a ReLU between them the stack is no longer linear. “大幅” (how much) is not a quantity and is not "
    "checked.":
        "关于非线性从哪里来，原答案说得对：不加激活函数的两个 1×1 层等于一个 1×1 层，中间加上 ReLU 后堆叠不再是"
        "线性的。“大幅”不是一个可度量的量，不作检验。",
    "The 1×1 layer itself is linear; the nonlinearity is the activation's, as the seed says.":
        "1×1 层本身是线性的；非线性来自激活函数，正如原答案所说。",
    "An empirical statement about training, outside what a derivation can check.":
        "这是关于训练的经验性论断，超出了推导能检验的范围。",
    "Each output pixel is W times the input pixel plus b: a linear combination of the channels.":
        "每个输出像素等于 W 乘以输入像素再加 b：通道的线性组合。",
    "Both readings hold: a 3×3 layer with 64 filters followed by 32 filters of size 1×1 is one 3×3 layer with "
    "32 filters, each a linear combination of the 64 (checked entry by entry with 3 and 2 channels); and a "
    "3×3×64 map through 32 filters of 1×1 gives a 3×3×32 map. Each 1×1 filter is 1×1×64 deep (its depth is the "
    "input's channel count); “1×1×32” names the 32 filters.":
        "两种理解都成立：有 64 个滤波器的 3×3 层后接 32 个 1×1 滤波器，等于一个有 32 个滤波器的 3×3 层，每个滤波器"
        "是原来 64 个的线性组合（用 3 个和 2 个通道逐元素验证）；3×3×64 的特征图经过 32 个 1×1 滤波器得到 3×3×32 "
        "的特征图。每个 1×1 滤波器的尺寸是 1×1×64（深度等于输入的通道数）；“1×1×32”指的是 32 个滤波器。",
    "The 32 merged filters W_2 K are linear combinations of the 64; “1×1×32” counts the filters, each 1×1×64 "
    "deep.":
        "合并后的 32 个滤波器 W_2 K 是原来 64 个的线性组合；“1×1×32”数的是滤波器个数，每个的尺寸是 1×1×64。",
    "the reduction is deep enough: m < C_in·C_out·k²/(C_in + C_out·k²) (about 0.9·C_in for k = 3 and C_out = "
    "C_in); a milder reduction adds the 1×1 layer's C_in·m weights and saves less than that":
        "降维足够深：m < C_in·C_out·k²/(C_in + C_out·k²)（k = 3 且 C_out = C_in 时约为 0.9·C_in）；降得太少时，"
        "1×1 层自身的 C_in·m 个权重比省下的还多",
    "any 1×1 reduction to m < C_in channels before a 3×3 layer has fewer weights than the 3×3 layer alone":
        "在 3×3 层之前做任意 1×1 降维（m < C_in），权重都比只用 3×3 层少",
    "Whether the features are better is an empirical question about trained networks.":
        "特征是否更好，是关于训练后网络的经验问题。",
    "a fully connected layer on a map of P > 1 pixels is a 1×1 convolution":
        "P > 1 个像素的特征图上的全连接层是 1×1 卷积",
    "the input has spatial size 1×1 (e.g. after global pooling, or the fully connected layers after the first "
    "one); a dense layer on a whole feature map is a convolution with a kernel the size of the map, and a 1×1 "
    "convolution on P pixels is a dense layer only with the block weight I ⊗ W":
        "输入的空间尺寸为 1×1（如全局池化之后，或第一个全连接层之后的各层）；整张特征图上的全连接层是卷积核与"
        "特征图一样大的卷积，而 P 个像素上的 1×1 卷积只有在权重为分块矩阵 I ⊗ W 时才是全连接层",
    "The attribution to LeCun is not checked.": "是否出自 LeCun 不作检验。",
    "A 1×1 convolution never mixes pixels, a dense layer does: they agree only on a 1×1 map, the setting of "
    "LeCun's remark.":
        "1×1 卷积从不混合不同像素，全连接层会：二者只在 1×1 的特征图上一致，这正是 LeCun 那句话的语境。",
}
