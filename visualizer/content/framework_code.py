"""The network on screen as PyTorch and Keras code, and what differs between the app's cell and theirs.

The code reads the weights file of nn.torch_layout (PyTorch's state_dict names and layout, plus the example
input the app ran and its logits), so a student who runs it gets the app's outputs. Where a framework's own
layer computes another function than the app's cell (PyTorch's GRU; nn.RNN with a sigmoid or linear f), the
PyTorch code defines a small module with the app's equations under the same parameter names instead, and the
sentences below say so. Equations of the frameworks: PyTorch's torch.nn.RNN / LSTM / GRU pages
(https://pytorch.org/docs/stable/generated/torch.nn.GRU.html) and Keras's SimpleRNN / LSTM / GRU pages
(https://keras.io/api/layers/recurrent_layers/gru/, `reset_after=False` is the variant of Cho et al. 2014).
Pure Python: the strings are tested by running them (tests/unit/test_framework_code.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from visualizer.nn import deep, torch_layout

FILE_NAME = "rnn-weights.npz"
GAP_TOL = 1e-10  # logits closer than this are "the same outputs" (the scripts' own check, atol=1e-10)
PANEL_CAPTION = (
    "The weights file uses PyTorch's state_dict names and layout, with the input shown here and the app's logits for "
    "it: the PyTorch script checks it reproduces them (to 10⁻¹⁰), the Keras script prints the largest difference."
)
DIFFERENCES_HEADING = "**What differs between the app's cell and the frameworks', and how the file bridges it**"
TORCH_CLASS = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}
KERAS_CLASS = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
LABEL = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}


@dataclass(frozen=True)
class NetSpec:
    """What the code must build: the network on screen."""

    cell: str  # "rnn" | "lstm" | "gru"
    input_size: int  # D
    hidden_size: int  # H
    output_size: int  # V
    layers: int = 1
    bidirectional: bool = False
    activation: str = "tanh"  # the vanilla cell's f

    @classmethod
    def of(cls, params: deep.DeepParams) -> NetSpec:
        return cls(
            params.cell,
            params.input_size,
            params.hidden_size,
            params.output_size,
            params.num_layers,
            params.bidirectional,
            params.activation if params.cell == "rnn" else "tanh",
        )

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def torch_exact(self) -> bool:
        """True when PyTorch's own layer computes the app's cell (so nn.RNN/LSTM/GRU loads the file as is)."""
        if self.cell == "gru":
            return False  # reset before W_hn (app) vs after it (nn.GRU)
        return self.cell == "lstm" or self.activation in torch_layout.TORCH_NONLINEARITIES

    def describe(self) -> str:
        shape = f"{self.layers} layer{'s' if self.layers > 1 else ''}" + (
            ", bidirectional" if self.bidirectional else ""
        )
        f = f", f = {self.activation}" if self.cell == "rnn" else ""
        return f"{LABEL[self.cell]}{f}, D = {self.input_size}, H = {self.hidden_size}, V = {self.output_size}, {shape}"


# ---------------------------------------------------------------------------- PyTorch

_CUSTOM_STEP = {
    "gru": """    def step(self, x_t, h, W_ih, W_hh, b_ih, b_hh):
        H = self.hidden_size
        gi = x_t @ W_ih.T + b_ih  # rows r, z, n like nn.GRU
        r = torch.sigmoid(gi[:, :H] + h @ W_hh[:H].T + b_hh[:H])
        z = torch.sigmoid(gi[:, H : 2 * H] + h @ W_hh[H : 2 * H].T + b_hh[H : 2 * H])
        n = torch.tanh(gi[:, 2 * H :] + (r * h) @ W_hh[2 * H :].T + b_hh[2 * H :])  # reset BEFORE W_hn
        return (1 - z) * n + z * h
