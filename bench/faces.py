"""Face engine benchmark: document portrait <-> selfie matching per level, liveness, and speed.

    .venv/bin/python bench/faces.py [--quick] [--no-dlib] [--no-liveness] [--no-clips] [--seeds N] [--cards N]

Prints tables and writes bench/out/faces.json. Data: the public faces of ../shared/fixtures (or
$IDSCAN_FIXTURES), printed on generated cards and photographed at three levels (bench/faces_matching.py,
tests/vision/synth/cards.py), and liveness sessions generated from the frontal ones
(tests/vision/synth/). dlib's ResNet (test-only dependency: dlib-bin + face_recognition_models) is the
second model measured. Liveness is also measured on real labelled videos (bench/liveness_clips.py, which
runs alone too). These fixtures are a small development set: an FMR of 0.1 % cannot be resolved
by a few hundred distinct impostor pairs, so thresholds come from a normal fit to impostor scores.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench import liveness_clips  # noqa: E402
from bench.faces_matching import matching_report, print_matching  # noqa: E402
from tests.vision.synth import sequences  # noqa: E402
from tests.vision.synth.stills import fixture_faces, fixtures_dir, make_rig  # noqa: E402

from idscan.engines import shared_engines  # noqa: E402
from idscan.vision.detection import detect_faces  # noqa: E402
from idscan.vision.face_measures import measure  # noqa: E402
from idscan.vision.images import decode_image  # noqa: E402
from idscan.vision.liveness import judge  # noqa: E402
from idscan.vision.liveness_plan import new_challenge  # noqa: E402
from idscan.vision.liveness_track import track  # noqa: E402

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
FMR_TARGETS = (0.01, 0.001, 0.0001)
PORTRAIT_SIZES = ((120, 150), (80, 100), (180, 225))
DLIB_THRESHOLD = -0.6  # face_recognition's default tolerance, as a similarity (negative distance)


# ---------------------------------------------------------------- liveness
def usable_stills(root: Path, limit: int | None) -> tuple[list[tuple[str, str, Any]], dict[str, str]]:
    """Fixture faces that can play a genuine user: one face, frontal (within 12 degrees), and a blink
    and a smile the renderer can draw so that FaceMesh sees them. Returns them and why others were not."""
    models = shared_engines().vision
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
    models = shared_engines().vision
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
    print_matching(report["matching"])
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
    parser.add_argument("--quick", action="store_true", help="one card per photo and level, fewer stills")
    parser.add_argument("--no-dlib", action="store_true", help="skip the face_recognition comparison")
    parser.add_argument("--no-liveness", action="store_true")
    parser.add_argument("--no-clips", action="store_true", help="skip liveness on the real labelled clips")
    parser.add_argument("--seeds", type=int, default=3, help="genuine sessions per still")
    parser.add_argument("--cards", type=int, default=2, help="cards per fixture photo and level")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "faces.json")
    args = parser.parse_args()
    root = fixtures_dir()
    if root is None:
        print("shared/fixtures is absent (set IDSCAN_FIXTURES): nothing to measure", file=sys.stderr)
        return 2
    report: dict[str, Any] = {"when": datetime.now(UTC).isoformat(), "quick": args.quick}
    cards = 1 if args.quick else args.cards
    report["matching"] = matching_report(root, cards, args.quick, not args.no_dlib)
    if not args.no_liveness:
        report["liveness"] = liveness_bench(root, args.quick, 1 if args.quick else args.seeds)
    if not args.no_clips:
        report["liveness_clips"] = liveness_clips.run(root, ["native", "page"], None)
    print_tables(report)
    if "liveness_clips" in report:
        liveness_clips.print_report(report["liveness_clips"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str))
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
