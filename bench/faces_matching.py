"""Document portrait <-> selfie matching on printed, photographed cards, per degradation level.

Used by bench/faces.py. Every fixture face is printed on generated cards (tests/vision/synth/cards.py:
clean, mild, hard) and photographed; the selfie is a 640x480 frame cut from another photo of the same
person (genuine) or of someone else (impostor); a photo is never compared with itself. Identities are
split in two: thresholds, fusion weights and the failure-to-enrol gate were set on the development half;
the test half is reported as well and was never used to choose anything.

Systems: the plain baseline (YuNet on the whole photo at native resolution, 5-point alignment, SFace
int8, cosine), idscan before this change (`idscan face compare` on the photo: YuNet on a 640 px copy),
idscan's document path now (card located and flattened, portrait cropped, stored as JPEG, compared
with refinement, grey matching and the enrol gate), and each option measured on that path.
"""

from __future__ import annotations

import dataclasses
import hashlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from tests.vision.synth.cards import LEVELS, make_card, passport_framing
from tests.vision.synth.stills import fixture_faces, selfie_frame

from idscan.documents.locate import locate
from idscan.documents.portrait import find_portrait
from idscan.engines import shared_engines
from idscan.lib import model_files
from idscan.pipeline.images import jpeg
from idscan.vision.detection import DetectParams, detect_faces
from idscan.vision.enrol import judge_portrait
from idscan.vision.images import decode_image
from idscan.vision.matching import (
    DEFAULT_FUSION,
    DEFAULT_THRESHOLD,
    SFACE_THRESHOLD,
    Fusion,
    MatchParams,
    compare_faces,
    fused_similarity,
    pair_is_grey,
    resnet_chip,
    resnet_vectors,
)
from idscan.vision.sessions import VisionModels

Vec = NDArray[Any]
Z_FMR_0_1 = 3.090  # one-sided normal quantile of 0.1 %
SPLIT_SALT = "idscan-faces-v3"  # identities split by a hash (v3: the first to balance genuine pairs 18/15)


def is_dev(identity: str) -> bool:
    return hashlib.sha256(f"{SPLIT_SALT}:{identity}".encode()).digest()[0] % 2 == 0


def _unit(v: Vec) -> Vec:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


@dataclass
class Sample:
    """One side of a comparison: its face, aligned, and the raw embeddings of its variants."""

    aligned: Vec | None = None
    vectors: dict[str, Vec] = field(default_factory=dict)
    problem: str | None = None  # failure to enrol (idscan path only)
    dlib: Vec | None = None
    # our numpy ResNet: "mirrored" (the product's, face and mirror image averaged) and "single" (the
    # face alone), each also " grey"
    resnet: dict[str, Vec] = field(default_factory=dict)


class Plain:
    """YuNet at native resolution on the whole image, SFace int8, as OpenCV's samples use them."""

    def __init__(self) -> None:
        self.det = cv2.FaceDetectorYN.create(
            str(model_files.verified_path(model_files.YUNET)), "", (320, 320), 0.6, 0.3, 5000
        )
        self.rec = cv2.FaceRecognizerSF.create(str(model_files.verified_path(model_files.SFACE)), "")

    def embed(self, bgr: Vec) -> Vec | None:
        h, w = bgr.shape[:2]
        self.det.setInputSize((w, h))
        found = self.det.detect(bgr)[1]
        if found is None:
            return None
        row = max(found, key=lambda r: r[2] * r[3])
        return _unit(np.asarray(self.rec.feature(self.rec.alignCrop(bgr, row))).reshape(-1))


class Dlib:
    """dlib's ResNet (face_recognition_models, CC0) on the YuNet box: bench-only second model."""

    def __init__(self) -> None:
        import dlib  # type: ignore[import-untyped]  # bench/test-only dependency (dlib-bin)
        import face_recognition_models as frm  # type: ignore[import-untyped]

        self.dlib = dlib
        self.shape = dlib.shape_predictor(frm.pose_predictor_five_point_model_location())
        self.net = dlib.face_recognition_model_v1(frm.face_recognition_model_location())

    def embed(self, bgr: Vec, box: tuple[float, float, float, float]) -> Vec:
        rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        x, y, w, h = (int(v) for v in box)
        shape = self.shape(rgb, self.dlib.rectangle(x, y, x + w, y + h))
        return np.asarray(self.net.compute_face_descriptor(rgb, shape), np.float64)


