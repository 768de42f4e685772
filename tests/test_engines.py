"""The model registry: OCR pipelines share the thread setting."""

from __future__ import annotations

from typing import Any

from idscan.engines import Engines, shared_engines


def threads_of(pipeline: Any) -> int:
    """The intra-op thread count a pipeline's recogniser session was built with."""
    return int(pipeline._load_rec_model().session.session.get_session_options().intra_op_num_threads)


def test_ocr_pipelines_share_the_threads() -> None:
    # the tests' own registry (tests.support.factories): no second copy of the models is loaded
    session = shared_engines(2, ocr_pipelines=2).ocr()
    leased = [session._lease() for _ in range(2)]
    pipelines = [lease.__enter__() for lease in leased]
    try:
        assert pipelines[0] is not pipelines[1]
        assert [threads_of(p) for p in pipelines] == [1, 1]  # two pipelines of one thread each
    finally:
        for lease in leased:
            lease.__exit__(None, None, None)
    with shared_engines(2, ocr_pipelines=1).ocr()._lease() as alone:
        assert threads_of(alone) == 2
    assert Engines(threads=1, ocr_pipelines=4).ocr_pipelines == 1  # never more pipelines than threads
    assert Engines(threads=2).ocr_pipelines == 1


def test_one_registry_per_effective_layout() -> None:
    # two threads hold two pipelines at most: asking for five is the same registry, not another
    # (two threads, as the tests' own registry: the first registry sets OpenCV's thread count)
    assert shared_engines(2, ocr_pipelines=5) is shared_engines(2, ocr_pipelines=2)
