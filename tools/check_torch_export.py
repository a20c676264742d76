"""Run the generated PyTorch scripts against a real PyTorch: ``python -m tools.check_torch_export --python PY``.

PY is a Python that has torch and numpy (torch is not a requirement of the app; a throw-away venv will do). For
each case (vanilla tanh/relu/sigmoid/linear, LSTM, GRU; 1-3 layers; one or two directions) this writes the weights
file and the script the Explorer/Gradients code panel offers into a temporary folder, runs the script with PY and
expects it to print "same outputs as the app: True". For a GRU it also loads the same file into torch's own
nn.GRU and prints how far its logits are from the app's, beside the library's own account (torch_layout.nn_gru_gap).
Exit status 1 when a script does not reproduce the app. The unit tests run the same scripts against NumPy
implementations of PyTorch's documented equations (tests/unit/torch_equations.py); this is the check against the
real thing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from visualizer.content import framework_code as fc
from visualizer.nn import deep, torch_layout

CASES = (
    ("rnn", 1, False, "tanh"),
    ("rnn", 2, True, "relu"),
    ("rnn", 2, True, "sigmoid"),
    ("rnn", 1, False, "linear"),
    ("lstm", 1, False, "tanh"),
    ("lstm", 3, True, "tanh"),
    ("gru", 1, False, "tanh"),
    ("gru", 2, True, "tanh"),
)

NN_GRU = """import numpy as np, torch
from torch import nn
npz = np.load("{file}")
rnn = nn.GRU({D}, {H}, num_layers={L}, bidirectional={bi}).double()
out = nn.Linear({DH}, {V}).double()
rnn.load_state_dict({{k[4:]: torch.from_numpy(npz[k]) for k in npz.files if k.startswith("rnn.")}})
out.load_state_dict({{k[4:]: torch.from_numpy(npz[k]) for k in npz.files if k.startswith("out.")}})
with torch.no_grad():
    logits = out(rnn(torch.from_numpy(npz["example.x"]))[0])
print(float((logits - torch.from_numpy(npz["example.logits"])).abs().max()))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", required=True, help="a Python with torch and numpy")
    args = parser.parse_args(argv)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (cell, layers, bidir, act) in enumerate(CASES):
            params = deep.init(cell, 5, 4, 6, layers=layers, bidirectional=bidir, seed=i, activation=act)
            X = np.random.default_rng(i).standard_normal((7, 5))
            folder = Path(tmp) / f"case{i}"
            folder.mkdir()
            (folder / fc.FILE_NAME).write_bytes(torch_layout.npz_bytes(params, X))
            spec = fc.NetSpec.of(params)
            (folder / "model.py").write_text(fc.pytorch_code(spec))
            run = subprocess.run([args.python, "model.py"], cwd=folder, capture_output=True, text=True)
            ok = run.stdout.strip() == "same outputs as the app: True"
            failed += not ok
            sys.stdout.write(f"{spec.describe()}: {run.stdout.strip() or run.stderr.strip()[-300:]}\n")
            if cell == "gru":
                (folder / "nn_gru.py").write_text(
                    NN_GRU.format(
                        file=fc.FILE_NAME,
                        D=5,
                        H=4,
                        L=layers,
                        bi=bidir,
                        DH=spec.directions * 4,
                        V=6,
                    )
                )
                gap = subprocess.run([args.python, "nn_gru.py"], cwd=folder, capture_output=True, text=True)
                sys.stdout.write(
                    f"  torch's own nn.GRU on the same file: logits off by {gap.stdout.strip()} "
                    f"(the library says {torch_layout.nn_gru_gap(params, X):.6g})\n"
                )
    sys.stdout.write("every script reproduced the app\n" if not failed else f"{failed} script(s) did not\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
