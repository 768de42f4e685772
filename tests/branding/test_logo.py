"""Logos are hostile input: SVG is rebuilt from an allow-list, PNG is written anew, and anything
else is refused with a reason."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image, PngImagePlugin

from idscan.branding import logo
from idscan.errors import ValidationError

GOOD_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 120 40"
     inkscape:version="1.3">
  <!-- made by hand -->
  <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
  <title>Acme</title>
  <defs>
    <linearGradient id="a">
      <stop offset="0" stop-color="#123456"/><stop offset="1" stop-color="#abcdef"/>
    </linearGradient>
    <linearGradient id="b" xlink:href="#a" x1="0" x2="1"/>
  </defs>
  <rect width="120" height="40" rx="6" fill="url(#b)"
        style="stroke:#000;stroke-width:2;-inkscape-stroke:none"/>
  <text x="10" y="28" font-family="sans-serif" font-size="20" fill="#fff">Acme <tspan>Bank</tspan></text>
</svg>"""


def svg(body: str, root_attributes: str = 'viewBox="0 0 10 10"') -> bytes:
    return f'<svg xmlns="http://www.w3.org/2000/svg" {root_attributes}>{body}</svg>'.encode()


def refused(data: bytes, media_type: str = logo.SVG) -> str:
    with pytest.raises(ValidationError) as caught:
        logo.clean(data, media_type)
    assert [p.path for p in caught.value.problems] == ["logo"]
    return caught.value.detail


def test_a_plain_svg_keeps_its_shapes_and_loses_its_editor_metadata() -> None:
    cleaned = logo.clean(GOOD_SVG, logo.SVG)
    assert cleaned.media_type == logo.SVG
    root = ET.fromstring(cleaned.data)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert [child.tag.removeprefix(ns) for child in root] == ["title", "defs", "rect", "text"]
    rect = root.find(f"{ns}rect")
    assert rect is not None
    assert rect.get("fill") == "url(#b)"
    assert rect.get("style") == "stroke:#000;stroke-width:2"
    assert b"inkscape" not in cleaned.data
    assert b"rdf" not in cleaned.data
    assert b"made by hand" not in cleaned.data
    assert "".join(root.itertext()).strip().startswith("Acme")
    assert b'href="#a"' in cleaned.data  # a gradient may inherit from another one in the file


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<rect width="1" height="1" onload="alert(1)"/>', "event handler"),
        ('<rect width="1" height="1" onclick="alert(1)"/>', "event handler"),
        (
            "<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>x</div></foreignObject>",
            "<foreignObject>",
        ),
        ('<image href="https://tracker.example/p.png" width="1" height="1"/>', "<image>"),
        ('<a href="https://evil.example/"><rect width="1" height="1"/></a>', "<a>"),
        ('<use href="https://evil.example/sprite.svg#x"/>', "<use>"),
        ("<style>@import url(https://evil.example/x.css);</style>", "<style>"),
        ('<animate attributeName="href" to="javascript:alert(1)"/>', "<animate>"),
        ('<set attributeName="fill" to="red"/>', "<set>"),
        ('<rect width="1" height="1" fill="url(https://evil.example/#g)"/>', "outside the file"),
        ('<rect width="1" height="1" style="fill:url(https://evil.example/#g)"/>', "outside the file"),
        ('<rect width="1" height="1" style="behavior:url(x.htc)"/>', "outside the file"),
        ('<rect width="1" height="1" fill="javascript:alert(1)"/>', "not allowed"),
        ('<linearGradient id="g" href="https://evil.example/g.svg#x"/>', "links"),
        ('<rect width="1" height="1" xmlns:x="http://www.w3.org/1999/xlink" x:href="#a"/>', "links"),
        ('<rect width="1" height="1" filter="url(#f)"/>', "attribute that is not allowed: filter"),
    ],
)
def test_hostile_svg_is_refused_with_a_reason(body: str, reason: str) -> None:
    assert reason in refused(svg(body))


def test_entities_and_doctypes_are_refused_before_any_expansion() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><title>&b;</title></svg>'
    )
    external = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><title>&x;</title></svg>'
    )
    assert "DOCTYPE" in refused(bomb)
    assert "DOCTYPE" in refused(external)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<svg viewBox='0 0 1 1'/>", "SVG namespace"),  # without it a browser shows no image
        (b'<html xmlns="http://www.w3.org/2000/svg"/>', "root must be <svg>"),
        (svg("", root_attributes=""), "viewBox"),
        (b"<svg", "well-formed"),
        (b"", "empty"),
        (svg("<g>" * 40 + "</g>" * 40), "too complex"),
        (b" " * (logo.MAX_LOGO_BYTES + 1), "larger than"),
    ],
)
def test_malformed_svg_is_refused(data: bytes, reason: str) -> None:
    assert reason in refused(data)


def test_only_png_and_svg_are_logos() -> None:
    assert "PNG or an SVG" in refused(b"GIF89a", "image/gif")


def png(size: tuple[int, int] = (64, 24), **text: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in text.items():
        info.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGBA", size, (31, 78, 153, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def test_a_png_is_written_anew_without_its_text_chunks_or_trailing_bytes() -> None:
    original = png(Comment="<script>alert(1)</script>") + b"<script>trailing</script>"
    cleaned = logo.clean(original, logo.PNG)
    assert cleaned.media_type == logo.PNG
    assert b"script" not in cleaned.data
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.size == (64, 24)
        assert image.getpixel((3, 3)) == (31, 78, 153, 255)


def test_a_huge_png_is_refused_from_its_header() -> None:
    # 30000 x 30000 pixels, a few kilobytes compressed: refused before the pixels are decoded.
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, "PNG")
    assert len(out.getvalue()) < logo.MAX_LOGO_BYTES
    assert "2048 pixels" in refused(out.getvalue(), logo.PNG)


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, GOOD_SVG])
def test_what_is_not_a_png_is_refused_as_one(data: bytes) -> None:
    assert "PNG" in refused(data, logo.PNG)
