"""The PyTorch/Keras export: the state_dict layout, and the generated scripts run against NumPy implementations
of the frameworks' documented equations (tests/unit/torch_equations.py) reproduce the app's logits to 1e-10."""

import io

import numpy as np
import pytest

from tests.unit import torch_equations as te
from tools import check_torch_export
from visualizer.content import framework_code as fc
from visualizer.nn import deep, torch_layout


def _net(cell, layers, bidir, act="tanh", D=3, H=4, V=5, seed=1):
    p = deep.init(cell, D, H, V, layers=layers, bidirectional=bidir, seed=seed, activation=act)
    rng = np.random.default_rng(seed)
    arrays = {
        k: v + rng.normal(0, 0.3, v.shape) if k.split(".")[-1].startswith("b") else v for k, v in p.as_dict().items()
    }
    return deep.replace_arrays(p, arrays)


def _npz(p, X):
    return dict(np.load(io.BytesIO(torch_layout.npz_bytes(p, X))))


def test_state_dict_names_and_shapes_are_pytorchs():
    p = _net("lstm", 2, True, D=3, H=4, V=5)
    sd = torch_layout.state_dict(p)
    assert list(sd)[:4] == ["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0"]
    assert sd["rnn.weight_ih_l0"].shape == (16, 3)
    assert sd["rnn.weight_ih_l1_reverse"].shape == (16, 8)  # layer 2 reads [→h; ←h]
    assert sd["rnn.weight_hh_l1_reverse"].shape == (16, 4)
    assert sd["out.weight"].shape == (5, 8) and sd["out.bias"].shape == (5,)
    np.testing.assert_array_equal(sd["rnn.bias_hh_l0"], 0.0)
    assert len(sd) == 2 * 2 * 4 + 2
    # the stand-in's own registration (PyTorch's) has exactly these names and shapes
    own = te.LSTM(3, 4, num_layers=2, bidirectional=True).state_dict("rnn.")
    assert {k: v.shape for k, v in own.items()} == {k: v.shape for k, v in sd.items() if k.startswith("rnn.")}


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_state_dict_round_trip(cell):
    p = _net(cell, 3, True)
    back = torch_layout.from_state_dict(torch_layout.state_dict(p), cell, layers=3, bidirectional=True)
    a, b = p.as_dict(), back.as_dict()
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_from_state_dict_refuses_what_it_cannot_read():
    sd = torch_layout.state_dict(_net("gru", 1, False))
    sd["rnn.bias_hh_l0"] = np.ones_like(sd["rnn.bias_hh_l0"])
    with pytest.raises(ValueError, match="b_hn is not zero"):
        torch_layout.from_state_dict(sd, "gru", layers=1, bidirectional=False)
    sd = torch_layout.state_dict(_net("rnn", 1, False))
    with pytest.raises(ValueError, match=r"missing array 'rnn\.\w+_l0_reverse'"):
        torch_layout.from_state_dict(sd, "rnn", layers=1, bidirectional=True)
    with pytest.raises(ValueError, match="shape"):
        torch_layout.from_state_dict({**sd, "out.weight": np.zeros((2, 2))}, "rnn", layers=1, bidirectional=False)


CASES = list(check_torch_export.CASES)  # the same networks the real-torch check runs


@pytest.mark.parametrize("cell,layers,bidir,act", CASES)
def test_the_pytorch_script_reproduces_the_apps_logits(tmp_path, cell, layers, bidir, act):
    """The generated script, run as written against PyTorch's equations, loads the file and gets the app's logits."""
    p = _net(cell, layers, bidir, act)
    X = np.random.default_rng(3).standard_normal((6, 3))
    (tmp_path / fc.FILE_NAME).write_bytes(torch_layout.npz_bytes(p, X))
    spec = fc.NetSpec.of(p)
    env = te.run_script(fc.pytorch_code(spec), tmp_path)
    assert env["printed"] == ["same outputs as the app: True"]
    app = deep.forward(p, X)
    np.testing.assert_allclose(env["logits"][:, 0], app.logits, rtol=0, atol=1e-10)
    np.testing.assert_allclose(env["probs"][:, 0], app.probs, rtol=0, atol=1e-10)
    uses_torch_layer = f"self.rnn = {fc.TORCH_CLASS[cell]}(" in fc.pytorch_code(spec)
    assert uses_torch_layer == spec.torch_exact  # a custom AppCell exactly where the framework's layer differs


