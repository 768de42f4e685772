"""Face engine benchmark: matching accuracy, liveness on synthetic sessions, and speed.

    .venv/bin/python bench/faces.py [--quick] [--no-dlib] [--seeds N]

Prints tables and writes bench/out/faces.json. Data: the public faces of ../shared/fixtures (or
$IDSCAN_FIXTURES), document-portrait versions of them (tests/vision/synth/portraits.py), and liveness
sessions generated from the frontal ones (tests/vision/synth/). dlib's `face_recognition` (test-only
dependency: dlib-bin + face_recognition_models + face_recognition --no-deps) runs on the same pairs.
These fixtures are a small development set: figures at FMR 0.1 % rest on a few hundred impostor
pairs, and anything marked * is bounded by the sample size rather than measured.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.vision.synth import sequences  # noqa: E402
from tests.vision.synth.portraits import card_portrait  # noqa: E402
from tests.vision.synth.stills import fixture_faces, fixtures_dir, make_rig, selfie_frame  # noqa: E402

from idscan.vision.detection import detect_faces  # noqa: E402
from idscan.vision.face_measures import measure  # noqa: E402
from idscan.vision.images import decode_image, limit_size  # noqa: E402
from idscan.vision.liveness import judge  # noqa: E402
from idscan.vision.liveness_plan import new_challenge  # noqa: E402
from idscan.vision.liveness_track import track  # noqa: E402
from idscan.vision.matching import DEFAULT_THRESHOLD, embed_largest_face  # noqa: E402
from idscan.vision.sessions import shared_models  # noqa: E402

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
FMR_TARGETS = (0.01, 0.001, 0.0001)
PORTRAIT_SIZES = ((120, 150), (80, 100), (180, 225))
DLIB_THRESHOLD = -0.6  # face_recognition's default tolerance, as a similarity (negative distance)


# ---------------------------------------------------------------- error rates
def threshold_at_fmr(impostor: Sequence[float], fmr: float) -> tuple[float, bool]:
    """The lowest threshold whose FMR is at most `fmr`, and whether the impostor count resolves that
    FMR (if not, it is the threshold of zero observed false matches)."""
    imp = sorted(impostor, reverse=True)
    allowed = int(fmr * len(imp))
    threshold = imp[allowed] + 1e-9 if allowed < len(imp) else -np.inf
    return float(threshold), allowed >= 1


def fnmr_at_fmr(genuine: Sequence[float], impostor: Sequence[float], fmr: float) -> tuple[float, bool]:
    threshold, resolved = threshold_at_fmr(impostor, fmr)
    return float(np.mean(np.asarray(genuine) < threshold)), resolved


def eer(genuine: Sequence[float], impostor: Sequence[float]) -> float:
    g, i = np.asarray(genuine), np.asarray(impostor)
    best = 1.0
    for t in np.unique(np.concatenate([g, i])):
        fnmr, fmr = float(np.mean(g < t)), float(np.mean(i >= t))
        best = min(best, max(fnmr, fmr))
    return best


def rates(genuine: Sequence[float], impostor: Sequence[float], threshold: float) -> dict[str, Any]:
    out: dict[str, Any] = {"genuine": len(genuine), "impostor": len(impostor)}
    if not genuine or not impostor:
        return out
    out["eer"] = eer(genuine, impostor)
    for target in FMR_TARGETS:
        value, resolved = fnmr_at_fmr(genuine, impostor, target)
        out[f"fnmr_at_fmr_{target:g}"] = {"value": value, "resolved": resolved}
    out["threshold_at_fmr_0.001"] = threshold_at_fmr(impostor, 0.001)[0]
    out["op_threshold"] = threshold
    out["op_fnmr"] = float(np.mean(np.asarray(genuine) < threshold))
    out["op_fmr"] = float(np.mean(np.asarray(impostor) >= threshold))
    return out


# ---------------------------------------------------------------- embedders
Vec = NDArray[Any]
Embedder = Callable[[Vec], "Vec | None"]


def sface_embedder() -> Embedder:
    models = shared_models()

    def embed(image: Vec) -> Vec | None:
        found = embed_largest_face(image, models)
        return None if found is None else found[1]

    return embed


def dlib_embedder() -> Embedder | None:
    try:
        import face_recognition  # type: ignore[import-untyped]  # test-only dependency
    except ImportError:
        return None

    def embed(image: Vec) -> Vec | None:
        small, _ = limit_size(image, 1024)  # HOG on a 7000 px photo takes seconds and gains nothing
        rgb = np.ascontiguousarray(small[:, :, ::-1])
        upsample = 2 if max(rgb.shape[:2]) < 300 else 1
        boxes = face_recognition.face_locations(rgb, number_of_times_to_upsample=upsample, model="hog")
        if not boxes:
            return None
        largest = max(boxes, key=lambda b: (b[2] - b[0]) * (b[1] - b[3]))
        encodings = face_recognition.face_encodings(rgb, [largest], num_jitters=1, model="small")
        return np.asarray(encodings[0], np.float64) if encodings else None

    return embed


def sface_score(a: Vec, b: Vec) -> float:
    return float(np.dot(a, b))


def dlib_score(a: Vec, b: Vec) -> float:
    return -float(np.linalg.norm(a - b))


# ---------------------------------------------------------------- matching sets
def score_pairs(
    left: dict[int, Vec | None],
    right: dict[int, Vec | None],
    ids: list[str],
    scorer: Callable[[Vec, Vec], float],
    symmetric: bool,
) -> tuple[list[float], list[float], dict[tuple[int, int], float], int]:
    genuine: list[float] = []
    impostor: list[float] = []
    raw: dict[tuple[int, int], float] = {}
    missing = 0
    for i, a in left.items():
        for j, b in right.items():
            if i == j or (symmetric and j < i):
                continue
            if a is None or b is None:
                missing += 1
                continue
            s = scorer(a, b)
            raw[(i, j)] = s
            (genuine if ids[i] == ids[j] else impostor).append(s)
    return genuine, impostor, raw, missing


def fused(
    raw_a: dict[tuple[int, int], float], raw_b: dict[tuple[int, int], float], ids: list[str]
) -> tuple[list[float], list[float]]:
    """Sum of z-scores against each system's impostor scores (tuned on the same data: optimistic)."""
    keys = sorted(set(raw_a) & set(raw_b))

    def z(raw: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
        imp = [raw[k] for k in keys if ids[k[0]] != ids[k[1]]]
        mu, sd = float(np.mean(imp)), float(np.std(imp)) or 1.0
        return {k: (raw[k] - mu) / sd for k in keys}

    za, zb = z(raw_a), z(raw_b)
    g = [za[k] + zb[k] for k in keys if ids[k[0]] == ids[k[1]]]
    i = [za[k] + zb[k] for k in keys if ids[k[0]] != ids[k[1]]]
    return g, i


def matching_bench(root: Path, quick: bool, use_dlib: bool) -> dict[str, Any]:
    faces = fixture_faces(root)
    if quick:
        faces = faces[:20]
    ids = [identity for _, identity in faces]
    images = {i: decode_image((root / rel).read_bytes()) for i, (rel, _) in enumerate(faces)}
    models = shared_models()
    systems: dict[str, tuple[Embedder, Callable[[Vec, Vec], float], float]] = {
        "sface": (sface_embedder(), sface_score, DEFAULT_THRESHOLD)
    }
    dl = dlib_embedder() if use_dlib else None
    if dl is not None:
        systems["dlib"] = (dl, dlib_score, DLIB_THRESHOLD)
    portraits: dict[tuple[int, int, int], Vec | None] = {}
    for w, h in PORTRAIT_SIZES:
        for i, img in images.items():
            try:
                portraits[(w, h, i)] = card_portrait(img, models, size=(w, h), seed=i)
            except ValueError:
                portraits[(w, h, i)] = None
    results: dict[str, Any] = {"images": len(images), "identities": len(set(ids)), "sets": {}}
    timings: dict[str, list[float]] = {name: [] for name in systems}
    raws: dict[str, dict[str, dict[tuple[int, int], float]]] = {}
    for name, (embed, scorer, threshold) in systems.items():
        selfies = {}
        for i, img in images.items():
            selfie, _ = limit_size(img, 1280)
            t0 = time.perf_counter()
            selfies[i] = embed(selfie)
            timings[name].append((time.perf_counter() - t0) * 1000)
        fte = sum(v is None for v in selfies.values())
        g, imp, raw, _ = score_pairs(selfies, selfies, ids, scorer, symmetric=True)
        results["sets"].setdefault("selfie<->selfie", {})[name] = {"fte": fte, **rates(g, imp, threshold)}
        raws.setdefault("selfie<->selfie", {})[name] = raw
        for w, h in PORTRAIT_SIZES:
            emb = {i: (embed(p) if (p := portraits[(w, h, i)]) is not None else None) for i in images}
            key = f"portrait {w}x{h}<->selfie"
            g, imp, raw, _ = score_pairs(emb, selfies, ids, scorer, symmetric=False)
            fte_p = sum(v is None for v in emb.values())
            results["sets"].setdefault(key, {})[name] = {"fte": fte_p, **rates(g, imp, threshold)}
            raws.setdefault(key, {})[name] = raw
    if "dlib" in systems:
        for key, per in raws.items():
            g, imp = fused(per["sface"], per["dlib"], ids)
            results["sets"][key]["sface+dlib"] = {"fte": None, **rates(g, imp, float("nan"))}
    results["embed_ms_median"] = {n: statistics.median(v) for n, v in timings.items()}
    results["match_ms"] = match_speed(images, models)
    return results


def match_speed(images: dict[int, Vec], models: Any) -> dict[str, float]:
    """Wall time of one portrait<->selfie match: detect and embed both, compare (decode excluded)."""
    times: list[float] = []
    cpu: list[float] = []
    embed = sface_embedder()
    pairs = [(i, (i + 1) % len(images)) for i in range(min(20, len(images)))]
    for i, j in pairs:
        selfie = selfie_frame(images[j], models)
        try:
            portrait = card_portrait(images[i], models, (120, 150), seed=i)
        except ValueError:
            continue
        if selfie is None:
            continue
        t0, c0 = time.perf_counter(), time.process_time()
        a, b = embed(portrait), embed(selfie)
        if a is not None and b is not None:
            sface_score(a, b)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return {"median": statistics.median(times), "max": max(times), "cpu_median": statistics.median(cpu)}


# ---------------------------------------------------------------- liveness
def usable_stills(root: Path, limit: int | None) -> tuple[list[tuple[str, str, Any]], dict[str, str]]:
    """Fixture faces that can play a genuine user: one face, frontal (within 12 degrees), and a blink
    and a smile the renderer can draw so that FaceMesh sees them. Returns them and why others were not."""
    models = shared_models()
    out, skipped = [], {}
    for rel, identity in fixture_faces(root):
        rig = make_rig(decode_image((root / rel).read_bytes()), models)
        if rig is None:
            skipped[rel] = "no single face for FaceMesh"
            continue
        m = measure(rig.image, rig.pts)
        if len(detect_faces(rig.image, models.detector())) != 1:
            skipped[rel] = "more than one face in the frame"
        elif abs(m.yaw_deg) > 12 or abs(m.pitch_deg) > 15:
            skipped[rel] = f"not frontal (yaw {m.yaw_deg:.0f}, pitch {m.pitch_deg:.0f})"
        elif rig.blink_ratio > 0.6:
            skipped[rel] = f"rendered blink reads {rig.blink_ratio:.2f} open"
        elif rig.smile_ratio < 1.12:
            skipped[rel] = f"rendered smile widens the mouth only {rig.smile_ratio:.2f}x"
        else:
            out.append((rel, identity, rig))
    return (out[:limit] if limit else out), skipped


def liveness_bench(root: Path, quick: bool, seeds: int) -> dict[str, Any]:
    models = shared_models()
    models.warm_up()
    stills, skipped = usable_stills(root, 4 if quick else None)
    genuine: list[dict[str, Any]] = []
    attacks: dict[str, list[dict[str, Any]]] = {k: [] for k in sequences.ALL_ATTACK_KINDS}
    cpu, wall, per_frame = [], [], []

    def run(kind: str, still: str, plan: Any, frames: list[Any]) -> dict[str, Any]:
        c0, t0 = time.process_time(), time.perf_counter()
        verdict = judge(plan, frames, models, now=NOW)
        c1, t1 = time.process_time(), time.perf_counter()
        cpu.append(c1 - c0)
        wall.append(t1 - t0)
        return {
            "still": still,
            "kind": kind,
            "passed": verdict.passed,
            "score": round(verdict.score, 3),
            "reasons": [str(r.code) for r in verdict.reasons],
        }

    for n, (rel, identity, rig) in enumerate(stills):
        other = next(r for rr, ident, r in stills[n + 1 :] + stills[:n] if ident != identity)
        for seed in range(seeds):
            rng = random.Random(1000 * n + seed)
            plan = new_challenge(rng, NOW)
            frames = sequences.genuine(rig, plan, rng)
            if seed == 0:
                t0 = time.perf_counter()
                track(frames, models)
                per_frame.append((time.perf_counter() - t0) * 1000 / len(frames))
            genuine.append(run("genuine", rel, plan, frames))
        rng = random.Random(5000 + n)
        plan = new_challenge(rng, NOW)
        for kind, attack in sequences.ATTACKS.items():
            attacks[kind].append(run(kind, rel, plan, attack(rig, plan, rng, 10.0)))
        attacks["spliced"].append(run("spliced", rel, plan, sequences.spliced(rig, other, plan, rng)))
        old = new_challenge(rng, NOW)
        attacks["replayed"].append(run("replayed", rel, plan, sequences.replayed(rig, old, rng)))
    return {
        "stills": [s[0] for s in stills],
        "stills_set_aside": skipped,
        "genuine_pass_rate": sum(g["passed"] for g in genuine) / max(1, len(genuine)),
        "genuine_sessions": len(genuine),
        "genuine_failures": [g for g in genuine if not g["passed"]],
        "attacks": {
            k: {"sessions": len(v), "accepted": sum(a["passed"] for a in v), "reasons": _reason_counts(v)}
            for k, v in attacks.items()
        },
        "cpu_s_per_session": {"median": statistics.median(cpu), "max": max(cpu)},
        "wall_s_per_session": {"median": statistics.median(wall), "max": max(wall)},
        "track_ms_per_frame_median": statistics.median(per_frame),
    }


def _reason_counts(runs: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in runs:
        for code in r["reasons"]:
            counts[code] = counts.get(code, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


# ---------------------------------------------------------------- report
def _pct(value: float | None) -> str:
    return "  -  " if value is None or value != value else f"{100 * value:5.1f}%"


def print_tables(report: dict[str, Any]) -> None:
    m = report["matching"]
    print(
        f"\nFace matching: {m['images']} fixture images, {m['identities']} identities; "
        "pairs by identity label"
    )
    head = f"{'set':28} {'system':11} {'FTE':>4} {'gen/imp':>9} {'EER':>7} "
    head += f"{'FNMR@1%':>8} {'@0.1%':>7} {'@0.01%':>7}"
    print(head + f" {'op FNMR':>8} {'op FMR':>7}")
    print("-" * (len(head) + 17))
    for key, systems in m["sets"].items():
        for name, r in systems.items():
            cells = []
            for target in FMR_TARGETS:
                v = r.get(f"fnmr_at_fmr_{target:g}")
                cells.append("   -  " if v is None else _pct(v["value"]) + ("" if v["resolved"] else "*"))
            fte = "" if r["fte"] is None else str(r["fte"])
            print(
                f"{key:28} {name:11} {fte:>4} {r['genuine']:>4}/{r['impostor']:<4} {_pct(r.get('eer')):>7} "
                f"{cells[0]:>8} {cells[1]:>7} {cells[2]:>7} "
                f"{_pct(r.get('op_fnmr')):>8} {_pct(r.get('op_fmr')):>7}"
            )
    print("* bounded by the number of impostor pairs (FNMR at zero observed false matches)")
    print(
        f"op = operating threshold: SFace cosine {DEFAULT_THRESHOLD}, dlib distance {-DLIB_THRESHOLD}; "
        "fusion has none"
    )
    sface = m["sets"]["selfie<->selfie"]["sface"]
    print(f"SFace cosine at FMR 0.1% on these selfie pairs: {sface['threshold_at_fmr_0.001']:.3f}")
    ms = m["embed_ms_median"]
    print(
        "median ms to detect+embed one image (<=1280 px): " + ", ".join(f"{k} {v:.0f}" for k, v in ms.items())
    )
    mt = m["match_ms"]
    print(
        f"portrait<->selfie match (detect+embed both, compare): median {mt['median']:.0f} ms, "
        f"max {mt['max']:.0f} ms; CPU median {mt['cpu_median']:.0f} ms"
    )
    if "liveness" in report:
        lv = report["liveness"]
        print(
            f"\nLiveness on synthetic sessions from {len(lv['stills'])} frontal fixture stills "
            "(10 fps, 640x480)"
        )
        blink = sum("blink" in why for why in lv["stills_set_aside"].values())
        print(
            f"({len(lv['stills_set_aside'])} stills set aside, {blink} of them because no rendered "
            "blink reads shut)"
        )
        print(f"{'sessions':24} {'n':>4} {'accepted':>9}  main reasons")
        rate = lv["genuine_pass_rate"]
        print(f"{'genuine':24} {lv['genuine_sessions']:>4} {_pct(rate):>9}  (pass rate)")
        for kind, a in lv["attacks"].items():
            top = ", ".join(f"{c} {n}" for c, n in list(a["reasons"].items())[:3])
            print(f"{'attack: ' + kind:24} {a['sessions']:>4} {a['accepted']:>9}  {top}")
        cpu, wall = lv["cpu_s_per_session"], lv["wall_s_per_session"]
        print(
            f"CPU s per session: median {cpu['median']:.2f}, max {cpu['max']:.2f}; "
            f"wall median {wall['median']:.2f} s; "
            f"measuring {lv['track_ms_per_frame_median']:.1f} ms/frame (landmarks + sampled embeddings)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer images and stills")
    parser.add_argument("--no-dlib", action="store_true", help="skip the face_recognition comparison")
    parser.add_argument("--no-liveness", action="store_true")
    parser.add_argument("--seeds", type=int, default=3, help="genuine sessions per still")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "faces.json")
    args = parser.parse_args()
    root = fixtures_dir()
    if root is None:
        print("shared/fixtures is absent (set IDSCAN_FIXTURES): nothing to measure", file=sys.stderr)
        return 2
    report: dict[str, Any] = {"when": datetime.now(UTC).isoformat(), "quick": args.quick}
    report["matching"] = matching_bench(root, args.quick, not args.no_dlib)
    if not args.no_liveness:
        report["liveness"] = liveness_bench(root, args.quick, 1 if args.quick else args.seeds)
    print_tables(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str))
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
