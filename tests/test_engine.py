"""The engine's parts against planted truths and planted mistakes: a checker that cannot reject a
false step, or a printer that loses softmax, must fail here."""
import mpmath
import sympy as sp

from derive.checking import check_claim, check_relation, check_step, exact_zero
from derive.functions import LSE, MaxOf, Sigmoid, SoftmaxEntry, Tanh, TanhPrime, to_elementary, vector
from derive.model import Claim, Domain, Relation, Search, Step, Witness
from derive.printing import numpy_code, tex

x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
t = sp.Symbol("t", positive=True)


# --- opaque functions: derivative rules against elementary calculus and against mpmath ----------------
def test_opaque_derivative_rules_match_elementary_calculus():
    z = sp.Symbol("z", real=True)
    for f in (LSE(x1, x2, x3), SoftmaxEntry(2, x1, x2, x3), Sigmoid(z), Tanh(z), TanhPrime(z)):
        syms = sorted(f.free_symbols, key=lambda s: s.name)
        for s in syms:
            opaque = to_elementary(sp.diff(f, s))
            elementary = sp.diff(to_elementary(f), s)
            fn = sp.lambdify(syms, opaque - elementary, "mpmath")
            for point in ([0.3, -1.2, 2.0], [1.5, 1.5, -0.7]):
                assert abs(fn(*point[: len(syms)])) < 1e-12, (f, s)


def test_numeric_lse_is_stable_and_matches_mpmath_definition():
    with mpmath.workdps(50):
        assert abs(LSE.numeric(mpmath.mpf(1000), mpmath.mpf(1000)) - (1000 + mpmath.log(2))) < 1e-40
        xs = [mpmath.mpf(v) for v in (0.3, -2.0, 1.7)]
        assert abs(LSE.numeric(*xs) - mpmath.log(sum(mpmath.exp(v) for v in xs))) < 1e-40


# --- the checker ----------------------------------------------------------------------------------------
def test_true_equality_is_proved_exactly():
    out = check_relation(Relation(sp.diff(LSE(x1, x2), x1), SoftmaxEntry(1, x1, x2)), "t1")
    assert out.holds and out.method == "exact"


def test_false_equality_is_rejected_with_a_counter_example():
    # a classic slip: dropping the cross term of the softmax Jacobian
    wrong = SoftmaxEntry(1, x1, x2, x3)
    out = check_relation(Relation(sp.diff(SoftmaxEntry(1, x1, x2, x3), x2), wrong), "t2")
    assert not out.holds and out.method == "probe"
    assert "x1 =" in out.detail and "left side =" in out.detail and "differ by" in out.detail and out.error > 0


def test_off_by_one_ulp_like_error_is_still_caught():
    out = check_relation(Relation(sp.exp(x1), sp.exp(x1) * (1 + sp.Rational(1, 10**12))), "t3")
    assert not out.holds


def test_undecided_exact_test_falls_back_to_the_probe_and_says_so():
    # max(t x) = t max(x) for t > 0: SymPy's exact tests do not settle it
    out = check_relation(Relation(MaxOf(t * x1, t * x2), t * MaxOf(x1, x2)), "t4")
    assert out.holds and out.method == "probe" and "does not reduce" in out.detail


def test_inequalities_strict_and_non_strict():
    assert check_relation(Relation(MaxOf(x1, x2), LSE(x1, x2), "<="), "t5").holds
    assert check_relation(Relation(MaxOf(x1, x2), LSE(x1, x2), "<"), "t6").holds
    # n = 1: LSE(x) = x, so the strict version must fail and say the sides are equal
    out = check_relation(Relation(MaxOf(x1), LSE(x1), "<"), "t7")
    assert not out.holds and "equal" in out.detail
    out = check_relation(Relation(LSE(x1, x2), MaxOf(x1, x2) + sp.log(2) / 2, "<="), "t8")
    assert not out.holds  # the log n bound with the wrong n fails somewhere


def test_special_points_are_always_probed():
    # holds everywhere except at the tie x1 = x2, which random sampling would almost never hit
    rel = Relation(sp.Abs(x1 - x2), sp.Integer(0), ">", Domain(special=[{x1: 1, x2: 1}]))
    out = check_relation(rel, "t9")
    assert not out.holds and "x1 = 1" in out.detail


def test_matrix_shapes_must_agree():
    out = check_relation(Relation(sp.Matrix([x1, x2]), sp.Matrix([[x1, x2]])), "t10")
    assert not out.holds and out.method == "shape"