@pytest.mark.parametrize(
    "cell,act,exact", [("gru", "tanh", False), ("rnn", "sigmoid", False), ("rnn", "tanh", True), ("lstm", "tanh", True)]
)
def test_torch_exact_flips_where_pytorchs_own_layer_differs(cell, act, exact):
    """The claim 'nn.X loads the weights as they are' is true exactly where PyTorch's own layer reproduces the app."""
    p = _net(cell, 2, True, act)
    X = np.random.default_rng(4).standard_normal((5, 3))
    spec = fc.NetSpec.of(p)
    assert spec.torch_exact is exact
    sd = torch_layout.state_dict(p)
    layer_cls = {"rnn": te.RNN, "lstm": te.LSTM, "gru": te.GRU}[cell]
    layer = layer_cls(3, 4, num_layers=2, bidirectional=True)
    layer.load_state_dict({k[4:]: v for k, v in sd.items() if k.startswith("rnn.")})
    h, _ = layer(X[:, None, :])
    logits = h[:, 0] @ sd["out.weight"].T + sd["out.bias"]
    same = np.allclose(logits, deep.forward(p, X).logits, rtol=0, atol=1e-10)
    assert same is exact
    said = " ".join(fc.differences(spec))
    assert ("AppCell" in said) is (not exact)  # the sentences name the bridge exactly where one is needed


@pytest.mark.parametrize("cell,layers,bidir,act", CASES)
def test_the_keras_conversion_reproduces_the_apps_logits(cell, layers, bidir, act):
    """The Keras script's keras_weights, fed to Keras's equations (reset_after=False GRU), gives the app's logits."""
    p = _net(cell, layers, bidir, act)
    X = np.random.default_rng(5).standard_normal((6, 3))
    npz = _npz(p, X)
    spec = fc.NetSpec.of(p)
    env: dict = {"np": np}
    exec(fc.keras_conversion(spec), env)
    weights = env["keras_weights"](npz)
    assert len(weights) == layers + 1
    logits = te.keras_forward(cell, weights, X[None], H=4, bidirectional=bidir, activation=act)[0]
    np.testing.assert_allclose(logits, deep.forward(p, X).logits, rtol=0, atol=1e-10)
    code = fc.keras_code(spec)
    compile(code, "keras.py", "exec")  # the whole script is valid Python
    assert code.count(f"layers.{fc.KERAS_CLASS[cell]}(") == layers
    assert ("reset_after=False" in code) is (cell == "gru")
    assert ("layers.Bidirectional(" in code) is bidir


def test_the_example_in_the_file_is_the_apps_run():
    p = _net("gru", 2, True)
    X = np.random.default_rng(6).standard_normal((4, 3))
    npz = _npz(p, X)
    assert npz["example.x"].shape == (4, 1, 3)
    np.testing.assert_allclose(npz["example.logits"][:, 0], deep.forward(p, X).logits, rtol=0, atol=1e-13)


def test_differences_name_what_differs_per_cell():
    gru = " ".join(fc.differences(fc.NetSpec("gru", 3, 4, 5)))
    assert "reset gate before the recurrent product" in gru and "reset_after=False" in gru
    assert "bias_ih and bias_hh" in " ".join(fc.differences(fc.NetSpec("lstm", 3, 4, 5)))
    assert "tanh and relu" in " ".join(fc.differences(fc.NetSpec("rnn", 3, 4, 5, activation="linear")))


def test_what_nn_gru_would_compute_is_measured_and_said():
    """nn.GRU's equations on the app's weights: off on a generic W_hn, exact on a diagonal one; the sentence follows."""
    p = _net("gru", 2, True)
    X = np.random.default_rng(7).standard_normal((5, 3))
    gap = torch_layout.nn_gru_gap(p, X)
    # the NumPy stand-in of nn.GRU (tests/unit/torch_equations.py) agrees with the library's account of it
    sd = torch_layout.state_dict(p)
    layer = te.GRU(3, 4, num_layers=2, bidirectional=True)
    layer.load_state_dict({k[4:]: v for k, v in sd.items() if k.startswith("rnn.")})
    h, _ = layer(X[:, None, :])
    np.testing.assert_allclose(
        h[:, 0] @ sd["out.weight"].T + sd["out.bias"], torch_layout.nn_gru_logits(p, X), atol=1e-12
    )
    assert gap > 1e-3
    said = " ".join(fc.differences(fc.NetSpec.of(p), gap))
    assert f"off by up to {gap:.3g}" in said
    # a diagonal W_hn commutes with r ∘: the two GRUs agree, and the sentence says so
    H = 4
    arrays = p.as_dict()
    for k in [k for k in arrays if k.endswith("W_h")]:
        W = arrays[k].copy()
        W[2 * H :] = np.diag(np.diag(W[2 * H :]))
        arrays[k] = W
    diag = deep.replace_arrays(p, arrays)
    small = torch_layout.nn_gru_gap(diag, X)
    assert small <= fc.GAP_TOL
    assert "agree" in " ".join(fc.differences(fc.NetSpec.of(diag), small))
    with pytest.raises(ValueError):
        torch_layout.nn_gru_logits(_net("lstm", 1, False), X)
