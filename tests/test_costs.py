"""A6.4 (and the conv counts of A6.1): the cost formulas against torch — its modules' parameter counts,
its FLOP counter on explicit implementations that are first shown to equal torch's own layers — against
the counted loops of derive.tally, and the published Table 1 of Vaswani et al. 2017."""
import numpy as np
import pytest
import sympy as sp
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from derive import counts, tally
from derive.generated import costs

F64 = torch.float64


def rand64(*shape):
    return torch.randn(*shape, dtype=F64)


def macs_of(fn, *args):
    """MACs torch's FLOP counter sees (it counts a multiply-add as 2 FLOPs)."""
    with FlopCounterMode(display=False) as counter:
        out = fn(*args)
    flops = counter.get_total_flops()
    assert flops % 2 == 0
    return flops // 2, out


# --- parameters -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("c_in, c_out, k", [(1, 1, 1), (3, 5, 3), (7, 2, 5), (16, 32, 1), (4, 9, 7)])
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_params_equal_torch_parameter_count(c_in, c_out, k, bias):
    layer = torch.nn.Conv2d(c_in, c_out, k, bias=bias)
    assert costs.conv2d_params(c_in, c_out, k, bias=bias) == sum(p.numel() for p in layer.parameters())


@pytest.mark.parametrize("d, heads", [(4, 1), (6, 2), (8, 4)])
def test_attention_projection_macs_per_position_equal_multihead_attention_weights(d, heads):
    layer = torch.nn.MultiheadAttention(d, heads, bias=False)
    weights = sum(p.numel() for p in layer.parameters())
    assert weights == int(counts.projection_macs(1, d, 4))  # one MAC per weight and position


