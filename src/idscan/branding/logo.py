"""An integrator's logo, made safe to show on the end user's page and in the report. Pure.

PNG is decoded and written anew (no text chunks, no trailing bytes, at most 2048 px a side, judged
from the header before decoding). SVG is treated as hostile: parsed with defusedxml (no DTD, so no
entity bombs or external entities), then written anew from an allow-list of shapes, gradients and
presentation attributes. Scripts, event handlers, links, images, foreign objects, style sheets,
animations and any reference outside the file are refused with a message that names them, so the
integrator sees why; editor metadata in foreign namespaces (Inkscape, Sodipodi, RDF) is dropped.
The page shows the result through `<img>` (where a browser runs no script anyway) under a CSP.
"""

from __future__ import annotations

import io
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from PIL import Image, UnidentifiedImageError

from idscan.errors import Problem, ValidationError

PNG = "image/png"
SVG = "image/svg+xml"
MEDIA_TYPES = (PNG, SVG)
MAX_LOGO_BYTES = 128 * 1024
MAX_PNG_SIDE = 2048
MAX_SVG_ELEMENTS = 4000
MAX_SVG_DEPTH = 32
FIELD = "logo"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline",
        "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop", "clipPath", "mask",
    }
)  # fmt: skip
# Text content is kept only here; anywhere else it is whitespace between tags.
TEXT_ELEMENTS = frozenset({"title", "desc", "text", "tspan"})
# Presentation properties: allowed as attributes and inside a `style` attribute.
PROPERTIES = frozenset(
    {
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap",
        "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
        "stroke-opacity", "opacity", "clip-rule", "clip-path", "mask", "stop-color", "stop-opacity",
        "font-family", "font-size", "font-weight", "font-style", "text-anchor", "letter-spacing",
        "dominant-baseline", "display", "visibility", "color", "paint-order", "vector-effect",
        "shape-rendering", "mix-blend-mode",
    }
)  # fmt: skip
GEOMETRY = frozenset(
    {
        "id", "class", "viewBox", "preserveAspectRatio", "width", "height", "x", "y", "x1", "y1",
        "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "d", "points", "transform", "offset",
        "gradientUnits", "gradientTransform", "spreadMethod", "clipPathUnits", "maskUnits",
        "maskContentUnits", "dx", "dy", "version", "role", "aria-label", "aria-hidden",
    }
)  # fmt: skip
GRADIENTS = frozenset({"linearGradient", "radialGradient"})
_LOCAL_REF = re.compile(r"^#[A-Za-z_][\w.-]{0,100}$")
_URL_CALL = re.compile(r"url\s*\(([^)]*)\)", re.IGNORECASE)
_DANGEROUS = re.compile(r"javascript:|data:|@import|expression\s*\(|\\|<|&", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Logo:
    media_type: str
    data: bytes


def _refuse(message: str) -> ValidationError:
    return ValidationError([Problem(FIELD, message)])


def clean(data: bytes, media_type: str) -> Logo:
    """The logo written anew from what is safe in it, or a ValidationError that says what is not."""
    if media_type not in MEDIA_TYPES:
        raise _refuse("The logo must be a PNG or an SVG image.")
    if not data:
        raise _refuse("The logo is empty.")
    if len(data) > MAX_LOGO_BYTES:
        raise _refuse(f"The logo is larger than {MAX_LOGO_BYTES // 1024} KiB.")
    return Logo(PNG, _clean_png(data)) if media_type == PNG else Logo(SVG, _clean_svg(data))


def _clean_png(data: bytes) -> bytes:
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        raise _refuse("The logo is not a PNG file.")
    # The size from the first chunk, before Pillow sees the file (which would warn, or refuse only
    # at a far larger size).
    width, height = struct.unpack(">II", data[16:24])
    if max(width, height) > MAX_PNG_SIDE:
        raise _refuse(f"The logo is larger than {MAX_PNG_SIDE} pixels on a side.")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.load()
            out = io.BytesIO()
            # Written anew: only the pixels (and transparency) survive, no text chunks or trailers.
            image.save(out, "PNG", optimize=True, icc_profile=None)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            raise
        raise _refuse("The PNG logo cannot be read.") from exc
    return out.getvalue()


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _check_value(where: str, value: str) -> str:
    if _DANGEROUS.search(value):
        raise _refuse(f"The SVG logo has a value that is not allowed in {where}.")
    for target in _URL_CALL.findall(value):
        if not _LOCAL_REF.fullmatch(target.strip().strip("'\"")):
            raise _refuse(f"The SVG logo refers to something outside the file in {where}.")
    return value


def _clean_style(element: str, style: str) -> str:
    kept = []
    for declaration in style.split(";"):
        if not declaration.strip():
            continue
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not colon or name not in PROPERTIES:
            # Editors write many harmless properties; only the presentation ones are kept.
            # Their values are checked all the same: a reference outside the file is refused.
            if colon and re.fullmatch(r"-?[a-z-]{1,60}", name):
                _check_value(f"<{element}> style", value)
                continue
            raise _refuse(f"The SVG logo has a style that is not allowed on <{element}>.")
        kept.append(f"{name}:{_check_value(f'<{element}> style', value)}")
    return ";".join(kept)


def _attributes(element: str, node: ET.Element) -> Iterator[tuple[str, str]]:
    for key, value in node.attrib.items():
        namespace, name = _split(key)
        if namespace in (XLINK_NS, "") and name == "href":
            if element in GRADIENTS and _LOCAL_REF.fullmatch(value.strip()):
                yield "href", value.strip()  # a gradient taking its stops from another one
                continue
            raise _refuse(f"The SVG logo links to something (<{element}> href); links are not allowed.")
        if namespace == XML_NS:
            continue
        if namespace:
            continue  # editor metadata (inkscape:, sodipodi:, ...)
        if name.lower().startswith("on"):
            raise _refuse(f"The SVG logo has an event handler ({name}); scripts are not allowed.")
        if name == "style":
            style = _clean_style(element, value)
            if style:
                yield name, style
        elif name in PROPERTIES or name in GEOMETRY:
            yield name, _check_value(f"<{element}> {name}", value)
        else:
            raise _refuse(f"The SVG logo has an attribute that is not allowed: {name} on <{element}>.")


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.count = 0

    def element(self, node: ET.Element, depth: int) -> None:
        namespace, name = _split(node.tag)
        if namespace != SVG_NS:
            return  # editor metadata in its own namespace, with everything inside it
        if name == "metadata":
            return
        if name not in ELEMENTS:
            raise _refuse(f"The SVG logo has an element that is not allowed: <{name}>.")
        self.count += 1
        if self.count > MAX_SVG_ELEMENTS or depth > MAX_SVG_DEPTH:
            raise _refuse("The SVG logo is too complex.")
        attributes = "".join(f" {key}={quoteattr(value)}" for key, value in _attributes(name, node))
        if depth == 0:
            attributes = f' xmlns="{SVG_NS}"' + attributes
        self.parts.append(f"<{name}{attributes}>")
        if name in TEXT_ELEMENTS and node.text:
            self.parts.append(escape(node.text))
        for child in node:
            self.element(child, depth + 1)
            if name in TEXT_ELEMENTS and child.tail:
                self.parts.append(escape(child.tail))
        self.parts.append(f"</{name}>")


def _clean_svg(data: bytes) -> bytes:
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise _refuse("The SVG logo may not have a DOCTYPE or entities.") from exc
    except ET.ParseError as exc:
        raise _refuse("The SVG logo is not well-formed XML.") from exc
    if _split(root.tag) != (SVG_NS, "svg"):
        raise _refuse("The logo is not an SVG image (its root must be <svg> in the SVG namespace).")
    if "viewBox" not in root.attrib and not {"width", "height"} <= set(root.attrib):
        raise _refuse("The SVG logo needs a viewBox (or a width and a height).")
    writer = _Writer()
    writer.element(root, 0)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(writer.parts)).encode()
