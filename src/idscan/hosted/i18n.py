"""Messages of the hosted pages. English source strings live here, keyed by what they are for; the
nl-NL and fr-FR translations are Babel catalogs in `locales/` (gettext .po, msgid = the English text),
and the page script gets its strings from the same catalogs through the page configuration."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog

from idscan.lib import translations

LOCALES = ("en-US", "nl-NL", "fr-FR")
PATH_LOCALES = {loc.lower(): loc for loc in LOCALES}
CATALOG_DIR = Path(__file__).with_name("locales")

MESSAGES: dict[str, str] = {
    "title": "Verify your identity",
    "intro": "Take a photo of your identity document, or upload one.",
    "file_label": "Upload a photo",
    "submit": "Send",
    "completed": "Thank you. Your identity check is complete.",
    "expired": "This link has expired. Ask for a new one.",
    "cancelled": "This verification was cancelled.",
    "unknown": "This link is not valid.",
    "handoff_used": "This link was already used or has expired. Scan a new code on your computer.",
    "checking": "Checking your photo…",
    "phone_title": "Continue on your phone",
    "phone_intro": "Scan this code with your phone's camera. The link works once, for 15 minutes.",
    "phone_button": "Use my phone instead",
    "qr_alt": "QR code with a link to continue on your phone",
    "upload_failed": "The photo could not be sent. Check your connection and try again.",
    "too_large": "The photo is too large. Use a smaller one.",
    "done_here": "Done. You can go back to your computer.",
    "too_many": "Too many tries in a short time. Wait a minute, then try again.",
}

# The guided pages: the steps, the instructions per document kind and their drawings, the camera,
# the preview, the waiting and finished states.
GUIDE: dict[str, str] = {
    "progress_label": "Your progress",
    "step_document": "Document",
    "step_selfie": "Selfie",
    "step_done": "Done",
    "step_completed": "completed",
    "document_title": "Photograph your document",
    "kind_question": "Which document will you use?",
    "kind_passport": "Passport",
    "kind_id_card": "Identity card",
    "kind_driving_licence": "Driving licence",
    "howto_passport": "Open your passport at the page with your photo and lay it flat. The two lines of letters at the bottom must be in the photo.",
    "howto_id_card": "Lay your card flat on a plain, dark surface. Start with the front; we will ask for the back if we need it.",
    "howto_driving_licence": "Lay your licence flat on a plain, dark surface. Start with the side with your photo.",
    "howto_back": "Now turn the document over and take a photo of the back.",
    "drawing_passport": "Drawing: the photo page of a passport inside the frame, all four corners visible, no glare.",
    "drawing_card": "Drawing: a card inside the frame, all four corners visible, no glare.",
    "drawing_back": "Drawing: the back of a card inside the frame, its lines of letters at the bottom.",
    "tips_label": "For a good photo",
    "tip_corners": "All four corners in view",
    "tip_glare": "No glare or shadows",
    "tip_sharp": "Sharp and easy to read",
    "use_camera": "Take a photo",
    "or": "or",
    "take_photo": "Take photo",
    "camera_label": "Camera view",
    "frame_document": "Place the whole document inside the frame, flat and without glare.",
    "camera_auto": "The photo is taken by itself when the document is steady inside the frame.",
    "camera_hold": "Hold still…",
    "torch": "Light",
    "cancel": "Cancel",
    "preview_title": "Check your photo",
    "preview_alt": "Your photo of the document",
    "preview_question": "Is the whole document in the photo, sharp and without glare?",
    "last_try": "Your last photo",
    "use_photo": "Use this photo",
    "retake": "Retake",
    "estimate_document": "This usually takes about 15 seconds.",
    "estimate_liveness": "This usually takes about 20 seconds.",
    "estimate_match": "This usually takes less than a minute.",
    "estimate_long": "This is taking longer than usual. Please keep this page open.",
    "progress_name": "Progress",
    "waiting_title": "Almost done",
    "waiting_match": "We are comparing your selfie with the photo on your document.",
    "done_title": "All done",
    "next_named": "{name} will tell you the outcome. You can close this page.",
    "next_unnamed": "The company that asked you to verify will tell you the outcome. You can close this page.",
    "returning": "Taking you back…",
    "continue": "Continue",
    "closed_title": "This link cannot be used",
    "phone_step_open": "Open the camera on your phone.",
    "phone_step_point": "Point it at the code.",
    "phone_step_follow": "Tap the link and follow the steps.",
    "phone_waiting": "Waiting for your phone. Keep this page open.",
    "back": "Back",
    "help": "Need help? Contact support",
    "logo_alt": "{name} logo",
    # Test mode: the banner and the scripted-outcome buttons of a test transaction's page.
    "test_badge": "TEST",
    "test_banner": "Test mode: nothing on this page is checked for real. Choose an outcome below, or take photos as usual.",
    "test_document_group": "Document outcomes",
    "test_face_group": "Selfie outcomes",
    "test_document_valid": "A passport that passes",
    "test_document_expired": "An expired passport",
    "test_document_mrz_invalid": "A passport with an invalid MRZ",
    "test_document_under_age": "An under-age holder",
    "test_document_unreadable": "An unreadable photo",
    "test_liveness_passed": "Liveness passes",
    "test_liveness_failed": "Liveness fails",
    "test_face_mismatch": "The face does not match",
}

# One plain hint per attempt code (API section 2), shown right after each attempt.
HINTS: dict[str, str] = {
    "accepted": "Your document was accepted.",
    "front_side_provided_back_side_required": "Thanks. Now take a photo of the back of the document.",
    "back_side_provided_front_side_required": "That is the back. Now take a photo of the front.",
    "unknown_type_back": "This back side does not belong to the front. Use both sides of the same document.",
    "unknown_document": "We could not recognise this document. Use a passport, identity card or driving licence.",
    "mrz_not_found": "We could not find the machine-readable lines. Show the whole document, lines included.",
    "mrz_invalid": "The machine-readable lines could not be read reliably. Try a sharper photo without glare.",
    "document_expired": "This document has expired. Use a valid document.",
    "age_below_minimum": "You do not meet the minimum age for this service.",
    "age_above_maximum": "You are above the maximum age for this service.",
    "field_invalid": "A number on the document did not pass its check. Try again with a clearer photo.",
    "comparison_mismatch": "The printed data and the machine-readable lines do not match. Try a clearer photo.",
    "image_too_blurry": "The photo is blurry. Hold still and make sure the document is in focus.",
    "image_glare": "There is glare on the document. Tilt it slightly or move away from the light.",
    "image_too_small": "The document is too small in the photo. Move closer.",
    "document_not_fully_visible": "Part of the document is missing. Keep all four corners in the photo.",
    "portrait_not_found": "We could not find the photo of the holder on the document. Use the side with the photo.",
    "portrait_too_small": "The photo of the holder is too small to compare. Move closer to the document.",
    "portrait_blurry": "The photo of the holder is blurry. Hold still and make sure the photo on the document is in focus.",
    "portrait_obscured": "The photo of the holder is hard to see because of glare or a reflection. Tilt the document slightly.",
    "unsupported_file": "This file cannot be used. Send a JPEG, PNG, WebP or HEIC photo.",
    "processing_failed": "We could not process this photo, so this verification cannot be completed. Please contact the company that asked you to verify.",
}

# The liveness step: prompts, and a hint per failure code of the face engine.
PROMPTS: dict[str, str] = {
    "liveness_title": "Take a video selfie",
    "liveness_intro": "Hold your device at eye level, look at the camera and do what the oval asks. It takes about 10 seconds.",
    "flash_notice": "The screen changes colour a few times during the check, never more than three times a second.",
    "tip_light": "Face a light or a window",
    "tip_alone": "Only you in the picture",
    "tip_face": "Take off sunglasses, a hat or a mask",
    "drawing_face": "Drawing: a face inside an oval, looking straight at the camera.",
    "liveness_start": "Start",
    "liveness_retry": "Try again",
    "ring_label": "Progress of the check",
    "too_dark": "It is quite dark. Turn towards a light if you can.",
    "look_straight": "Look straight at the camera",
    "head_left": "Turn your head to the left",
    "head_right": "Turn your head to the right",
    "blink": "Blink once",
    "smile": "Smile",
    "sending": "Sending…",
    "camera_denied": "We need your camera for this step. Allow camera access and try again.",
}

# Calm, specific words for why a liveness check did not pass (the server's reason codes).
REASONS: dict[str, str] = {
    "plan_expired": "The check took too long. Please start it again.",
    "too_few_frames": "We received too little video. Keep the camera on until the check ends.",
    "timing_irregular": "The video was interrupted. Please try again on a steadier connection.",
    "capture_too_short": "Keep looking at the camera until all the steps are done.",
    "frozen_video": "Hold still and keep the camera steady, then try again.",
    "no_face": "We could not see your face well. Move closer, so that your face fills the oval.",
    "multiple_faces": "Only one face, please: make sure no one else is in the picture.",
    "face_changed": "The face changed during the check. Please do the whole check yourself.",
    "not_frontal_at_start": "Hold still and look straight at the camera when the check starts.",
    "head_left_missed": "Turn your head a little further to the left when asked.",
    "head_right_missed": "Turn your head a little further to the right when asked.",
    "blink_missed": "Blink clearly once when asked, looking straight at the camera.",
    "smile_missed": "Smile broadly when asked, looking straight at the camera.",
    "unexpected_action": "Do only what the oval asks, then look straight at the camera again.",
    "flash_not_reflected": "It may be too dark, or the screen too dim. Turn up the brightness and face a light.",
    "passive_spoof_suspected": "Please use your own face, live, not a photo or a screen.",
    "no_frames": "No usable video arrived. Please try again.",
    "processing_failed": "We could not process your video, so this verification cannot be completed. Please contact the company that asked you to verify.",
}

# The strings the page script needs, handed to it in the page's configuration.
SCRIPT_KEYS = (
    "checking", "completed", "expired", "cancelled", "upload_failed", "too_large", "done_here", "qr_alt",
    "look_straight", "head_left", "head_right", "blink", "smile", "sending", "camera_denied", "take_photo",
    "frame_document", "camera_hold", "howto_back", "estimate_document", "estimate_liveness",
    "estimate_match", "estimate_long", "returning", "too_dark", "step_completed", "use_photo", "retake",
    "submit", "phone_waiting", "liveness_retry",
)  # fmt: skip


def catalog(locale: str) -> Catalog | None:
    """The translations of a locale, read once per process (None for the source language)."""
    return translations.catalog(CATALOG_DIR, locale)


def translate(english: str, locale: str) -> str:
    return translations.translate(CATALOG_DIR, english, locale)


def text(key: str, locale: str) -> str:
    return translate(MESSAGES.get(key) or GUIDE.get(key) or PROMPTS[key], locale)


def hint(code: str, locale: str) -> str:
    english = HINTS.get(code)
    return translate(english, locale) if english else code


def reason_hint(code: str, locale: str) -> str:
    return translate(REASONS.get(code) or REASONS["no_frames"], locale)
