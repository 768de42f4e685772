"""Reading a named float32 weight out of ONNX bytes: its values in its shape, or a refusal."""

from __future__ import annotations

import numpy as np
import pytest

from idscan.lib import model_files
from idscan.lib.onnx_wire import ModelFormatError, float_initializer
from tests.support.onnx_bytes import model, tensor

VALUES = np.arange(6, dtype="<f4") - 2.5


@pytest.mark.parametrize("packed", [False, True])
def test_a_weight_is_read_by_name_in_its_shape(packed: bool) -> None:
    data = model(
        tensor("other", 1, np.ones(6, "<f4").tobytes(), (2, 3)),
        tensor("w", 1, VALUES.tobytes(), (2, 3), packed=packed),
    )
    weight = float_initializer(data, "w")
    assert weight.dtype == np.float32
    assert weight.shape == (2, 3)
    assert weight.tolist() == VALUES.reshape(2, 3).tolist()
    weight[0, 0] = 99  # a copy: the model's bytes do not change
    assert float_initializer(data, "w")[0, 0] == -2.5


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (model(tensor("w", 1, VALUES.tobytes(), (2, 3))), "no initializer x"),
        (model(tensor("x", 6, VALUES.tobytes(), (2, 3))), "not float32"),
        (model(tensor("x", 1, VALUES.tobytes(), (2, 4))), "does not match its shape"),
        (model(tensor("x", 1, VALUES.tobytes(), (2, 3)))[:-5], "runs past"),
        # a shape whose size, multiplied in 64 bits, wraps round to the 6 values the bytes hold
        (model(tensor("x", 1, VALUES.tobytes(), (4294967301, 4427218576659500238))), "not match its shape"),
    ],
    ids=["missing", "not float", "misshapen", "truncated", "size wraps in 64 bits"],
)
def test_a_missing_mistyped_or_misshaped_weight_is_refused(data: bytes, words: str) -> None:
    with pytest.raises(ModelFormatError, match=words):
        float_initializer(data, "x")


def test_the_packaged_recogniser_last_layer_is_read() -> None:
    data = model_files.verified_path(model_files.REC).read_bytes()
    weights = float_initializer(data, "linear_8.w_0")
    bias = float_initializer(data, "linear_8.b_0")
    assert weights.shape == (120, 18710)
    assert bias.shape == (18710,)
    assert np.isfinite(weights).all()
    assert weights.std() > 0
