"""An ONNX model on OpenVINO's CPU runtime behind the slice of onnxruntime's session interface that
RapidOCR calls (`run`, `get_inputs`, `get_outputs`), for the text recogniser.

Why a second runtime: on a CPU that computes bfloat16 natively (AVX512-BF16 or AMX), OpenVINO runs
the recogniser's convolutions in bfloat16, in about 0.55 of the time of onnxruntime's float32, which
has no such kernels on x86. Elsewhere the OCR stays on onnxruntime (OpenVINO's float32 measured no
faster). The weights stay float32 on disk; only the arithmetic narrows (docs/documents.md has the
reads compared).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from idscan.errors import ConfigurationError
from idscan.lib.onnx_wire import ModelFormatError

Precision = Literal["auto", "f32", "bf16"]  # as configured
Arithmetic = Literal["f32", "bf16"]  # as run
# The runtime prepares each new input shape once (about 10 ms for a text line) and keeps it: without
# that cache bfloat16 is slower than onnxruntime's float32. A kept shape holds its own buffers (about
# 2-3 MB for a text line, 12 MB for a 960 px page), so the cache is bounded per session (`shapes`,
# the least recently used go) and line widths, which vary by the pixel, are padded on the right to a
# multiple of WIDTH_STEP: the recogniser's stride, less than one more output column (wider steps
# changed reads).
WIDTH_STEP = 8


@dataclass(frozen=True, slots=True)
class _Port:
    name: str


class OpenVinoSession:
    """One compiled model and one inference request: not for two threads at once (an OCR pipeline
    is leased by one read at a time). `weights` replace initializers of the same name before the
    model is compiled, in any shape that still fits the graph; `shapes` bounds the input shapes
    kept prepared."""

    def __init__(
        self,
        model: bytes,
        threads: int,
        weights: Mapping[str, npt.NDArray[np.float32]] | None = None,
        precision: Precision = "auto",
        shapes: int = 16,
    ) -> None:
        import openvino as ov
        from openvino import opset13

        core = ov.Core()
        try:
            graph = core.read_model(model)
        except RuntimeError as exc:
            raise ModelFormatError(f"OpenVINO cannot read the model: {exc}") from exc
        constants = {op.get_friendly_name(): op for op in graph.get_ops() if op.get_type_name() == "Constant"}
        for name, value in (weights or {}).items():
            if name not in constants:
                raise ModelFormatError(f"the model has no initializer {name}")
            constants[name].output(0).replace(opset13.constant(np.ascontiguousarray(value)).output(0))
        graph.validate_nodes_and_infer_types()
        self.precision = resolve_precision(precision, core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"))
        config = {
            "INFERENCE_NUM_THREADS": threads,
            "NUM_STREAMS": 1,
            "PERFORMANCE_HINT": "LATENCY",
            "INFERENCE_PRECISION_HINT": self.precision,
            "CPU_RUNTIME_CACHE_CAPACITY": shapes,
        }
        self.shapes = shapes
        self._compiled: Any = core.compile_model(graph, "CPU", config)
        self._request: Any = self._compiled.create_infer_request()
        self._inputs = [_Port(name) for name in sorted(graph.input(0).get_names())[:1] or ["x"]]
        self._outputs = [_Port(name) for name in sorted(graph.output(0).get_names())[:1] or ["y"]]

    @property
    def threads(self) -> int:
        """The threads one inference runs on, as the runtime was given them."""
        return int(self._compiled.get_property("INFERENCE_NUM_THREADS"))

    def get_inputs(self) -> list[_Port]:
        return list(self._inputs)

    def get_outputs(self) -> list[_Port]:
        return list(self._outputs)

    def run(
        self, output_names: Sequence[str] | None, feeds: Mapping[str, Any]
    ) -> list[npt.NDArray[np.float32]]:
        """The model's one output for its one input (N x C x H x W), padded to `WIDTH_STEP`."""
        (batch,) = feeds.values()
        result = self._request.infer({0: pad_width(np.asarray(batch, np.float32), WIDTH_STEP)})
        return [np.array(result[self._compiled.output(0)], np.float32)]


def cpu_capabilities() -> list[str]:
    """What OpenVINO's CPU plugin can compute natively here (`BF16` among them where it can)."""
    import openvino as ov

    return list(ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES"))


def resolve_precision(wanted: Precision, capabilities: Sequence[str]) -> Arithmetic:
    """The arithmetic to run in: bfloat16 only where the CPU computes it natively (`auto`), or as
    asked; asking for bf16 on a CPU without it is refused rather than emulated (slower than f32)."""
    native = "BF16" in capabilities
    if wanted == "bf16" and not native:
        raise ConfigurationError("This CPU has no native bfloat16 (AVX512-BF16 or AMX): use f32 or auto.")
    return "bf16" if wanted == "bf16" or (wanted == "auto" and native) else "f32"


def pad_width(batch: npt.NDArray[np.float32], step: int) -> npt.NDArray[np.float32]:
    """`batch` with zeros on the right up to a multiple of `step` columns (RapidOCR pads the narrower
    line of a pair the same way)."""
    width = batch.shape[-1]
    wanted = -(-width // step) * step
    if wanted == width:
        return batch
    padded = np.zeros((*batch.shape[:-1], wanted), np.float32)
    padded[..., :width] = batch
    return padded
