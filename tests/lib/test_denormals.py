"""Flushing denormal ONNX weights: only float32 initializers' denormals change, the message stays
valid, hostile bytes are refused, and the packaged detector gives the same output after it."""

from __future__ import annotations

import numpy as np
import pytest

from idscan.lib import model_files
from idscan.lib.denormals import ModelFormatError, flush_denormal_weights
from tests.support.onnx_bytes import model as _model
from tests.support.onnx_bytes import tensor as _tensor
from tests.support.onnx_bytes import varint as _varint

DENORMAL = 1e-40  # below float32's smallest normal (1.18e-38)


def _floats(*values: float) -> bytes:
    return np.asarray(values, "<f4").tobytes()


def test_denormal_float_weights_become_zero_and_nothing_else_changes() -> None:
    weights = _floats(DENORMAL, 1.0, -DENORMAL, 0.0, 2e-38, -3.5)
    model = _model(_tensor("w", 1, weights))
    flushed, count = flush_denormal_weights(model)
    assert count == 2
    assert len(flushed) == len(model)
    at, end = model.index(weights), model.index(weights) + len(weights)
    after = np.frombuffer(flushed[at:end], "<f4")
    assert after.tolist() == pytest.approx([0.0, 1.0, 0.0, 0.0, 2e-38, -3.5], abs=0, rel=1e-7)
    assert not np.signbit(after[2])  # written as +0, like the rest
    assert (flushed[:at], flushed[end:]) == (model[:at], model[end:])  # only the weights' bytes moved


def test_tensors_that_are_not_float32_are_left_alone() -> None:
    # an int32 tensor (data type 6) whose bit patterns read as float32 denormals
    ints = np.asarray([1, 2, 3], "<i4").tobytes()
    model = _model(_tensor("shape", 6, ints))
    assert flush_denormal_weights(model) == (model, 0)


def test_a_model_without_denormals_comes_back_as_it_was() -> None:
    model = _model(_tensor("w", 1, _floats(1.0, -2.0)))
    assert flush_denormal_weights(model) == (model, 0)


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(_model(_tensor("w", 1, _floats(DENORMAL)))[:-3], id="truncated"),
        pytest.param(_varint(7 << 3 | 2) + _varint(1 << 40), id="length past the end"),
        pytest.param(b"\xff" * 12, id="overlong varint"),
        pytest.param(_varint(7 << 3 | 3), id="group wire type"),
        pytest.param(_model(_tensor("w", 1, b"\x00\x00\x00")), id="raw data not whole floats"),
    ],
)
def test_bytes_that_are_no_model_are_refused(hostile: bytes) -> None:
    with pytest.raises(ModelFormatError):
        flush_denormal_weights(hostile)


def test_the_packaged_detector_gives_the_same_output_with_its_denormals_flushed() -> None:
    import onnxruntime as ort

    raw = model_files.verified_path(model_files.DET).read_bytes()
    flushed, count = flush_denormal_weights(raw)
    assert count > 100_000  # the converter artefact this exists for
    assert flush_denormal_weights(flushed) == (flushed, 0)
    rng = np.random.default_rng(7)
    page = rng.random((1, 3, 96, 160), dtype=np.float32)
    outputs = []
    for model in (raw, flushed):
        session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
        outputs.append(session.run(None, {session.get_inputs()[0].name: page})[0])
    np.testing.assert_array_equal(outputs[0], outputs[1])
