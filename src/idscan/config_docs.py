"""Generate docs/configuration.md from the Settings model, so the docs cannot drift."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from idscan.config import ENV_PREFIX, NESTED_DELIMITER, Settings

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"

HEADER = """# Configuration

Generated from `src/idscan/config.py` by `idscan config docs`; a test fails when it drifts.

Every setting is an environment variable with the `IDSCAN_` prefix; groups nest with `__`.
Any variable can instead be read from a file: set `<NAME>_FILE` to its path (for secrets, e.g.
`IDSCAN_SECURITY__MASTER_KEYS_FILE=/run/secrets/idscan_master_keys`).
The embedded default needs none of them: SQLite, local files and a generated master key under
`IDSCAN_DATA_DIR`.

"""


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return ""
    else:
        value = field.default
    if value is None:
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, str) and not value else str(value)


def _rows(model: type[BaseModel], prefix: str) -> list[str]:
    rows: list[str] = []
    nested: list[tuple[str, type[BaseModel]]] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            nested.append((name, annotation))
            continue
        variable = f"{prefix}{name.upper()}"
        description = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{variable}` | {_default(field)} | {description} |")
    for name, sub in nested:
        rows.append(f"| **{name}** | | {(sub.__doc__ or '').strip()} |")
        rows.extend(_rows(sub, f"{prefix}{name.upper()}{NESTED_DELIMITER}"))
    return rows


def render() -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|", *_rows(Settings, ENV_PREFIX)]
    return HEADER + "\n".join(lines) + "\n"
