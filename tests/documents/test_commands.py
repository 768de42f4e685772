"""`idscan document read`: the handler called directly, as the CLI root would."""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import pytest
from PIL import Image

from idscan.documents.commands import register
from tests.documents.synth import make_document, need_fonts, photograph


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


@pytest.fixture(scope="module")
def passport_photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_fonts()
    doc = make_document(3, kind="passport", country="FRA", with_face=False)
    path = tmp_path_factory.mktemp("doc") / "front.jpg"
    path.write_bytes(photograph(doc.sides[0].image, "easy", random.Random(3)).data)
    return path


def test_json_output_and_redacted_image(
    passport_photo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "redacted.png"
    settings = json.dumps({"documentScan": {"allowedExpiration": 0, "level": "basic"}})
    args = parse(
        [
            "document",
            "read",
            str(passport_photo),
            "--json",
            "--settings",
            settings,
            "--redact",
            "document_number,mrz",
            "--out",
            str(out),
            "--today",
            "2026-11-25",
        ]
    )
    status = args.func(args)
    data = json.loads(capsys.readouterr().out)
    assert status == (0 if data["code"] == "accepted" else 1)
    assert data["documentType"] == "passport"
    assert data["name"] == "France - Passport"
    assert len(data["mrz"]["lines"]) == 2
    assert {f["field"] for f in data["result"]} >= {"document_number", "surname", "date_of_birth"}
    with Image.open(out) as img:
        assert img.width > img.height


def test_text_output(passport_photo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse(["document", "read", str(passport_photo), "--today", "2026-11-25"])
    args.func(args)
    text = capsys.readouterr().out
    assert "code:" in text
    assert "France - Passport" in text


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "x.jpg"
    bogus.write_bytes(b"not an image")
    args = parse(["document", "read", str(bogus)])
    assert args.func(args) == 2
    assert "unsupported_file" in capsys.readouterr().err


def test_unknown_redaction_field_exits_2(passport_photo: Path) -> None:
    args = parse(["document", "read", str(passport_photo), "--redact", "surname"])
    assert args.func(args) == 2


def test_batch_reads_files_and_directories_one_json_line_each(
    passport_photo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "set"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.JPG").write_bytes(passport_photo.read_bytes())
    (folder / "b.png").write_bytes(b"<html>not an image</html>")
    (folder / "notes.txt").write_text("not a photo: skipped in a directory")
    args = parse(["document", "batch", str(passport_photo), str(folder), "--today", "2026-11-25"])
    assert args.func(args) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(line["file"]).name for line in lines] == ["front.jpg", "b.png", "a.JPG"]
    first, refused, again = lines
    assert first["documentType"] == "passport"
    assert len(first["mrz"]["lines"]) == 2
    assert first["wallS"] > 0
    assert first["cpuS"] > 0
    assert 0 < first["timings"]["total"] <= first["wallS"]  # per stage, beside the whole
    assert refused["code"] == "unsupported_file"
    assert "wallS" in refused
    assert again["code"] == first["code"]  # the same photo, the same verdict


def test_batch_without_photos_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "readme.txt").write_text("no photos here")
    args = parse(["document", "batch", str(tmp_path)])
    assert args.func(args) == 2
    assert "no photo found" in capsys.readouterr().err


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(
    passport_photo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.jpg"
    with huge.open("wb") as f:  # sparse: 100 MB on paper, nothing on disk
        f.truncate(100 * 1024 * 1024)
    args = parse(["document", "batch", str(huge), str(passport_photo)])
    assert args.func(args) == 0
    refused, read = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert refused["code"] == "unsupported_file"
    assert "at most" in refused["error"]
    assert read["documentType"] == "passport"  # the batch goes on
    args = parse(["document", "read", str(huge)])
    assert args.func(args) == 2
    assert "at most" in capsys.readouterr().err
