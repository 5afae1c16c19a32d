#!/usr/bin/python3
"""Generate the PyTorch reference fixtures in testdata/torch.

Interpreter: /usr/bin/python3 from Debian, with the Debian packages
python3-torch and python3-numpy (apt-get install -y python3-torch
python3-numpy). The script does not use the safetensors Python package and
writes the files itself.

Run from anywhere:

    /usr/bin/python3 scripts/gen_torch_fixtures.py

Each file is seeded on its own, so its content does not depend on which other
files are generated. Parameters and inputs are drawn in float32. Forward
outputs and gradients are computed in float64 from those float32 values and
stored as float32. Every file uses the safetensors layout: an 8-byte
little-endian header length, a JSON header padded with spaces so that the data
section starts at a multiple of 8 bytes, then little-endian F32 data.
"""

import copy
import json
import struct
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

OUT_DIR = Path(__file__).resolve().parent.parent / "testdata" / "torch"

# Single LSTM layer cases: name, batch, steps, input size, hidden size,
# return_sequences.
LSTM_CASES = [
    ("b1_t1_in1_h4_seq", 1, 1, 1, 4, True),
    ("b1_t30_in5_h64_seq", 1, 30, 5, 64, True),
    ("b64_t30_in5_h64_last", 64, 30, 5, 64, False),
    ("b3_t7_in1_h13_seq", 3, 7, 1, 13, True),
    ("b64_t30_in64_h32_last", 64, 30, 64, 32, False),
    ("b2_t5_in3_h13_last", 2, 5, 3, 13, False),
]