def load_dlib() -> Dlib | None:
    try:
        return Dlib()
    except ImportError:
        return None


VARIANTS: dict[str, Callable[[Vec], Vec]] = {
    "as is": lambda a: a,
    "grey": lambda a: cv2.cvtColor(cv2.cvtColor(a, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR),
    "clahe": lambda a: cv2.cvtColor(
        cv2.merge(
            [
                cv2.createCLAHE(2.0, (4, 4)).apply(cv2.cvtColor(a, cv2.COLOR_BGR2LAB)[:, :, 0]),
                *cv2.split(cv2.cvtColor(a, cv2.COLOR_BGR2LAB))[1:],
            ]
        ),
        cv2.COLOR_LAB2BGR,
    ),
}


def describe(image: Vec, models: VisionModels, dl: Dlib | None, params: MatchParams, gate: bool) -> Sample:
    """Detect (with refinement), align, enrol gate (portraits), embed every variant and its mirror."""
    faces = detect_faces(image, models.detector(), params.detect)
    if not faces:
        return Sample(problem="no_face")
    emb = models.embedder()
    aligned = emb.align(image, faces[0].row)
    sample = Sample(aligned=aligned)
    for name, fn in VARIANTS.items():
        edited = np.ascontiguousarray(fn(aligned))
        sample.vectors[name] = emb.features(edited)
        sample.vectors[name + "+flip"] = emb.features(np.ascontiguousarray(edited[:, ::-1]))
        sample.vectors["grey " + name] = emb.features(np.ascontiguousarray(VARIANTS["grey"](edited)))
        flipped = np.ascontiguousarray(VARIANTS["grey"](edited)[:, ::-1])
        sample.vectors["grey " + name + "+flip"] = emb.features(flipped)
    resnet = models.resnet()
    for grey, suffix in ((False, ""), (True, " grey")):
        chip = resnet_chip(image, faces[0], grey)  # cut once: the product's vector and the face alone
        sample.resnet["mirrored" + suffix] = resnet_vectors([chip], resnet)[0]
        sample.resnet["single" + suffix] = resnet.features(chip)
    if gate:
        verdict = judge_portrait(faces[0], aligned, sample.vectors["as is"], params.enrol)
        sample.problem = str(verdict.problem) if verdict.problem else None
    if dl is not None:
        sample.dlib = dl.embed(image, faces[0].box)
    return sample


def sface_score(variant: str, flip: bool, grey_match: bool, params: MatchParams) -> Callable[..., float]:
    def score(p: Sample, s: Sample) -> float:
        assert p.aligned is not None
        assert s.aligned is not None
        grey = grey_match and pair_is_grey(p.aligned, s.aligned, params)
        pv, sv = ("grey " + variant, "grey as is") if grey else (variant, "as is")

        def vec(x: Sample, name: str) -> Vec:
            v = _unit(x.vectors[name])
            return _unit(v + _unit(x.vectors[name + "+flip"])) if flip else v

        return float(vec(p, pv) @ vec(s, sv))

    return score


def resnet_score(params: MatchParams, mirror: bool = True) -> Callable[..., float]:
    """Minus the Euclidean distance of the ResNet's embeddings (mirror-averaged, as the product, or of the
    face alone), both in grey when the colour rule says so."""

    def score(p: Sample, s: Sample) -> float:
        assert p.aligned is not None
        assert s.aligned is not None
        v = ("mirrored" if mirror else "single") + (
            " grey" if pair_is_grey(p.aligned, s.aligned, params) else ""
        )
        return -float(np.linalg.norm(p.resnet[v] - s.resnet[v]))

    return score


def product_score(fusion: Fusion, params: MatchParams) -> Callable[..., float]:
    """The shipped comparison (matching.compare_faces) on the bench's samples."""
    sface, resnet = sface_score("as is", False, True, params), resnet_score(params)

    def score(p: Sample, s: Sample) -> float:
        return fused_similarity(sface(p, s), -resnet(p, s), fusion)

    return score


def dev_impostor_pairs(corpus: Corpus) -> list[tuple[Sample, Sample]]:
    """(portrait, selfie) of every development impostor comparison whose portrait the gate passes:
    what fusion statistics are taken on."""
    return [
        (e["idscan"], s)
        for (i, _, _), e in corpus.cards.items()
        for j, s in corpus.selfies.items()
        if is_dev(corpus.ids[i]) and is_dev(corpus.ids[j]) and corpus.ids[i] != corpus.ids[j]
        if e["idscan"].aligned is not None and not e["idscan"].problem and s.aligned is not None
    ]


def fusion_stats(corpus: Corpus, params: MatchParams) -> Fusion:
    """Both models' impostor statistics on the development pairs (portraits the gate passes)."""
    sface, resnet = sface_score("as is", False, True, params), resnet_score(params)
    pairs = dev_impostor_pairs(corpus)
    cos = [sface(p, s) for p, s in pairs]
    dist = [-resnet(p, s) for p, s in pairs]
    return Fusion(float(np.mean(cos)), float(np.std(cos)), float(np.mean(dist)), float(np.std(dist)))


def dlib_score(p: Sample, s: Sample) -> float:
    assert p.dlib is not None
    assert s.dlib is not None
    return -float(np.linalg.norm(p.dlib - s.dlib))


@dataclass
class Corpus:
    ids: list[str]
    selfies: dict[int, Sample]
    cards: dict[tuple[int, str, int], dict[str, Any]]  # key -> {"idscan": Sample, "plain": Vec, ...}
    timings: dict[str, list[float]] = field(default_factory=dict)


def build(root: Path, seeds: int, quick: bool, use_dlib: bool) -> Corpus:
    models = shared_engines().vision
    dl = load_dlib() if use_dlib else None
    plain = Plain()
    faces = fixture_faces(root)
    ids = [identity for _, identity in faces]
    images = [decode_image((root / rel).read_bytes()) for rel, _ in faces]
    params = MatchParams()
    before = DetectParams(refine_faces=0)
    corpus = Corpus(ids, {}, {}, {"plain": [], "idscan": [], "dlib": []})
    for j, img in enumerate(images):
        frame = selfie_frame(img, models)
        assert frame is not None
        corpus.selfies[j] = describe(frame, models, dl, params, gate=False)
        corpus.selfies[j].vectors["plain"] = plain.embed(frame)
    emb = models.embedder()

    def idscan_embed(bgr: Vec, detect: DetectParams) -> Vec | None:
        found = detect_faces(bgr, models.detector(), detect)
        return _unit(emb.features(emb.align(bgr, found[0].row))) if found else None

    for i, img in enumerate(images):
        box = detect_faces(img, models.detector())[0].box
        framed = passport_framing(np.ascontiguousarray(img[:, :, ::-1]), box)
        original = idscan_embed(np.ascontiguousarray(np.asarray(framed)[:, :, ::-1]), params.detect)
        for level in LEVELS:
            for k in range(seeds):
                shot = make_card(framed, 1000 * i + 17 * k + LEVELS.index(level), level)
                bgr = np.ascontiguousarray(shot.photo[:, :, ::-1])
                entry: dict[str, Any] = {}
                t0 = time.perf_counter()
                entry["plain"] = plain.embed(bgr)
                corpus.timings["plain"].append(time.perf_counter() - t0)
                found = detect_faces(bgr, models.detector(), before)
                entry["before"] = (
                    _unit(models.embedder().features(models.embedder().align(bgr, found[0].row)))
                    if found
                    else None
                )
                flat = locate(shot.photo).image
                portrait = find_portrait(flat, models)
                crop = decode_image(jpeg(portrait.image)) if portrait is not None else None
                flat_bgr = np.ascontiguousarray(flat[:, :, ::-1])
                raw_crop = np.ascontiguousarray(portrait.image[:, :, ::-1]) if portrait is not None else None
                entry["stages"] = {
                    "printed original (no camera)": original,
                    "plain: whole photo, native": entry["plain"],
                    "idscan before: photo, 640 px": entry["before"],
                    "idscan now: photo, refined": idscan_embed(bgr, params.detect),
                    "plain: flattened card, native": plain.embed(flat_bgr),
                    "portrait crop": None if raw_crop is None else idscan_embed(raw_crop, params.detect),
                    "portrait crop as stored (JPEG)": None
                    if crop is None
                    else idscan_embed(crop, params.detect),
                }
                entry["idscan"] = (
                    describe(crop, models, dl, params, gate=True)
                    if crop is not None
                    else Sample(problem="no_face")
                )
                corpus.cards[(i, level, k)] = entry
    return corpus


def false_matches(
    corpus: Corpus, card_score: Callable[[dict[str, Any], Sample], float | None], threshold: float
) -> list[dict[str, Any]]:
    """Every impostor comparison at or above the threshold: which identities, level, fold and score (a
    look-alike pair shows up in every system; a new one is the product's own)."""
    out = []
    for (i, level, _), entry in corpus.cards.items():
        for j, selfie in corpus.selfies.items():
            if j == i or corpus.ids[i] == corpus.ids[j] or is_dev(corpus.ids[i]) != is_dev(corpus.ids[j]):
                continue
            score = card_score(entry, selfie)
            if score is not None and score >= threshold:
                fold = "dev" if is_dev(corpus.ids[i]) else "test"
                out.append(
                    {
                        "card": corpus.ids[i],
                        "selfie": corpus.ids[j],
                        "level": level,
                        "fold": fold,
                        "score": score,
                    }
                )
    return out


def pooled(*folds: dict[str, dict[str, list[float]]]) -> dict[str, dict[str, list[float]]]:
    """Both halves' pairs together (no pair across the halves), per level."""
    return {lv: {k: [v for f in folds for v in f[lv][k]] for k in folds[0][lv]} for lv in LEVELS}


def pair_scores(
    corpus: Corpus, card_score: Callable[[dict[str, Any], Sample], float | None], dev: bool
) -> dict[str, dict[str, list[float]]]:
    """Per level: genuine and impostor scores, and genuine pairs lost to failure to enrol."""
    out: dict[str, dict[str, list[float]]] = {lv: {"genuine": [], "impostor": [], "fte": []} for lv in LEVELS}
    for (i, level, _), entry in corpus.cards.items():
        if is_dev(corpus.ids[i]) != dev:
            continue
        for j, selfie in corpus.selfies.items():
            if j == i or is_dev(corpus.ids[j]) != dev:
                continue
            same = corpus.ids[i] == corpus.ids[j]
            score = card_score(entry, selfie)
            if score is None:
                out[level]["fte"].append(float(same))
                if same:
                    out[level]["genuine"].append(-np.inf)  # an unmade genuine comparison is a rejection
                continue
            out[level]["genuine" if same else "impostor"].append(score)
    return out


def calibrate(dev: dict[str, dict[str, list[float]]]) -> dict[str, float]:
    """Threshold at FMR 0.1 % from a normal fit to the development impostor scores (all levels): a
    few hundred distinct impostor pairs cannot resolve 0.1 % empirically, and one look-alike pair
    would otherwise set it. Also the empirical threshold, for comparison."""
    imp = np.concatenate([np.asarray(dev[lv]["impostor"]) for lv in LEVELS])
    mu, sd = float(imp.mean()), float(imp.std())
    ranked = np.sort(imp)[::-1]
    return {
        "threshold": mu + Z_FMR_0_1 * sd,
        "empirical": float(ranked[int(0.001 * len(ranked))]),
        "impostor_mean": mu,
        "impostor_sd": sd,
        "impostors": len(imp),
    }


def level_rates(scores: dict[str, list[float]], threshold: float) -> dict[str, Any]:
    g, i = np.asarray(scores["genuine"]), np.asarray(scores["impostor"])
    return {
        "genuine": len(g),
        "impostor": len(i),
        "fte_genuine": int(sum(scores["fte"])),
        "fte_all": len(scores["fte"]),
        "fnmr": float(np.mean(g < threshold)) if len(g) else None,
        "fmr": float(np.mean(i >= threshold)) if len(i) else None,
        "fnmr_at_fmr_1pct": (
            float(np.mean(g < np.sort(i)[::-1][int(0.01 * len(i))])) if len(i) >= 100 else None
        ),
    }


def systems(
    corpus: Corpus, dl_available: bool, fusion: Fusion
) -> dict[str, Callable[[dict[str, Any], Sample], float | None]]:
    params = MatchParams()

    def on_idscan(
        score: Callable[[Sample, Sample], float], gate: str = "never", threshold: float = SFACE_THRESHOLD
    ) -> Any:
        """gate: "never"; "always" (a poor portrait is never compared); "on_fail" (the product: a
        poor portrait that would not match is reported as a failure to enrol instead)."""

        def run(entry: dict[str, Any], selfie: Sample) -> float | None:
            p: Sample = entry["idscan"]
            if p.aligned is None or selfie.aligned is None or (gate == "always" and p.problem):
                return None
            value = score(p, selfie)
            return None if gate == "on_fail" and p.problem and value < threshold else value

        return run

    def plain(entry: dict[str, Any], selfie: Sample) -> float | None:
        v, s = entry["plain"], selfie.vectors["plain"]
        return None if v is None or s is None else float(v @ s)

    def before(entry: dict[str, Any], selfie: Sample) -> float | None:
        v, s = entry["before"], selfie.vectors["plain"]
        return None if v is None or s is None else float(v @ s)

    out: dict[str, Any] = {
        "plain baseline (photo)": plain,
        "idscan before (photo)": before,
        "idscan now": on_idscan(product_score(fusion, params), gate="on_fail", threshold=DEFAULT_THRESHOLD),
        "  SFace alone (round 2)": on_idscan(sface_score("as is", False, True, params), gate="on_fail"),
        "  crop, no grey/flip/gate": on_idscan(sface_score("as is", False, False, params)),
        "  + flip only": on_idscan(sface_score("as is", True, False, params)),
        "  + grey match only": on_idscan(sface_score("as is", False, True, params)),
        "  now, gate refuses always": on_idscan(sface_score("as is", False, True, params), gate="always"),
        "  now + flip TTA": on_idscan(sface_score("as is", True, True, params)),
        "  now + CLAHE": on_idscan(sface_score("clahe", False, True, params)),
    }
    out["  ResNet alone (mirror-averaged)"] = on_idscan(resnet_score(params))
    out["  ResNet alone, no mirror"] = on_idscan(resnet_score(params, mirror=False))
    sface_flip = sface_score("as is", True, True, params)
    out["  now + SFace flip TTA"] = on_idscan(
        lambda p, s: fused_similarity(sface_flip(p, s), -resnet_score(params)(p, s), fusion)
    )
    if dl_available:
        out["  dlib ResNet alone (dlib's align)"] = on_idscan(dlib_score)
    return out


def fused(
    corpus: Corpus, params: MatchParams
) -> tuple[Callable[[dict[str, Any], Sample], float | None], dict[str, float]]:
    """SFace (idscan's path) + dlib itself, each z-normalised on development impostors, summed."""
    sface = sface_score("as is", False, True, params)
    stats: dict[str, float] = {}
    pairs = dev_impostor_pairs(corpus)
    for name, fn in (("sface", sface), ("dlib", dlib_score)):
        vals = [fn(p, s) for p, s in pairs]
        stats[name + "_mean"], stats[name + "_sd"] = float(np.mean(vals)), float(np.std(vals))

    def run(entry: dict[str, Any], selfie: Sample) -> float | None:
        p: Sample = entry["idscan"]
        if p.aligned is None or selfie.aligned is None:
            return None
        za = (sface(p, selfie) - stats["sface_mean"]) / stats["sface_sd"]
        zb = (dlib_score(p, selfie) - stats["dlib_mean"]) / stats["dlib_sd"]
        return za + zb

    return run, stats


def stage_report(corpus: Corpus) -> dict[str, Any]:
    """Per level and stage: genuine cosine (median, 10th percentile), its paired difference to the plain
    path on the same card and selfie, and the cosine to the printed original (what the camera and
    each stage kept of the face). Colour as is, no flip: the stages themselves, both identity halves."""
    out: dict[str, Any] = {}
    ref = "plain: whole photo, native"
    for level in LEVELS:
        rows: dict[str, Any] = {}
        entries = [(k, e) for k, e in corpus.cards.items() if k[1] == level]
        for stage in entries[0][1]["stages"]:
            gen, diff, kept, missing = [], [], [], 0
            for (i, _, _), e in entries:
                v, r, o = e["stages"][stage], e["stages"][ref], e["stages"]["printed original (no camera)"]
                if v is None:
                    missing += 1
                    continue
                if o is not None:
                    kept.append(float(v @ o))
                for j, sel in corpus.selfies.items():
                    sv = sel.vectors["plain"]
                    if j == i or corpus.ids[j] != corpus.ids[i] or sv is None:
                        continue
                    gen.append(float(v @ sv))
                    if r is not None:
                        diff.append(float(v @ sv) - float(r @ sv))
            rows[stage] = {
                "no_face": missing,
                "genuine_median": float(np.median(gen)),
                "genuine_p10": float(np.percentile(gen, 10)),
                "paired_diff_mean": float(np.mean(diff)),
                "paired_diff_se": float(np.std(diff) / np.sqrt(len(diff))),
                "kept_median": float(np.median(kept)),
                "pairs": len(gen),
            }
        out[level] = rows
    return out


def print_stages(stages: dict[str, Any]) -> None:
    print("\nWhere the portrait loses, stage by stage (genuine cosine against the selfie; diff = paired")
    print("difference to the plain path on the same card and selfie; kept = cosine to the printed original)")
    for level, rows in stages.items():
        print(f"[{level}] {'stage':34} {'no face':>7} {'median':>7} {'p10':>6} {'vs plain':>15} {'kept':>6}")
        for stage, r in rows.items():
            d = f"{r['paired_diff_mean']:+.4f}±{r['paired_diff_se']:.4f}"
            print(
                f"{'':8}{stage:34} {r['no_face']:>7} {r['genuine_median']:7.3f} {r['genuine_p10']:6.3f} "
                f"{d:>15} {r['kept_median']:6.3f}"
            )


def matching_report(root: Path, seeds: int, quick: bool, use_dlib: bool) -> dict[str, Any]:
    corpus = build(root, seeds, quick, use_dlib)
    dl_ok = any(s.dlib is not None for s in corpus.selfies.values())
    table: dict[str, Any] = {}
    calibrated = fusion_stats(corpus, MatchParams())
    fns = systems(corpus, dl_ok, calibrated)
    if dl_ok:
        fns["  SFace+dlib fusion (dlib's align)"], _ = fused(corpus, MatchParams())
    for name, fn in fns.items():
        dev, test = pair_scores(corpus, fn, True), pair_scores(corpus, fn, False)
        cal = calibrate(dev)
        table[name] = {
            "calibration": cal,
            "dev": {lv: level_rates(dev[lv], cal["threshold"]) for lv in LEVELS},
            "test": {lv: level_rates(test[lv], cal["threshold"]) for lv in LEVELS},
            "both": {lv: level_rates(pooled(dev, test)[lv], cal["threshold"]) for lv in LEVELS},
        }
        if name == "idscan now":  # and as shipped: the product's fusion statistics and threshold
            shipped = systems(corpus, dl_ok, DEFAULT_FUSION)["idscan now"]
            sdev, stest = pair_scores(corpus, shipped, True), pair_scores(corpus, shipped, False)
            table[f"idscan now as shipped (@ {DEFAULT_THRESHOLD:.3f})"] = {
                "calibration": {**calibrate(sdev), "threshold": DEFAULT_THRESHOLD},
                "dev": {lv: level_rates(sdev[lv], DEFAULT_THRESHOLD) for lv in LEVELS},
                "test": {lv: level_rates(stest[lv], DEFAULT_THRESHOLD) for lv in LEVELS},
                "both": {lv: level_rates(pooled(sdev, stest)[lv], DEFAULT_THRESHOLD) for lv in LEVELS},
            }
    dev_ids = sorted({i for i in corpus.ids if is_dev(i)})
    return {
        "images": len(corpus.ids),
        "identities": len(set(corpus.ids)),
        "dev_identities": len(dev_ids),
        "cards_per_image_and_level": seeds,
        "product_threshold": DEFAULT_THRESHOLD,
        "fusion_calibrated": dataclasses.asdict(calibrated),
        "fusion_shipped": dataclasses.asdict(DEFAULT_FUSION),
        "systems": table,
        "stages": stage_report(corpus),
        "false_matches": false_matches(
            corpus, systems(corpus, dl_ok, DEFAULT_FUSION)["idscan now"], DEFAULT_THRESHOLD
        ),
        "match_ms": match_speed(corpus, root, quick),
    }


def match_speed(corpus: Corpus, root: Path, quick: bool) -> dict[str, float]:
    """Wall and CPU time of one product comparison (portrait crop JPEG <-> 640x480 selfie JPEG, both
    decoded, detected, aligned, gated and embedded), models warm."""
    models = shared_engines().vision
    faces = fixture_faces(root)
    images = [decode_image((root / rel).read_bytes()) for rel, _ in faces]
    wall, cpu = [], []
    for i in range(min(12, len(images))):
        selfie = selfie_frame(images[(i + 1) % len(images)], models)
        box = detect_faces(images[i], models.detector())[0].box
        shot = make_card(passport_framing(np.ascontiguousarray(images[i][:, :, ::-1]), box), 7 + i, "mild")
        portrait = find_portrait(locate(shot.photo).image, models)
        if portrait is None or selfie is None:
            continue
        data_a, data_b = jpeg(portrait.image), jpeg(np.ascontiguousarray(selfie[:, :, ::-1]))
        compare_faces(decode_image(data_a), decode_image(data_b), models)  # warm
        t0, c0 = time.perf_counter(), time.process_time()
        compare_faces(decode_image(data_a), decode_image(data_b), models)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return {"median": statistics.median(wall), "max": max(wall), "cpu_median": statistics.median(cpu)}


def _pct(v: float | None) -> str:
    return "   -  " if v is None else f"{100 * v:5.1f}%"


def print_matching(m: dict[str, Any]) -> None:
    print_stages(m["stages"])
    print(
        f"\nDocument portrait <-> selfie: {m['images']} fixture photos, {m['identities']} identities "
        f"({m['dev_identities']} development), {m['cards_per_image_and_level']} card(s) per photo and level"
    )
    print("FNMR at each system's own threshold, calibrated on development impostors to FMR 0.1 % (normal")
    print("fit); FTE = genuine pairs refused as too poor to compare (counted as rejections in FNMR too)")
    for fold in ("dev", "test", "both"):
        print(
            f"\n[{fold}] {'system':36} "
            + " ".join(f"{lv + ' FNMR':>11} {'FMR':>6} {'FTE':>4}" for lv in LEVELS)
        )
        print("-" * 118)
        for name, r in m["systems"].items():
            cells = []
            for lv in LEVELS:
                x = r[fold][lv]
                cells.append(f"{_pct(x['fnmr']):>11} {_pct(x['fmr']):>6} {x['fte_genuine']:>4}")
            print(f"{'':6}{name:36} " + " ".join(cells))
    n = next(iter(m["systems"].values()))["dev"]
    print(
        "\npairs per level (dev): "
        + ", ".join(f"{lv} {n[lv]['genuine']} genuine / {n[lv]['impostor']} impostor" for lv in LEVELS)
    )
    t = next(iter(m["systems"].values()))["test"]
    print(
        "pairs per level (test): "
        + ", ".join(f"{lv} {t[lv]['genuine']} genuine / {t[lv]['impostor']} impostor" for lv in LEVELS)
    )
    print("\nthresholds (normal fit / empirical 0.1 % on dev impostors):")
    for name, r in m["systems"].items():
        c = r["calibration"]
        print(f"  {name:40} {c['threshold']:7.3f} / {c['empirical']:7.3f}  ({c['impostors']} comparisons)")
    print(f"product threshold (MatchParams): {m['product_threshold']}")
    print(
        "fusion statistics (development impostors): this run "
        + ", ".join(f"{k} {v:.4f}" for k, v in m["fusion_calibrated"].items())
        + "; shipped "
        + ", ".join(f"{k} {v:.4f}" for k, v in m["fusion_shipped"].items())
    )
    print(f"false matches of the shipped path ({len(m['false_matches'])}):")
    for fm in m["false_matches"]:
        print(
            f"  {fm['fold']:4} {fm['level']:5} card {fm['card']} <-> selfie {fm['selfie']}: {fm['score']:.3f}"
        )
    s = m["match_ms"]
    print(
        f"one product comparison (decode, detect, align, embed both with both models, gate): "
        f"median {s['median']:.0f} ms, "
        f"max {s['max']:.0f} ms, CPU median {s['cpu_median']:.0f} ms"
    )
