"""Liveness on real labelled face videos, at their native frame rate and as the page sends them.

    .venv/bin/python bench/liveness_clips.py [--rate native|page] [--clip NAME] [--out FILE]
                                             [--landmarks DIR]

Clips and labels: ../shared/fixtures/liveness_videos (or $IDSCAN_FIXTURES/liveness_videos); never
copied into the repository. "page" rate is what hosted/static/liveness.js uploads: about 10 frames a
second, at most 640 px, JPEG quality 0.85, decoded by the server's own frame reader.

Per challenge kind: labelled actions the engine sees in their window (leaving out the few made during
the first second, the baseline, which no plan asks for), and false triggers in neutral 2.5 s windows
(bench/clip_labels.py says which). Then whole sessions through the judge (flashes left
out, the clips have none): for each live clip a plan asking its labelled actions in order must pass,
and on neutral stretches a plan asking an action that did not happen must fail. Head-pose noise is
the 95th percentile of |yaw - baseline yaw| inside windows without a labelled turn. Cost is the
tracker's wall time per frame (landmarks, measures and sampled embeddings).

`--landmarks DIR` keeps each clip's FaceMesh landmarks (and embeddings) there after the first run and
re-measures them with the current `face_measures` on later runs: rules and measures can be compared
in seconds instead of re-tracking every clip (the cost line then shows the cached runs' cost).
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench import clip_labels as labels  # noqa: E402
from tests.vision.synth.stills import fixtures_dir  # noqa: E402

from idscan.engines import shared_engines  # noqa: E402
from idscan.vision import face_measures, liveness_track  # noqa: E402
from idscan.vision.frame_sources import frames_from_video  # noqa: E402
from idscan.vision.images import limit_size  # noqa: E402
from idscan.vision.liveness import judge_observed  # noqa: E402
from idscan.vision.liveness_checks import CheckResult, baseline_of, check_challenges  # noqa: E402
from idscan.vision.liveness_frames import EncodedFrame  # noqa: E402
from idscan.vision.liveness_params import LivenessParams  # noqa: E402
from idscan.vision.liveness_plan import ChallengeKind  # noqa: E402
from idscan.vision.liveness_track import Frame, FrameLike, Observation, track  # noqa: E402

KINDS = tuple(ChallengeKind)
PAGE_FPS = 10.0
PAGE_SIDE = 640
PAGE_JPEG_QUALITY = 85
# Raised when what the tracker stores changes meaning: a cache of another version is tracked again
# (version 2: `detector_faces` counts confirmed faces, `liveness_track.confirmed_faces`).
CACHE_VERSION = 2


def native_frames(path: Path) -> list[Frame]:
    """Every frame, at most 640 px (the tracker's own working size, so nothing it sees changes)."""
    return [Frame(f.timestamp_ms, limit_size(f.image, PAGE_SIDE)[0]) for f in frames_from_video(path)]


def page_frames(frames: Sequence[Frame]) -> list[EncodedFrame]:
    """What the page uploads: a frame every 100 ms (the first one due), ≤ 640 px, JPEG 0.85."""
    out, due = [], float(frames[0].timestamp_ms)
    for f in frames:
        if f.timestamp_ms + 1 < due:
            continue
        ok, buf = cv2.imencode(".jpg", f.image, [cv2.IMWRITE_JPEG_QUALITY, PAGE_JPEG_QUALITY])
        assert ok
        out.append(EncodedFrame(f.timestamp_ms, buf.tobytes()))
        due += 1000.0 / PAGE_FPS
    return out


def _seen(
    obs: Sequence[Observation], base: Any, kind: ChallengeKind, window: tuple[int, int], p: Any
) -> bool:
    """Whether the engine's own challenge check finds the action inside [lo, hi] ms."""
    plan = labels.plan_of([(kind, *window)], labels.BASELINE_MS, window[1], p.window_grace_ms)
    own = [r for r in check_challenges(obs, plan, base, p) if r.name == f"challenge:{kind}"]
    return bool(own) and not own[0].reasons


def _yaw_noise(obs: Sequence[Observation], base: Any, windows: list[tuple[int, int]]) -> list[float]:
    out = []
    for lo, hi in windows:
        yaws = [o.measure.yaw_deg for o in obs if o.measure is not None and lo <= o.t_ms <= hi]
        if len(yaws) >= 3:
            out.append(float(np.percentile(np.abs(np.array(yaws) - base.yaw), 95)))
    return out


def _tracked(
    frames: Sequence[FrameLike], models: Any, params: LivenessParams, cache: Path | None
) -> tuple[list[Observation], float]:
    """The tracker's observations and its cost per frame; with a cache file, the landmarks stored
    there re-measured by the current code (skin colour as stored: the clips have no flashes)."""
    stored = pickle.loads(cache.read_bytes()) if cache is not None and cache.is_file() else None
    if stored is not None and stored.get("version") == CACHE_VERSION:
        obs = []
        for o, (pts, size), skin in zip(stored["obs"], stored["landmarks"], stored["skin"], strict=True):
            m = None
            if pts is not None:
                blank = np.zeros((1, 1, 3), np.uint8)
                m = replace(face_measures.measure(blank, pts, size), skin_bgr=skin)
            obs.append(replace(o, measure=m))
        return obs, stored["ms_per_frame"]
    seen: list[tuple[Any, tuple[int, int]] | tuple[None, None]] = []
    original = liveness_track.measure

    def recording(image: Any, pts: Any, size: tuple[int, int] | None = None) -> Any:
        seen[-1] = (pts.copy(), (image.shape[1], image.shape[0]))
        return original(image, pts)

    class Recorder:
        def __init__(self, frame: FrameLike) -> None:
            self.frame = frame

        @property
        def timestamp_ms(self) -> int:
            return self.frame.timestamp_ms

        @property
        def image(self) -> Any:
            seen.append((None, None))
            return self.frame.image

    liveness_track.measure = recording  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        obs = track([Recorder(f) for f in frames], models, params.track)
        ms_per_frame = (time.perf_counter() - t0) * 1000 / max(1, len(frames))
    finally:
        liveness_track.measure = original  # type: ignore[assignment]
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        # Measures are stored apart (skin colour only), so a cache outlives a change of FaceMeasure.
        stored = {
            "version": CACHE_VERSION,
            "obs": [replace(o, measure=None) for o in obs],
            "skin": [o.measure.skin_bgr if o.measure else None for o in obs],
            "landmarks": seen,
            "ms_per_frame": ms_per_frame,
        }
        cache.write_bytes(pickle.dumps(stored))
    return obs, ms_per_frame


def measure_clip(
    clip: labels.Clip, frames: Sequence[FrameLike], models: Any, cache: Path | None = None
) -> dict[str, Any]:
    params = LivenessParams()
    obs, ms_per_frame = _tracked(frames, models, params, cache)
    result: dict[str, Any] = {
        "clip": clip.name,
        "live": clip.live,
        "frames": len(frames),
        "no_face_frames": sum(o.measure is None for o in obs),
        "ms_per_frame": round(ms_per_frame, 2),
    }
    # Per-kind figures take the clip's first second as the baseline whatever it reads (a rejected
    # baseline is counted once, under the sessions), so every clip contributes its actions.
    relaxed = replace(params, max_baseline_yaw_deg=180.0, max_baseline_pitch_deg=180.0)
    first = labels.plan_of([], labels.BASELINE_MS, labels.BASELINE_MS, params.window_grace_ms)
    base = baseline_of(obs, first, relaxed)
    kinds: dict[str, Any] = {}
    if not isinstance(base, CheckResult):
        for kind in KINDS:
            actions = clip.askable(kind)
            neutral = labels.neutral_windows(clip, kind)
            seen = [_seen(obs, base, kind, labels.action_window(e), relaxed) for e in actions]
            kinds[kind] = {
                "actions": len(actions),
                "detected": sum(seen),
                # the labeller's "uncertain" marks a small or ambiguous action (a smirk while talking,
                # a small yaw while frowning): counted above, and apart here
                "certain_actions": sum(not e.uncertain for e in actions),
                "certain_detected": sum(hit for hit, e in zip(seen, actions, strict=True) if not e.uncertain),
                "missed_at_s": [e.start_ms / 1000 for hit, e in zip(seen, actions, strict=True) if not hit],
                "neutral": len(neutral),
                "triggered": sum(_seen(obs, base, kind, w, relaxed) for w in neutral),
                "triggered_at_s": [w[0] / 1000 for w in neutral if _seen(obs, base, kind, w, relaxed)],
            }
        right = set(labels.neutral_windows(clip, ChallengeKind.HEAD_RIGHT))
        still = [w for w in labels.neutral_windows(clip, ChallengeKind.HEAD_LEFT) if w in right]
        result["yaw_noise_p95_deg"] = [round(v, 1) for v in _yaw_noise(obs, base, still)]
    result["kinds"] = kinds
    result["baseline"] = None if isinstance(base, CheckResult) else {"yaw": base.yaw, "pitch": base.pitch}
    plan = labels.genuine_plan(clip, params.window_grace_ms)
    if plan is not None:
        verdict = judge_observed(plan, frames, obs, params, now=labels.NOW)
        result["session"] = {
            "asked": [str(c.kind) for c in plan.challenges],
            "passed": verdict.passed,
            "reasons": [f"{r.code}: {r.detail}" for r in verdict.reasons],
        }
    refused, failures = 0, []
    neutral_plans = 0
    for kind in KINDS:
        for window in labels.neutral_windows(clip, kind) if clip.live else []:
            verdict = judge_observed(
                labels.neutral_plan(clip, kind, window, params.window_grace_ms),
                frames,
                obs,
                params,
                now=labels.NOW,
            )
            neutral_plans += 1
            refused += not verdict.passed
            if verdict.passed:
                failures.append(f"{kind} at {window[0] / 1000:.2f} s")
    result["neutral_plans"] = {"plans": neutral_plans, "refused": refused, "passed": failures}
    return result


def run(
    fixtures: Path, rates: Sequence[str], only: str | None, landmarks: Path | None = None
) -> dict[str, Any]:
    folder = labels.clips_dir(fixtures)
    if folder is None:
        return {"skipped": f"no liveness_videos/labels.json in {fixtures}"}
    models = shared_engines().vision
    models.warm_up()
    report: dict[str, Any] = {"when": datetime.now(UTC).isoformat(), "rates": {}}
    for rate in rates:
        report["rates"][rate] = []
    for clip in labels.load_clips(folder):
        if only and only not in clip.name:
            continue
        native = native_frames(clip.path)
        for rate in rates:
            frames: Sequence[FrameLike] = native if rate == "native" else page_frames(native)
            cache = landmarks / f"{clip.name}.{rate}.pickle" if landmarks else None
            report["rates"][rate].append(measure_clip(clip, frames, models, cache))
            print(f"  measured {clip.name} at {rate} rate", file=sys.stderr)
    report["summary"] = {rate: summarise(clips) for rate, clips in report["rates"].items()}
    return report


def summarise(clips: list[dict[str, Any]]) -> dict[str, Any]:
    live = [c for c in clips if c["live"]]
    kinds = {}
    for kind in KINDS:
        rows = [c["kinds"][kind] for c in live if kind in c["kinds"]]
        kinds[str(kind)] = {
            key: sum(r[key] for r in rows)
            for key in ("actions", "detected", "certain_actions", "certain_detected", "neutral", "triggered")
        }
        kinds[str(kind)]["missed"] = [
            f"{c['clip']} {t:.2f} s" for c in live for t in c["kinds"].get(kind, {}).get("missed_at_s", [])
        ]
    sessions = [c for c in live if "session" in c]
    noise = [v for c in live for v in c.get("yaw_noise_p95_deg", [])]
    return {
        "kinds": kinds,
        "sessions": len(sessions),
        "sessions_passed": sum(c["session"]["passed"] for c in sessions),
        "session_failures": {
            c["clip"]: c["session"]["reasons"] for c in sessions if not c["session"]["passed"]
        },
        "baseline_or_presence_failures": sum(
            any(r.split(":")[0] in ("no_face", "not_frontal_at_start") for r in c["session"]["reasons"])
            for c in sessions
        ),
        "baselines_unreadable": [c["clip"] for c in live if c["baseline"] is None],
        "neutral_plans": sum(c["neutral_plans"]["plans"] for c in live),
        "neutral_plans_refused": sum(c["neutral_plans"]["refused"] for c in live),
        "yaw_noise_p95_deg": {
            "median": statistics.median(noise) if noise else None,
            "max": max(noise) if noise else None,
        },
        "ms_per_frame": {
            "median": statistics.median(c["ms_per_frame"] for c in clips),
            "max": max(c["ms_per_frame"] for c in clips),
        },
        "spoof_sessions_passed_without_flashes": [
            c["clip"] for c in clips if not c["live"] and c.get("session", {}).get("passed")
        ],
    }


def _frac(n: int, d: int) -> str:
    return f"{n}/{d} ({100 * n / d:.0f} %)" if d else f"{n}/0"


def print_report(report: dict[str, Any]) -> None:
    if "skipped" in report:
        print(f"\nLiveness on real clips: skipped ({report['skipped']})")
        return
    for rate, s in report["summary"].items():
        how = "every frame" if rate == "native" else "10 fps, ≤ 640 px, JPEG 0.85"
        print(f"\nLiveness on real clips, {rate} rate ({how})")
        print(
            f"{'challenge':12} {'labelled actions detected':>26} {'of them certain':>16} "
            f"{'false triggers (neutral 2.5 s)':>32}"
        )
        for kind, k in s["kinds"].items():
            seen, false = _frac(k["detected"], k["actions"]), _frac(k["triggered"], k["neutral"])
            certain = _frac(k["certain_detected"], k["certain_actions"])
            print(f"{kind:12} {seen:>26} {certain:>16} {false:>32}")
        for kind, k in s["kinds"].items():
            if k["missed"]:
                print(f"  {kind} missed: {', '.join(k['missed'])}")
        print(f"genuine sessions passed: {_frac(s['sessions_passed'], s['sessions'])}", end="")
        print(f"; failed by baseline or presence: {s['baseline_or_presence_failures']}")
        for clip, reasons in s["session_failures"].items():
            print(f"  {clip}: {'; '.join(reasons)}")
        print(f"neutral plans refused: {_frac(s['neutral_plans_refused'], s['neutral_plans'])}")
        noise, cost = s["yaw_noise_p95_deg"], s["ms_per_frame"]
        if noise["median"] is not None:
            print(
                "yaw noise without turns (p95 |yaw - baseline|): "
                f"median {noise['median']:.1f}°, max {noise['max']:.1f}°"
            )
        print(f"cost: {cost['median']:.1f} ms/frame median, {cost['max']:.1f} max")
        if s["spoof_sessions_passed_without_flashes"]:
            spoofs = ", ".join(s["spoof_sessions_passed_without_flashes"])
            print(f"spoof clips whose actions pass (the flashes are their defence): {spoofs}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", choices=("native", "page"), action="append", help="default: both")
    parser.add_argument("--clip", help="only clips whose name contains this")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "liveness_clips.json")
    parser.add_argument("--landmarks", type=Path, help="keep and reuse the clips' landmarks here")
    args = parser.parse_args()
    root = fixtures_dir()
    if root is None:
        print("shared/fixtures is absent (set IDSCAN_FIXTURES): nothing to measure", file=sys.stderr)
        return 2
    report = run(root, args.rate or ["native", "page"], args.clip, args.landmarks)
    print_report(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str))
    print(json.dumps({"summary": report.get("summary", report)}, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
