"""Wire format of the branding API (ours): colours `#rrggbb`, the logo as a data URI."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from idscan.branding import colours
from idscan.branding.logo import MAX_LOGO_BYTES
from idscan.lib import urls

# Text without control characters (C0, DEL, C1): nothing that could break a line or a header.
NAME_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]+$"
LOGO_PATTERN = r"^data:image/(png|svg\+xml);base64,[A-Za-z0-9+/]*={0,2}$"
# Base64 grows by a third; the data URI adds its prefix.
MAX_LOGO_TEXT = (MAX_LOGO_BYTES + 2) // 3 * 4 + 40
# The largest body PUT /branding takes (the default JSON limit is smaller than a logo).
MAX_BODY_BYTES = MAX_LOGO_TEXT + 8 * 1024

Colour = Annotated[str, Field(pattern=colours.HEX_PATTERN)]


class BrandingIn(BaseModel):
    """Every field is optional; a missing or null field takes the neutral default. PUT replaces
    the whole branding."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    display_name: Annotated[
        str | None,
        Field(
            alias="displayName",
            min_length=1,
            max_length=80,
            pattern=NAME_PATTERN,
            description="The name the end user knows the integrator by (the logo's text alternative).",
        ),
    ] = None
    primary_color: Annotated[
        Colour | None,
        Field(alias="primaryColor", examples=["#1f4e99"], description="Buttons, the current step, progress."),
    ] = None
    text_color: Annotated[
        Colour | None,
        Field(
            alias="textColor",
            examples=["#ffffff"],
            description=(
                "Text on the primary colour; the pair (either one left out: its default, #1f4e99 "
                "and #ffffff) must reach WCAG AA contrast, 4.5:1, or the request is refused (422)."
            ),
        ),
    ] = None
    support_url: Annotated[
        str | None,
        Field(
            alias="supportUrl",
            max_length=urls.MAX_URL_LENGTH,
            json_schema_extra={"pattern": urls.HTTPS_URL_PATTERN},
            description="An https page where the end user can ask for help.",
        ),
    ] = None
    logo: Annotated[
        str | None,
        Field(
            max_length=MAX_LOGO_TEXT,
            json_schema_extra={"pattern": LOGO_PATTERN},
            description=(
                f"A PNG or SVG as a base64 data URI, at most {MAX_LOGO_BYTES // 1024} KiB. SVG is "
                "rewritten from an allow-list: no scripts, links, images, style sheets or references "
                "outside the file; a file that has them is refused (422)."
            ),
        ),
    ] = None

    @field_validator("support_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not urls.is_https_url(value):
            raise ValueError("supportUrl must be an absolute https URL with a plain ASCII host name.")
        return value


class BrandingOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    display_name: str | None = Field(alias="displayName")
    primary_color: str | None = Field(alias="primaryColor")
    text_color: str | None = Field(alias="textColor")
    support_url: str | None = Field(alias="supportUrl")
    logo: str | None = Field(description="The logo as stored (cleaned), a base64 data URI.")
    updated_at: str | None = Field(alias="updatedAt", description="null: never set (the neutral default).")