def test_exact_zero_never_claims_a_nonzero_is_zero():
    assert exact_zero(sp.exp(x1) - sp.exp(x1)) is not None
    assert exact_zero(sp.log(sp.exp(x1) + sp.exp(x2)) - LSE(x1, x2)) is not None
    assert exact_zero(sp.sin(x1) ** 2 + sp.cos(x1) ** 2 - 1) == "simplify"
    assert exact_zero(x1 - x2) is None


def test_search_reports_the_first_counter_example():
    def probe(rng):
        v = float(rng.uniform(-1, 1))
        return Witness({"v": v}, v < 0.5, abs(v))
    out = check_step(Step("v < 0.5", Search("v < 0.5", probe, 500)), "t11").outcome
    assert not out.holds and float(out.point["v"]) >= 0.5


def test_claim_verdicts_are_computed():
    ok = Relation(sp.diff(LSE(x1, x2), x1), SoftmaxEntry(1, x1, x2))
    bad = Relation(sp.diff(LSE(x1, x2), x1), SoftmaxEntry(1, x1))
    assert check_claim(Claim("S", "c", "w", ok), "d").verdict == "correct"
    assert check_claim(Claim("S", "c", "w", bad, ok, "read right"), "d").verdict == "imprecise"
    assert check_claim(Claim("S", "c", "w", bad, bad, "no"), "d").verdict == "wrong"
    assert check_claim(Claim("S", "c", "w", bad), "d").verdict == "wrong"
    assert check_claim(Claim("S", "c", "w", None), "d").verdict == "unverified"


def test_checker_is_deterministic():
    rel = Relation(sp.diff(SoftmaxEntry(1, x1, x2, x3), x2), SoftmaxEntry(1, x1, x2, x3))
    assert check_relation(rel, "same key").detail == check_relation(rel, "same key").detail


# --- printers ---------------------------------------------------------------------------------------
def test_latex_keeps_the_seed_notation():
    assert tex(SoftmaxEntry(2, t * x1, t * x2, t * x3)) == r"\operatorname{softmax}\left(t \mathbf{x}\right)_{2}"
    assert tex(LSE(x1, x2, x3)) == r"\operatorname{LSE}\left(\mathbf{x}\right)"
    z = sp.Symbol("z")
    assert tex(Sigmoid(z)) == r"\sigma\left(z\right)"
    assert tex(TanhPrime(z)) == r"\tanh'\left(z\right)"
    W = sp.MatrixSymbol("W", 3, 3)
    v = sp.MatrixSymbol("v", 3, 1)
    assert r"\odot" in tex(sp.HadamardProduct(v, v))
    assert tex(sp.DiagMatrix(v)) == r"\operatorname{diag}\left(v\right)"
    assert tex(Relation(MaxOf(x1, x2), LSE(x1, x2), "<=")) == (
        r"\max\left(\mathbf{x}\right) \le \operatorname{LSE}\left(\mathbf{x}\right)")
    assert tex(W.T) == r"W^{\top}"


def test_numpy_printer_uses_stable_helpers():
    v = vector("x")
    assert numpy_code(LSE(t * v) / t) == "_lse(t*x, axis)/t"
    code = numpy_code(Sigmoid(sp.Symbol("z")))
    assert code == "_sigmoid(z)"
    assert "numpy.tanh" in numpy_code(TanhPrime(sp.Symbol("z")))


def test_powers_of_opaque_functions_print():
    z = sp.Symbol("z")
    assert tex(Tanh(z) ** 2) == r"\tanh\left(z\right)^{2}"
    assert tex(SoftmaxEntry(1, x1, x2) ** 2) == r"\operatorname{softmax}\left(\mathbf{x}\right)_{1}^{2}"
    assert tex(LSE(x1, x2) ** 2) == r"\operatorname{LSE}\left(\mathbf{x}\right)^{2}"


def test_no_tex_double_subscripts():
    W = sp.MatrixSymbol("W_fh", 2, 2)
    assert tex(W[0, 1]) == r"\left(W_{fh}\right)_{12}"
    assert tex(sp.Symbol("W_{fh}_{11}")) == "{W_{fh}}_{11}"
    assert tex(sp.Symbol("b_{f}_1")) == "{b_{f}}_{1}"
    assert tex(sp.Symbol("x_1")) == "x_{1}"
