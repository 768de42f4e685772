"""Pure face engine: detection and quality, document-to-selfie matching, active liveness.

Arrays, bytes and frozen parameter dataclasses in; typed frozen dataclasses out. No settings, no
database, no HTTP. Models load lazily through the registry the caller passes in (`idscan.engines`),
never at import time.

Modules: sessions (model sessions), images (decoding), detection + quality,
matching, face_measures (landmark geometry), liveness_plan / liveness_track / liveness_checks /
liveness (the challenge-response flow), frame_sources (frames from disk), commands (CLI).
"""