def write_safetensors(path, tensors, metadata=None):
    """Write tensors (name -> float array) to path as F32 safetensors.

    Tensors are laid out in sorted name order. The header is padded with
    spaces so that the data section starts at a multiple of 8 bytes.
    """
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name], dtype="<f4")
        blob = array.tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": [int(d) for d in array.shape],
            "data_offsets": [offset, offset + len(blob)],
        }
        blobs.append(blob)
        offset += len(blob)
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * ((-(8 + len(header_bytes))) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for blob in blobs:
            f.write(blob)


def as_f32(t):
    return t.detach().to(torch.float32).numpy()


def randn32(*shape):
    return torch.randn(*shape, dtype=torch.float32)


def lstm_layer_case(name, batch, steps, input_size, hidden, return_sequences):
    """Build one single-layer LSTM fixture with its gradients."""
    torch.manual_seed(seed_for(name))
    layer = nn.LSTM(input_size, hidden, batch_first=True)
    x32 = randn32(batch, steps, input_size)

    layer64 = copy.deepcopy(layer).double()
    x = x32.double().requires_grad_(True)
    out, _ = layer64(x)
    y = out if return_sequences else out[:, -1, :]
    dy = randn32(*y.shape).double()
    (y * dy).sum().backward()

    tensors = {
        "x": as_f32(x32),
        "weight_ih": as_f32(layer.weight_ih_l0),
        "weight_hh": as_f32(layer.weight_hh_l0),
        "bias_ih": as_f32(layer.bias_ih_l0),
        "bias_hh": as_f32(layer.bias_hh_l0),
        "y": as_f32(y),
        "dy": as_f32(dy),
        "dx": as_f32(x.grad),
        "dweight_ih": as_f32(layer64.weight_ih_l0.grad),
        "dweight_hh": as_f32(layer64.weight_hh_l0.grad),
        "dbias_ih": as_f32(layer64.bias_ih_l0.grad),
        "dbias_hh": as_f32(layer64.bias_hh_l0.grad),
    }
    metadata = {
        "batch": batch,
        "steps": steps,
        "input": input_size,
        "hidden": hidden,
        "return_sequences": "true" if return_sequences else "false",
    }
    write_safetensors(OUT_DIR / f"lstm_{name}.safetensors", tensors, metadata)


class Stack(nn.Module):
    """LSTM(5,64) full sequence -> LSTM(64,32) last step -> Linear(32,64)
    -> ReLU -> Linear(64,3)."""

    def __init__(self):
        super().__init__()
        self.l0 = nn.LSTM(5, 64, batch_first=True)
        self.l1 = nn.LSTM(64, 32, batch_first=True)
        self.fc1 = nn.Linear(32, 64)
        self.fc2 = nn.Linear(64, 3)

    def forward(self, x):
        seq, _ = self.l0(x)
        seq, _ = self.l1(seq)
        return self.fc2(torch.relu(self.fc1(seq[:, -1, :])))


def lstm_params(prefix, layer):
    """Map an nn.LSTM's layer-0 parameters to prefix.weight_ih and so on."""
    return {
        f"{prefix}.weight_ih": layer.weight_ih_l0,
        f"{prefix}.weight_hh": layer.weight_hh_l0,
        f"{prefix}.bias_ih": layer.bias_ih_l0,
        f"{prefix}.bias_hh": layer.bias_hh_l0,
    }


def stack_params(model):
    params = {}
    params.update(lstm_params("l0", model.l0))
    params.update(lstm_params("l1", model.l1))
    params["fc1.weight"] = model.fc1.weight
    params["fc1.bias"] = model.fc1.bias
    params["fc2.weight"] = model.fc2.weight
    params["fc2.bias"] = model.fc2.bias
    return params


def stack_case():
    name = "stack_b4_t30_in5"
    torch.manual_seed(seed_for(name))
    model = Stack()
    x32 = randn32(4, 30, 5)

    model64 = copy.deepcopy(model).double()
    x = x32.double().requires_grad_(True)
    y = model64(x)
    dy = randn32(*y.shape).double()
    (y * dy).sum().backward()

    tensors = {"x": as_f32(x32), "y": as_f32(y), "dy": as_f32(dy), "dx": as_f32(x.grad)}
    for pname, p in stack_params(model).items():
        tensors[pname] = as_f32(p)
    for pname, p in stack_params(model64).items():
        tensors["d" + pname] = as_f32(p.grad)
    write_safetensors(OUT_DIR / f"{name}.safetensors", tensors)


def linear_case(name, batch, input_size, out, relu):
    torch.manual_seed(seed_for(name))
    layer = nn.Linear(input_size, out)
    x32 = randn32(batch, input_size)

    layer64 = copy.deepcopy(layer).double()
    x = x32.double().requires_grad_(True)
    y = layer64(x)
    if relu:
        y = torch.relu(y)
    dy = randn32(*y.shape).double()
    (y * dy).sum().backward()

    tensors = {
        "x": as_f32(x32),
        "weight": as_f32(layer.weight),
        "bias": as_f32(layer.bias),
        "y": as_f32(y),
        "dy": as_f32(dy),
        "dx": as_f32(x.grad),
        "dweight": as_f32(layer64.weight.grad),
        "dbias": as_f32(layer64.bias.grad),
    }
    write_safetensors(OUT_DIR / f"{name}.safetensors", tensors)


class LSTMQNet(nn.Module):
    """The LSTM Q-network as a PyTorch user writes it, without dropout."""

    def __init__(self):
        super().__init__()
        self.lstm1 = nn.LSTM(5, 64, batch_first=True)
        self.lstm2 = nn.LSTM(64, 32, batch_first=True)
        self.fc1 = nn.Linear(32, 64)
        self.fc2 = nn.Linear(64, 3)

    def forward(self, obs):
        seq = obs.reshape(obs.shape[0], 30, 5)
        seq, _ = self.lstm1(seq)
        seq, _ = self.lstm2(seq)
        return self.fc2(torch.relu(self.fc1(seq[:, -1, :])))


class DenseQNet(nn.Module):
    """The earlier Dense Q-network: 150 -> 64 -> 32 -> 8 -> 3, ReLU between."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(150, 64)
        self.fc2 = nn.Linear(64, 32)
        self.fc3 = nn.Linear(32, 8)
        self.fc4 = nn.Linear(8, 3)

    def forward(self, obs):
        h = torch.relu(self.fc1(obs))
        h = torch.relu(self.fc2(h))
        h = torch.relu(self.fc3(h))
        return self.fc4(h)


def qnet_case(kind, module_class):
    """Save a Q-network's state_dict and its float64 outputs on 8 observations."""
    name = f"qnet_{kind}"
    torch.manual_seed(seed_for(name))
    model = module_class()
    obs32 = randn32(8, 150)

    model64 = copy.deepcopy(model).double()
    with torch.no_grad():
        q = model64(obs32.double())

    state = {k: as_f32(v) for k, v in model.state_dict().items()}
    write_safetensors(OUT_DIR / f"{name}_state.safetensors", state, {"format": "pt"})
    write_safetensors(
        OUT_DIR / f"{name}_expected.safetensors", {"obs": as_f32(obs32), "q": as_f32(q)}
    )


def seed_for(name):
    """Derive a stable per-file seed from its name (Python's hash() is salted)."""
    seed = 0
    for byte in name.encode("utf-8"):
        seed = (seed * 131 + byte) % (2**31 - 1)
    return seed


def main():
    # One thread, so that reduction order does not depend on how PyTorch
    # splits work between threads.
    torch.set_num_threads(1)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for case in LSTM_CASES:
        lstm_layer_case(*case)
    stack_case()
    linear_case("linear_b5_in7_out3", 5, 7, 3, relu=False)
    linear_case("linear_relu_b64_in32_out64", 64, 32, 64, relu=True)
    qnet_case("lstm", LSTMQNet)
    qnet_case("dense", DenseQNet)
    print(f"wrote fixtures to {OUT_DIR} with torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
