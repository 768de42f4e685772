"""The OpenVINO session: onnxruntime's answers in float32, bfloat16 only where the CPU has it."""

from __future__ import annotations

import numpy as np
import pytest

from idscan.errors import ConfigurationError
from idscan.lib import model_files
from idscan.lib.denormals import flush_denormal_weights
from idscan.lib.onnx_wire import ModelFormatError, float_initializer
from idscan.lib.openvino_session import WIDTH_STEP, OpenVinoSession, pad_width, resolve_precision


@pytest.fixture(scope="module")
def recogniser() -> bytes:
    return flush_denormal_weights(model_files.verified_path(model_files.REC).read_bytes())[0]


def line_batch(width: int) -> np.ndarray:
    """A recogniser input: dark strokes on a light band, normalised as RapidOCR does (to [-1, 1])."""
    rng = np.random.default_rng(7)
    band = np.full((48, width), 0.8, np.float32)
    for x in range(8, width - 16, 22):
        band[12:36, x : x + 4] = -0.9
        band[12:16, x : x + 14] = -0.9
    noisy = band + rng.normal(0, 0.05, band.shape).astype(np.float32)
    return np.repeat(noisy[None, None], 3, axis=1)


def onnxruntime_output(model: bytes, batch: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {session.get_inputs()[0].name: batch})[0])


def test_float32_answers_as_onnxruntime_does(recogniser: bytes) -> None:
    batch = line_batch(256)  # a multiple of the width step: nothing padded
    session = OpenVinoSession(recogniser, 1, precision="f32")
    assert session.precision == "f32"
    ours = session.run(None, {"x": batch})[0]
    theirs = onnxruntime_output(recogniser, batch)
    assert ours.shape == theirs.shape
    assert np.abs(ours - theirs).max() < 1e-3
    assert (ours.argmax(-1) == theirs.argmax(-1)).all()


def test_replaced_weights_narrow_the_last_layer(recogniser: bytes) -> None:
    weights = float_initializer(recogniser, "linear_8.w_0")
    bias = float_initializer(recogniser, "linear_8.b_0")
    keep = np.arange(0, weights.shape[1], 10)
    session = OpenVinoSession(
        recogniser, 1, {"linear_8.w_0": weights[:, keep], "linear_8.b_0": bias[keep]}, "f32"
    )
    narrowed = session.run(None, {"x": line_batch(256)})[0]
    assert narrowed.shape[-1] == len(keep)
    whole = onnxruntime_output(recogniser, line_batch(256))
    # the same logits, renormalised over the kept classes: the order of the kept ones holds
    assert (narrowed.argmax(-1) == whole[..., keep].argmax(-1)).all()


def test_bfloat16_only_where_the_cpu_has_it() -> None:
    assert resolve_precision("auto", ["FP32", "BF16", "INT8"]) == "bf16"
    assert resolve_precision("auto", ["FP32", "INT8"]) == "f32"
    assert resolve_precision("f32", ["FP32", "BF16"]) == "f32"
    assert resolve_precision("bf16", ["FP32", "BF16"]) == "bf16"
    with pytest.raises(ConfigurationError):
        resolve_precision("bf16", ["FP32", "INT8"])


def test_bfloat16_reads_what_float32_reads(recogniser: bytes) -> None:
    import openvino as ov

    if "BF16" not in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
        pytest.skip("this CPU has no native bfloat16: the service runs float32 here")
    batch = line_batch(320)
    narrow = OpenVinoSession(recogniser, 1, precision="bf16").run(None, {"x": batch})[0]
    wide = OpenVinoSession(recogniser, 1, precision="f32").run(None, {"x": batch})[0]
    assert np.abs(narrow - wide).max() > 0  # the arithmetic really is narrower
    assert (narrow.argmax(-1) == wide.argmax(-1)).mean() > 0.95


def test_widths_are_padded_to_the_step_with_zeros() -> None:
    batch = np.ones((2, 3, 48, 50), np.float32)
    padded = pad_width(batch, 8)
    assert padded.shape == (2, 3, 48, 56)
    assert (padded[..., :50] == 1).all()
    assert (padded[..., 50:] == 0).all()
    assert pad_width(padded, 8) is padded


def test_the_session_pads_before_inference(recogniser: bytes) -> None:
    session = OpenVinoSession(recogniser, 1, precision="f32")
    unpadded = session.run(None, {"x": line_batch(250)})[0]
    padded = session.run(None, {"x": pad_width(line_batch(250), WIDTH_STEP)})[0]
    assert unpadded.shape == padded.shape == (1, 32, padded.shape[-1])  # one column per 8 px
    assert np.array_equal(unpadded, padded)


def test_an_unreadable_model_is_refused() -> None:
    with pytest.raises(ModelFormatError):
        OpenVinoSession(b"not a model", 1, precision="f32")


def test_weights_for_a_missing_initializer_are_refused(recogniser: bytes) -> None:
    with pytest.raises(ModelFormatError):
        OpenVinoSession(recogniser, 1, {"no_such_layer": np.zeros((2, 2), np.float32)}, "f32")
