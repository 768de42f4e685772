"""The model registry: OCR pipelines share the thread setting."""

from __future__ import annotations

from idscan.engines import Engines


def test_ocr_pipelines_share_the_threads() -> None:
    engines = Engines(threads=2, ocr_pipelines=2)
    assert engines.ocr()._free.qsize() == 2  # two pipelines of one thread each, none busy
    assert Engines(threads=1, ocr_pipelines=4).ocr_pipelines == 1  # never more pipelines than threads
    assert Engines(threads=2).ocr_pipelines == 1


def test_one_registry_per_effective_layout() -> None:
    from idscan.engines import shared_engines

    # two threads hold two pipelines at most: asking for five is the same registry, not another
    # (two threads, as the tests' own registry: the first registry sets OpenCV's thread count)
    assert shared_engines(2, ocr_pipelines=5) is shared_engines(2, ocr_pipelines=2)
