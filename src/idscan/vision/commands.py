"""`idscan face compare|detect|liveness`: the face engine from the command line.

`register(subparsers)` adds the `face` command to the root parser; every leaf sets `func`, which takes
the parsed arguments and returns the exit status: 0 = passed / found, 1 = ran but did not pass (no
face, no match, liveness failed), 2 = bad input.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from idscan.errors import UnsupportedImageError
from idscan.vision.detection import DetectedFace, detect_faces
from idscan.vision.frame_sources import load_frames
from idscan.vision.images import decode_image
from idscan.vision.liveness import LivenessParams, LivenessVerdict, judge_observed
from idscan.vision.liveness_plan import ChallengePlan
from idscan.vision.liveness_trace import trace, trace_text
from idscan.vision.liveness_track import track
from idscan.vision.matching import FaceComparison, MatchParams, compare_faces
from idscan.vision.sessions import VisionModels


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    face = subparsers.add_parser("face", help="face detection, matching and liveness")
    sub = face.add_subparsers(dest="face_command", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    common.add_argument("--threads", type=int, default=2, help="inference threads (default 2)")

    compare = sub.add_parser("compare", parents=[common], help="similarity of the largest face in A and B")
    compare.add_argument("a", type=Path, help="document portrait (or any face image)")
    compare.add_argument("b", type=Path, help="selfie")
    compare.add_argument(
        "--threshold",
        type=float,
        default=MatchParams().threshold,
        help="threshold on the fused similarity (SFace's cosine scale)",
    )
    compare.set_defaults(func=run_compare)

    detect = sub.add_parser("detect", parents=[common], help="faces with box, landmarks, score and quality")
    detect.add_argument("image", type=Path)
    detect.set_defaults(func=run_detect)

    live = sub.add_parser("liveness", parents=[common], help="judge a recorded session against its plan")
    live.add_argument("source", type=Path, help="folder of frames (see frame_sources) or a video file")
    live.add_argument("--challenges", required=True, help="the plan as JSON, or a path to a JSON file")
    live.add_argument("--fps", type=float, default=10.0, help="frame rate when the folder has no timestamps")
    live.add_argument(
        "--trace",
        action="store_true",
        help="also print, per frame, yaw, pitch, eye openness, mouth measures and each action's strength",
    )
    live.set_defaults(func=run_liveness)


def _models(args: argparse.Namespace) -> VisionModels:
    from idscan.engines import shared_engines  # the composition root of this command

    return shared_engines(args.threads).vision


def _emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    sys.stdout.write((json.dumps(data, indent=2, default=str) if args.json else text) + "\n")


def _error(message: str) -> int:
    sys.stderr.write(f"error: {message}\n")
    return 2


def _face_dict(face: DetectedFace | None) -> dict[str, Any] | None:
    if face is None:
        return None
    data = dataclasses.asdict(face)
    data["quality"]["acceptable"] = face.quality.acceptable
    return data


def _read(path: Path) -> Any:
    return decode_image(path.read_bytes())


def run_detect(args: argparse.Namespace) -> int:
    try:
        image = _read(args.image)
    except (OSError, UnsupportedImageError) as exc:
        return _error(f"{args.image}: {exc}")
    faces = detect_faces(image, _models(args).detector())
    lines = [f"{len(faces)} face(s) in {args.image} ({image.shape[1]}x{image.shape[0]})"]
    for i, f in enumerate(faces):
        x, y, w, h = f.box
        issues = ", ".join(f.quality.issues) or "ok"
        lines.append(
            f"  #{i}: box {x:.0f},{y:.0f} {w:.0f}x{h:.0f}  score {f.score:.2f}  "
            f"yaw {f.quality.yaw_deg:.0f}°  sharpness {f.quality.sharpness:.0f}  quality: {issues}"
        )
    _emit(args, {"image": str(args.image), "faces": [_face_dict(f) for f in faces]}, "\n".join(lines))
    return 0 if faces else 1


def comparison_dict(comparison: FaceComparison) -> dict[str, Any]:
    r = comparison.result
    return {
        "similarity": r.similarity if r else None,
        "score": r.score if r else None,
        "threshold": r.threshold if r else 0.5,
        "passed": bool(r and r.passed),
        "problem": comparison.problem,
        "faceA": _face_dict(comparison.face_a),
        "faceB": _face_dict(comparison.face_b),
        "enrol": dataclasses.asdict(comparison.enrol) if comparison.enrol else None,
    }


def run_compare(args: argparse.Namespace) -> int:
    try:
        a, b = _read(args.a), _read(args.b)
    except (OSError, UnsupportedImageError) as exc:
        return _error(str(exc))
    comparison = compare_faces(a, b, _models(args), MatchParams(threshold=args.threshold))
    r = comparison.result
    if r is not None:
        verdict = "MATCH" if r.passed else "NO MATCH"
        text = f"{verdict}: score {r.score:.3f} (threshold 0.5), similarity {r.similarity:.3f}"
    elif comparison.problem in ("no_face_a", "no_face_b"):
        text = f"no face found in {'A' if comparison.problem == 'no_face_a' else 'B'}"
    else:
        text = f"portrait A is too poor to compare: {comparison.problem}"
    _emit(args, comparison_dict(comparison), text)
    return 0 if r and r.passed else 1


def verdict_dict(verdict: LivenessVerdict) -> dict[str, Any]:
    return {
        "score": verdict.score,
        "passed": verdict.passed,
        "threshold": verdict.threshold,
        "reasons": [{"code": str(r.code), "hint": r.hint, "detail": r.detail} for r in verdict.reasons],
        "bestFrameIndex": verdict.best_frame_index,
        "passiveChecked": verdict.passive_checked,
        "frames": verdict.frames,
        "checks": [{"name": c.name, "margin": round(c.margin, 3)} for c in verdict.checks],
    }


def run_liveness(args: argparse.Namespace) -> int:
    text = args.challenges
    try:
        if not text.lstrip().startswith("{"):
            text = Path(text).read_text()
        plan = ChallengePlan.from_json(text)
        frames = load_frames(args.source, args.fps)
    except (OSError, ValueError, KeyError, UnsupportedImageError) as exc:
        return _error(str(exc))
    params = LivenessParams()
    obs = track(frames, _models(args), params.track)
    # Offline re-judging of a recorded session: judge it as of the moment the plan was issued.
    verdict = judge_observed(plan, frames, obs, params, now=plan.issued_at)
    lines = [
        f"{'LIVE' if verdict.passed else 'NOT LIVE'}: score {verdict.score:.3f} over {len(frames)} frames"
    ]
    lines += [f"  {r.code}: {r.hint} ({r.detail})" for r in verdict.reasons]
    if verdict.best_frame_index is not None:
        lines.append(f"  best frame: #{verdict.best_frame_index}")
    data = verdict_dict(verdict)
    if args.trace:
        rows = trace(obs, plan, params)
        if isinstance(rows, str):
            lines.append(f"  trace: no baseline ({rows})")
            data["trace"] = None
        else:
            lines += ["", *trace_text(rows)]
            data["trace"] = [dataclasses.asdict(r) for r in rows]
    _emit(args, data, "\n".join(lines))
    return 0 if verdict.passed else 1
