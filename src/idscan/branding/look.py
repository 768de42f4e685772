"""The look an account's pages and reports get: its branding over the neutral default. Pure."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from idscan.branding.logo import Logo

DEFAULT_PRIMARY = "#1f4e99"
DEFAULT_TEXT = "#ffffff"


@dataclass(frozen=True, slots=True)
class Look:
    primary: str = DEFAULT_PRIMARY  # buttons, the current step, the progress ring, the frame
    on_primary: str = DEFAULT_TEXT  # text drawn on the primary colour (contrast checked, 4.5:1)
    display_name: str | None = None
    support_url: str | None = None
    logo: Logo | None = None

    @property
    def branded(self) -> bool:
        return self != Look()

    def logo_data_uri(self) -> str | None:
        if self.logo is None:
            return None
        return f"data:{self.logo.media_type};base64,{base64.b64encode(self.logo.data).decode()}"


NEUTRAL = Look()