# --- MACs against torch's FLOP counter ------------------------------------------------------------------
@pytest.mark.parametrize("c_in, c_out, k, h, w", [(3, 5, 3, 7, 6), (2, 4, 1, 5, 5), (4, 3, 5, 6, 9)])
def test_conv2d_macs_equal_flop_counter(c_in, c_out, k, h, w):
    x, W = rand64(1, c_in, h, w), rand64(c_out, c_in, k, k)
    macs, y = macs_of(F.conv2d, x, W, None, 1, k // 2)
    assert y.shape == (1, c_out, h, w)
    assert costs.conv2d_macs(c_in, c_out, k, h, w) == macs


@pytest.mark.parametrize("n, d, k", [(9, 4, 3), (5, 6, 5), (12, 3, 1)])
def test_conv1d_and_separable_macs_equal_flop_counter(n, d, k):
    x = rand64(1, d, n)
    macs, y = macs_of(F.conv1d, x, rand64(d, d, k), None, 1, k // 2)
    assert y.shape == (1, d, n) and costs.conv1d_macs(n, d, k) == macs

    def separable(x, depthwise, pointwise):
        return F.conv1d(F.conv1d(x, depthwise, padding=k // 2, groups=d), pointwise)
    macs, _ = macs_of(separable, x, rand64(d, 1, k), rand64(d, d, 1))
    assert costs.separable_conv1d_macs(n, d, k) == macs


def explicit_attention(x, layer, heads):
    """torch.nn.MultiheadAttention (bias=False) written with matmuls, so the FLOP counter sees every product."""
    n, _, d = x.shape
    wq, wk, wv = layer.in_proj_weight.chunk(3)
    q, k, v = (x[:, 0] @ w.T for w in (wq, wk, wv))
    dh = d // heads
    q, k, v = (m.reshape(n, heads, dh).transpose(0, 1) for m in (q, k, v))
    a = torch.softmax(q @ k.transpose(1, 2) / dh**0.5, dim=-1)
    return ((a @ v).transpose(0, 1).reshape(n, d) @ layer.out_proj.weight.T)[:, None]


@pytest.mark.parametrize("n, d, heads", [(5, 4, 1), (7, 6, 2), (3, 8, 4), (1, 2, 2)])
def test_attention_macs_equal_flop_counter_on_multihead_attention(n, d, heads):
    layer = torch.nn.MultiheadAttention(d, heads, bias=False).double()
    x = rand64(n, 1, d)
    reference = layer(x, x, x, need_weights=False)[0]
    macs, y = macs_of(explicit_attention, x, layer, heads)
    torch.testing.assert_close(y, reference, rtol=1e-12, atol=1e-12)
    assert costs.attention_macs(n, d, heads=heads) == macs
    core, _ = macs_of(lambda q: torch.softmax(q @ q.transpose(0, 1), -1) @ q, x[:, 0])
    assert costs.attention_macs(n, d, heads=heads, projections=False) == core


@pytest.mark.parametrize("n, d", [(5, 4), (1, 3), (8, 2)])
def test_rnn_macs_equal_flop_counter_on_torch_rnn(n, d):
    macs, _ = macs_of(torch.nn.RNN(d, d).double(), rand64(n, 1, d))
    assert costs.rnn_macs(n, d) == macs


@pytest.mark.parametrize("n, d", [(5, 4), (1, 3), (6, 2)])
def test_lstm_macs_equal_flop_counter_on_explicit_lstm_equal_to_torch(n, d):
    # torch's fused LSTM kernel is invisible to the FLOP counter: an explicit cell, checked against it
    layer = torch.nn.LSTM(d, d).double()
    x = rand64(n, 1, d)

    def explicit(x):
        h = c = torch.zeros(1, d, dtype=F64)
        hs = []
        for t in range(n):
            i, f, g, o = (x[t] @ layer.weight_ih_l0.T + layer.bias_ih_l0 + h @ layer.weight_hh_l0.T
                          + layer.bias_hh_l0).chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            hs.append(h)
        return torch.stack(hs)
    macs, hs = macs_of(explicit, x)
    torch.testing.assert_close(hs, layer(x)[0], rtol=1e-12, atol=1e-12)
    assert costs.lstm_macs(n, d) == macs


# --- the counted loops are the layers they claim to be ------------------------------------------------
def test_counted_layers_compute_what_torch_computes():
    rng = np.random.default_rng(7)
    n, d = 5, 3
    x = rng.normal(size=(n, d))
    W_ih, W_hh, b = rng.normal(size=(d, d)), rng.normal(size=(d, d)), rng.normal(size=d)
    rnn = torch.nn.RNN(d, d).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(W_ih))
        rnn.weight_hh_l0.copy_(torch.tensor(W_hh))
        rnn.bias_ih_l0.copy_(torch.tensor(b))
        rnn.bias_hh_l0.zero_()
    got = tally.rnn(x, W_ih, W_hh, b, tally.Tally())
    np.testing.assert_allclose(got, rnn(torch.tensor(x)[:, None])[0][:, 0].detach().numpy(), rtol=1e-12)

    W4, W4h, b4 = rng.normal(size=(4 * d, d)), rng.normal(size=(4 * d, d)), rng.normal(size=4 * d)
    lstm = torch.nn.LSTM(d, d).double()
    with torch.no_grad():
        for p, v in ((lstm.weight_ih_l0, W4), (lstm.weight_hh_l0, W4h), (lstm.bias_ih_l0, b4)):
            p.copy_(torch.tensor(v))
        lstm.bias_hh_l0.zero_()
    got = tally.lstm(x, W4, W4h, b4, tally.Tally())
    np.testing.assert_allclose(got, lstm(torch.tensor(x)[:, None])[0][:, 0].detach().numpy(), rtol=1e-12)

    Wc = rng.normal(size=(d, d, 3))
    want = F.conv1d(torch.tensor(x.T)[None], torch.tensor(Wc), padding=1)[0].T.numpy()
    np.testing.assert_allclose(tally.conv1d_same(x, Wc, tally.Tally()), want, rtol=1e-12, atol=1e-12)

    x2, W2, b2 = rng.normal(size=(3, 6, 5)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    got, count = tally.conv2d(x2, W2, b2, stride=2, padding=1)
    want = F.conv2d(torch.tensor(x2)[None], torch.tensor(W2), torch.tensor(b2), stride=2, padding=1)[0]
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-12, atol=1e-12)
    h_out = int(counts.conv_output_size(6, 3, 2, 1))
    w_out = int(counts.conv_output_size(5, 3, 2, 1))
    assert count.macs == int(counts.conv2d_macs(3, 4, 3, h_out, w_out))

    layer = torch.nn.MultiheadAttention(4, 2, bias=False).double()
    xa = rand64(n, 1, 4)
    wq, wk, wv = (w.detach().numpy() for w in layer.in_proj_weight.chunk(3))
    got = tally.attention(xa[:, 0].numpy(), wq, wk, wv, layer.out_proj.weight.detach().numpy(), 2, tally.Tally())
    np.testing.assert_allclose(got, layer(xa, xa, xa)[0][:, 0].detach().numpy(), rtol=1e-10, atol=1e-12)


# --- published numbers and derived tables -----------------------------------------------------------------
def test_vaswani_table_rows_agree_where_the_paper_counts_the_same_thing():
    from derive.derivations.attention_costs import vaswani_rows

    rows = {r["layer"]: r["agrees"] for r in vaswani_rows()}
    assert rows["self-attention"] == [True, True, True]
    assert rows["recurrent (plain RNN)"] == [True, True, True]
    assert rows["convolutional (dilated stack)"] == [True, True, True]
    assert rows["self-attention (restricted)"] == [True, True, True]
    # the table leaves out the projections and assumes dilated convolutions for the path length
    assert rows["self-attention with projections (not in the table)"] == [False, True, True]
    assert rows["convolutional (contiguous stack)"] == [True, True, False]


def test_crossovers_solved_by_sympy():
    from derive.derivations.attention_costs import crossovers, d, k

    roots = {(r["projections"], r["rival"]): r["root"] for r in crossovers()}
    assert roots[(False, "a plain RNN")] == d
    assert roots[(False, "an LSTM")] == 4 * d
    assert sp.simplify(roots[(False, "a width-k convolution")] - k * d / 2) == 0
    assert roots[(True, "a plain RNN")] is None
    assert roots[(True, "an LSTM")] == 2 * d
    assert sp.simplify(roots[(True, "a width-k convolution")] - d * (k - 4) / 2) == 0
    # d = 512, k = 3: with projections, attention is dearer than the convolution at every n
    assert costs.attention_macs(64, 512) > costs.conv1d_macs(64, 512, 3)
    assert costs.attention_macs(511, 512, projections=False) < costs.rnn_macs(511, 512)
    assert costs.attention_macs(513, 512, projections=False) > costs.rnn_macs(513, 512)


@pytest.mark.parametrize("n, k", [(2, 3), (10, 3), (33, 5), (64, 2), (65, 2), (100, 7)])
def test_path_lengths_against_explicit_reachability(n, k):
    if k % 2:
        assert tally.layers_to_connect(n, lambda l: range(-(k // 2), k // 2 + 1)) == int(
            counts.path_length_contiguous(n, k))
    assert tally.layers_to_connect(n, lambda l: range(-(k - 1), 1)) == int(counts.path_length_contiguous(n, k, True))
    assert tally.layers_to_connect(n, lambda l: [-m * k**l for m in range(k)]) == int(counts.path_length_dilated(n, k))


# --- bad input --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, name", [
    (lambda: costs.conv1d_macs(4, 8, 2), "k"),
    (lambda: costs.conv2d_macs(3, 4, 4, 5, 5), "k"),
    (lambda: costs.rnn_macs(-1, 3), "n"),
    (lambda: costs.lstm_macs(2, 2.5), "d"),
    (lambda: costs.lstm_macs(2.0, 3), "n"),
    (lambda: costs.attention_macs(4, 6, heads=4), "heads"),
    (lambda: costs.attention_macs(4, 6, heads=0), "heads"),
    (lambda: costs.attention_macs(4, 6, projections="yes"), "projections"),
    (lambda: costs.conv2d_params(3, 0, 3), "c_out"),
    (lambda: costs.conv2d_params(True, 3, 3), "c_in"),
    (lambda: costs.conv2d_params(3, 4, 3, bias=1), "bias"),
])
def test_bad_sizes_raise_value_error_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()


def test_results_are_exact_python_integers_at_large_sizes():
    got = costs.attention_macs(np.int64(100_000), 4096, heads=32)
    assert type(got) is int and got == 2 * 100_000**2 * 4096 + 4 * 100_000 * 4096**2
