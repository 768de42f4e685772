import argparse
import itertools
import json
import random
from pathlib import Path
from typing import Any

import cv2
import pytest

from idscan.vision import commands
from idscan.vision.frame_sources import frames_from_video, load_frames, write_frames_dir
from idscan.vision.liveness_track import Frame
from tests.vision.conftest import LIVE_STILLS, plan_for
from tests.vision.synth import sequences


def _parse(argv: list[str]) -> argparse.Namespace:
    root = argparse.ArgumentParser(prog="idscan")
    commands.register(root.add_subparsers(dest="command", required=True))
    return root.parse_args(argv)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    args = _parse(argv)
    status = args.func(args)
    return status, capsys.readouterr().out


def test_detect_json(fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _run(["face", "detect", str(fixtures / LIVE_STILLS[0]), "--json"], capsys)
    data = json.loads(out)
    assert status == 0
    assert len(data["faces"]) == 1
    assert data["faces"][0]["quality"]["acceptable"] is True


def test_detect_text_and_missing_file(
    fixtures: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _run(["face", "detect", str(fixtures / LIVE_STILLS[0])], capsys)
    assert status == 0
    assert out.startswith("1 face(s)")
    assert _run(["face", "detect", str(tmp_path / "absent.jpg")], capsys)[0] == 2


def test_compare(fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = fixtures / "faces/facerec__obama__obama.jpg", fixtures / "faces/facerec__obama__obama2.jpg"
    status, out = _run(["face", "compare", str(a), str(b), "--json"], capsys)
    data = json.loads(out)
    assert status == 0
    assert data["passed"]
    assert data["score"] > 0.5
    assert data["threshold"] == 0.5
    other = fixtures / "faces/facerec__biden__biden.jpg"
    status, out = _run(["face", "compare", str(a), str(other)], capsys)
    assert status == 1
    assert out.startswith("NO MATCH")


def test_compare_names_a_portrait_too_poor_to_compare(
    fixtures: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import cv2

    face = cv2.imread(str(fixtures / "faces/facerec__obama__obama2.jpg"))
    blurred = tmp_path / "blurred.jpg"
    cv2.imwrite(str(blurred), cv2.GaussianBlur(face, (0, 0), 22))
    other = fixtures / "faces/facerec__biden__biden.jpg"
    status, out = _run(["face", "compare", str(blurred), str(other), "--json"], capsys)
    data = json.loads(out)
    assert status == 1
    assert data["problem"] == "portrait_blurry"
    assert data["score"] is None  # no score rather than a meaningless low one
    assert data["enrol"]["sharpness"] < 15


def test_liveness_from_a_frames_folder(
    rig_of: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = plan_for(21)
    frames = sequences.genuine(rig_of(LIVE_STILLS[1]), plan, random.Random(21))
    write_frames_dir(frames, tmp_path / "frames")
    (tmp_path / "plan.json").write_text(plan.to_json())
    status, out = _run(
        ["face", "liveness", str(tmp_path / "frames"), "--challenges", str(tmp_path / "plan.json"), "--json"],
        capsys,
    )
    data = json.loads(out)
    assert status == 0
    assert data["passed"], data["reasons"]
    assert data["bestFrameIndex"] is not None
    # The same frames against another plan: rejected with hints, given inline as JSON.
    status, out = _run(
        ["face", "liveness", str(tmp_path / "frames"), "--challenges", plan_for(22).to_json()], capsys
    )
    assert status == 1
    assert out.startswith("NOT LIVE")


def test_liveness_trace_shows_where_each_action_is_seen(
    rig_of: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = plan_for(21)
    frames = sequences.genuine(rig_of(LIVE_STILLS[1]), plan, random.Random(21))
    write_frames_dir(frames, tmp_path / "frames")
    argv = ["face", "liveness", str(tmp_path / "frames"), "--challenges", plan.to_json(), "--trace"]
    status, out = _run([*argv, "--json"], capsys)
    data = json.loads(out)
    assert status == 0
    rows = data["trace"]
    assert [r["t_ms"] for r in rows] == [f.timestamp_ms - frames[0].timestamp_ms for f in frames]
    assert all(
        r["face"] and r["yaw_deg"] is not None and r["eye_openness"] > 0 and r["eye_gap"] > 0 for r in rows
    )
    # The mean of the corners' lifts is the smile's measure when neither carries it alone.
    assert all(sum(r["corner_lift"]) / 2 == pytest.approx(r["mouth_lift"]) for r in rows)
    for c in plan.challenges:
        inside = [r["strength"][str(c.kind)] for r in rows if c.start_ms <= r["t_ms"] <= c.end_ms + 700]
        before = [r["strength"][str(c.kind)] for r in rows if r["t_ms"] < plan.frontal_until_ms]
        assert max(inside) >= 1.0, c.kind  # the action, where it was asked
        assert max(before) < 1.0, c.kind  # and not during the still start
    status, text = _run(argv, capsys)
    lines = text.splitlines()
    assert lines[0].startswith("LIVE")
    header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("frame"))
    columns = ("yaw", "pitch", "eyes", "e_gap", "lift_l", "lift_r", "blink", "smile", "head_left")
    assert all(kind in lines[header] for kind in columns)
    assert len(lines) - header - 1 == len(frames)
    assert any("*" in line for line in lines[header + 1 :])


def test_frame_sources(rig_of: Any, tmp_path: Path) -> None:
    image = rig_of(LIVE_STILLS[0]).image
    folder = tmp_path / "named"
    folder.mkdir()
    for t in (0, 95, 210):
        cv2.imwrite(str(folder / f"{t:06d}.jpg"), image)
    assert [f.timestamp_ms for f in load_frames(folder)] == [0, 95, 210]
    plain = tmp_path / "plain"
    write_frames_dir([Frame(5, image), Frame(40, image)], plain)
    (plain / "timestamps.json").unlink()
    assert [f.timestamp_ms for f in load_frames(plain, fps=5)] == [0, 200]
    video = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(
        str(video), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (image.shape[1], image.shape[0])
    )
    for _ in range(5):
        writer.write(image)
    writer.release()
    frames = frames_from_video(video)
    assert len(frames) == 5
    assert all(b.timestamp_ms > a.timestamp_ms for a, b in itertools.pairwise(frames))
    # What a browser's MediaRecorder sends: VP8 in WebM, read through OpenCV's bundled FFmpeg.
    webm = tmp_path / "clip.webm"
    writer = cv2.VideoWriter(
        str(webm), cv2.VideoWriter.fourcc(*"VP80"), 10.0, (image.shape[1], image.shape[0])
    )
    for _ in range(5):
        writer.write(image)
    writer.release()
    assert [f.timestamp_ms for f in frames_from_video(webm)] == [0, 100, 200, 300, 400]


def test_bad_plan_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "frames").mkdir()
    assert _run(["face", "liveness", str(tmp_path / "frames"), "--challenges", "{}"], capsys)[0] == 2
