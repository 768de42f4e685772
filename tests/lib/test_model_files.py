import dataclasses
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from idscan.lib import model_files
from idscan.vision.sessions import ModelConfig, VisionModels


@pytest.mark.parametrize("model", model_files.ALL_MODELS, ids=lambda m: m.name)
def test_every_pinned_model_is_installed_with_its_digest(model: model_files.ModelFile) -> None:
    path = model_files.verified_path(model)
    assert path.is_file()
    assert model.licence in {"MIT", "Apache-2.0", "MIT AND CC0-1.0"}


def test_a_digest_mismatch_refuses_to_load() -> None:
    tampered = dataclasses.replace(model_files.YUNET, sha256="0" * 64)
    with pytest.raises(model_files.ModelIntegrityError, match="refusing to load"):
        model_files.verified_path(tampered)


def test_a_missing_package_or_file_is_reported() -> None:
    with pytest.raises(model_files.ModelIntegrityError, match="not installed"):
        model_files.locate(dataclasses.replace(model_files.YUNET, package="no_such_package_here"))
    with pytest.raises(model_files.ModelIntegrityError, match="missing"):
        model_files.locate(dataclasses.replace(model_files.YUNET, resource="models/absent.onnx"))


def test_a_tampered_model_stops_the_session_from_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_files, "SFACE", dataclasses.replace(model_files.SFACE, sha256="f" * 64))
    with pytest.raises(model_files.ModelIntegrityError):
        VisionModels(ModelConfig(threads=1)).embedder()


def test_sessions_load_lazily_once_even_under_concurrency() -> None:
    models = VisionModels(ModelConfig(threads=1))
    assert models._detector is None
    assert models._embedder is None
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(models.detector())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(s) for s in seen}) == 1


def test_importing_the_engine_loads_no_model_and_no_forbidden_layer() -> None:
    code = (
        "import sys, idscan.vision.commands, idscan.vision.liveness, idscan.vision.matching\n"
        "import idscan.documents.reader, idscan.engines\n"
        "forbidden = ('mediapipe', 'fastapi', 'sqlalchemy', 'idscan.config', 'idscan.db')\n"
        "bad = [m for m in forbidden if m in sys.modules]\n"
        "assert not bad, bad\n"
        "assert not idscan.engines._shared\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_npm_model_is_looked_for_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert model_files.locate(model_files.RESNET_WEIGHTS).is_relative_to(model_files.npm_root())
    monkeypatch.setattr(model_files, "npm_root", lambda: tmp_path)
    with pytest.raises(model_files.ModelIntegrityError, match="make install"):
        model_files.locate(model_files.RESNET_WEIGHTS)