""",
    "sigmoid": """    def step(self, x_t, h, W_ih, W_hh, b_ih, b_hh):
        return torch.sigmoid(x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
""",
    "linear": """    def step(self, x_t, h, W_ih, W_hh, b_ih, b_hh):
        return x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh  # f = identity
""",
}

_CUSTOM_MODULE = '''class AppCell(nn.Module):
    """{doc}"""

    def __init__(self, input_size, hidden_size, num_layers=1, bidirectional=False):
        super().__init__()
        self.hidden_size, self.num_layers = hidden_size, num_layers
        self.suffixes = ["", "_reverse"] if bidirectional else [""]
        rows = {gates} * hidden_size
        for k in range(num_layers):
            fan_in = input_size if k == 0 else len(self.suffixes) * hidden_size
            for sfx in self.suffixes:  # the same names and shapes as PyTorch's own recurrent layers
                self.register_parameter(f"weight_ih_l{{k}}{{sfx}}", nn.Parameter(torch.zeros(rows, fan_in)))
                self.register_parameter(f"weight_hh_l{{k}}{{sfx}}", nn.Parameter(torch.zeros(rows, hidden_size)))
                self.register_parameter(f"bias_ih_l{{k}}{{sfx}}", nn.Parameter(torch.zeros(rows)))
                self.register_parameter(f"bias_hh_l{{k}}{{sfx}}", nn.Parameter(torch.zeros(rows)))

{step}
    def forward(self, x):  # x: (T, B, input_size), time first like nn.{torch_name}'s default
        T = x.shape[0]
        for k in range(self.num_layers):
            outs = []
            for sfx in self.suffixes:  # "_reverse" reads t = T..1
                W = [getattr(self, f"{{n}}_l{{k}}{{sfx}}") for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
                h = torch.zeros(x.shape[1], self.hidden_size, dtype=x.dtype)  # zero initial state, as in the app
                hs = [None] * T
                for t in range(T - 1, -1, -1) if sfx else range(T):
                    h = self.step(x[t], h, *W)
                    hs[t] = h
                outs.append(torch.stack(hs))
            x = torch.cat(outs, dim=-1)  # [→h_t; ←h_t]: what the next layer reads
        return x, None

'''


def _custom_doc(spec: NetSpec) -> str:
    if spec.cell == "gru":
        return (
            "The app's GRU: n = tanh(W_in x + b_in + W_hn (r * h) + b_hn), the reset gate before W_hn.\n"
            "    nn.GRU computes r * (W_hn h + b_hn) instead: another function of the same weights."
        )
    return f"The app's vanilla RNN with f = {spec.activation}, which nn.RNN (tanh or relu only) cannot run."


def pytorch_code(spec: NetSpec, file_name: str = FILE_NAME) -> str:
    """A runnable script: the model, the weights loaded from the app's file, and the check against its logits."""
    dirs_h = spec.directions * spec.hidden_size
    bidir = "True" if spec.bidirectional else "False"
    if spec.torch_exact:
        extra = ', nonlinearity="relu"' if spec.cell == "rnn" and spec.activation == "relu" else ""
        custom = ""
        layer = (
            f"{TORCH_CLASS[spec.cell]}(input_size={spec.input_size}, hidden_size={spec.hidden_size}, "
            f"num_layers={spec.layers}, bidirectional={bidir}{extra})"
        )
    else:
        step = _CUSTOM_STEP["gru" if spec.cell == "gru" else spec.activation]
        gates = deep.GATES[spec.cell]
        torch_name = TORCH_CLASS[spec.cell].split(".")[1]
        custom = _CUSTOM_MODULE.format(doc=_custom_doc(spec), gates=gates, step=step, torch_name=torch_name)
        layer = f"AppCell({spec.input_size}, {spec.hidden_size}, num_layers={spec.layers}, bidirectional={bidir})"
    return f'''# {spec.describe()}
import numpy as np
import torch
from torch import nn


{custom}class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = {layer}
        self.out = nn.Linear({dirs_h}, {spec.output_size})

    def forward(self, x):  # x: (T, B, {spec.input_size}), time first (batch_first=False), like the app
        h, _ = self.rnn(x)  # (T, B, {dirs_h}) the top layer's [→h_t; ←h_t]; initial state zero, as in the app
        return self.out(h)  # (T, B, {spec.output_size}) logits; softmax over the last axis gives the app's p_t


model = Model().double()  # the app computes in float64
npz = np.load("{file_name}")
state = {{k: torch.from_numpy(npz[k]) for k in npz.files if not k.startswith("example.")}}
model.load_state_dict(state)
model.eval()
with torch.no_grad():
    logits = model(torch.from_numpy(npz["example.x"]))  # the input the app ran, (T, 1, {spec.input_size})
    probs = torch.softmax(logits, dim=-1)
same = torch.allclose(logits, torch.from_numpy(npz["example.logits"]), rtol=0, atol=1e-10)
print("same outputs as the app:", same)
'''


# ---------------------------------------------------------------------------- Keras

KERAS_ORDER = {"rnn": (0,), "lstm": (0, 1, 2, 3), "gru": (1, 0, 2)}  # Keras's GRU stacks z, r, h; PyTorch r, z, n


def keras_conversion(spec: NetSpec) -> str:
    """The NumPy function of the Keras script that turns the PyTorch-layout file into Keras's weight lists."""
    order = KERAS_ORDER[spec.cell]
    return f'''def keras_weights(npz, num_layers={spec.layers}, directions={spec.directions}, H={spec.hidden_size}, order={order}):
    """PyTorch layout -> Keras: kernels transposed (Keras computes x @ W), the two biases added, gate blocks
    reordered (Keras's GRU stacks z, r, h where PyTorch stacks r, z, n). One list per Keras layer."""

    def blocks(A):
        return np.concatenate([A[i * H : (i + 1) * H] for i in order])

    out = []
    for k in range(num_layers):
        weights = []
        for sfx in ["", "_reverse"][:directions]:  # Bidirectional: the forward layer's weights, then the backward's
            W_ih, W_hh = npz[f"rnn.weight_ih_l{{k}}{{sfx}}"], npz[f"rnn.weight_hh_l{{k}}{{sfx}}"]
            b = npz[f"rnn.bias_ih_l{{k}}{{sfx}}"] + npz[f"rnn.bias_hh_l{{k}}{{sfx}}"]
            weights += [blocks(W_ih).T, blocks(W_hh).T, blocks(b)]
        out.append(weights)
    out.append([npz["out.weight"].T, npz["out.bias"]])
    return out
'''


def _keras_layer(spec: NetSpec) -> str:
    name = KERAS_CLASS[spec.cell]
    args = f"{spec.hidden_size}, return_sequences=True"
    if spec.cell == "rnn":
        args += f', activation="{spec.activation}"'
    else:
        args += ', activation="tanh", recurrent_activation="sigmoid"'
    if spec.cell == "gru":
        args += ", reset_after=False"  # the app's GRU: the reset gate before the recurrent product
    layer = f"layers.{name}({args})"
    return f'layers.Bidirectional({layer}, merge_mode="concat")' if spec.bidirectional else layer


def keras_code(spec: NetSpec, file_name: str = FILE_NAME) -> str:
    """A runnable Keras 3 script over the same weights file."""
    stack = "\n".join(f"        {_keras_layer(spec)}," for _ in range(spec.layers))
    return f'''# {spec.describe()}
import numpy as np
import keras
from keras import layers

keras.config.set_floatx("float64")  # the app computes in float64


{keras_conversion(spec)}

model = keras.Sequential(
    [
        keras.Input(shape=(None, {spec.input_size})),  # Keras is batch first: (B, T, D)
{stack}
        layers.Dense({spec.output_size}),  # logits; softmax gives the app's p_t
    ]
)
npz = np.load("{file_name}")
for layer, weights in zip(model.layers, keras_weights(npz)):
    layer.set_weights(weights)
x = npz["example.x"].transpose(1, 0, 2)  # the app's (T, 1, D) as (1, T, D)
logits = model.predict(x).transpose(1, 0, 2)
print("largest difference from the app's logits:", np.abs(logits - npz["example.logits"]).max())
'''


# ---------------------------------------------------------------------------- what differs


def gru_gap_sentence(gap: float | None) -> str:
    """What loading the app's GRU into nn.GRU would do on the example, from the measured logits gap."""
    if gap is None:
        return "On a diagonal W_hn (H = 1, say) the two agree; in general they do not."
    if gap <= GAP_TOL:
        return (
            f"On the example here the two agree (largest logit difference {gap:.2g}): every W_hn acts on each unit "
            "alone, so where r is applied does not matter. On other weights they differ."
        )
    return f"Loaded into nn.GRU, these very weights would give logits off by up to {gap:.3g} on the example here."


def differences(spec: NetSpec, gru_gap: float | None = None) -> list[str]:
    """Per cell: what differs between the app's cell and the frameworks', and how the export bridges it.

    gru_gap: torch_layout.nn_gru_gap of the network on its example (how far nn.GRU would be off), for a GRU.
    """
    state = "h₀ = 0, and c₀ = 0" if spec.cell == "lstm" else "h₀ = 0"
    top = "[→h_t; ←h_t]" if spec.bidirectional else "h_t"
    out = [
        "**Two biases.** PyTorch keeps bias_ih and bias_hh and only ever adds them (except in its GRU's "
        "candidate); the app has one bias b per gate. The file holds b as bias_ih and zeros as bias_hh; Keras "
        "has one bias, the sum.",
        f"**Initial state.** The app starts every direction of every layer from zero ({state}), which is "
        "PyTorch's and Keras's default when no state is passed.",
        "**Axes.** The app is time first, (T, D); PyTorch's default batch_first=False is too, so the example is "
        "(T, B = 1, D). Keras is batch first, (B, T, D): its script transposes.",
        f"**Read-out.** The app's output layer is logits = W_hy {top} + b_y on the top layer: an nn.Linear / Dense. "
        "The app then applies softmax; the code returns logits and shows the softmax.",
    ]
    if spec.cell == "lstm":
        out.append(
            "**LSTM.** The same equations and the same gate order in all three (i, f, g, o; Keras calls g c): "
            "nn.LSTM and keras.layers.LSTM load the weights as they are. The app has no peepholes and no "
            "projection, like both defaults."
        )
    elif spec.cell == "gru":
        out.append(
            "**GRU: where the reset gate acts.** The app computes n = tanh(W_xn x + W_hn (r ∘ h) + b_n), the reset "
            "gate before the recurrent product (Cho et al. 2014). PyTorch's nn.GRU computes "
            "n = tanh(W_in x + b_in + r ∘ (W_hn h + b_hn)), the reset gate after it. "
            + gru_gap_sentence(gru_gap)
            + " So the PyTorch code defines a small AppCell with the app's equation under nn.GRU's parameter names "
            "(r, z, n order). Keras's GRU with reset_after=False is the app's variant: it loads the weights with "
            "its gate blocks reordered (Keras stacks z, r, h)."
        )
        out.append("**Update gate.** The app's u is PyTorch's z: h_t = (1 − z) ∘ n + z ∘ h_{t−1} in all three.")
    else:
        if spec.activation in torch_layout.TORCH_NONLINEARITIES:
            out.append(
                f"**Vanilla RNN, f = {spec.activation}.** nn.RNN(nonlinearity='{spec.activation}') and "
                "keras.layers.SimpleRNN compute h_t = f(W_ih x_t + W_hh h_{t−1} + b): they load the weights as they are."
            )
        else:
            out.append(
                f"**Vanilla RNN, f = {spec.activation}.** nn.RNN offers only tanh and relu, so the PyTorch code "
                "defines a small AppCell with the app's f under nn.RNN's parameter names; keras.layers.SimpleRNN "
                f"takes activation='{spec.activation}' and loads the weights as they are."
            )
    return out
