"""Messages of the liveness step in en-US, nl-NL and fr-FR: prompts, and a hint per failure code."""

from __future__ import annotations

PROMPTS: dict[str, dict[str, str]] = {
    "liveness_title": {
        "en-US": "Liveness check",
        "nl-NL": "Echtheidscontrole",
        "fr-FR": "Contrôle du vivant",
    },
    "liveness_intro": {
        "en-US": "Look at the camera and follow the instructions. The screen will change colour a few times.",
        "nl-NL": "Kijk in de camera en volg de instructies. Het scherm verandert een paar keer van kleur.",
        "fr-FR": "Regardez la caméra et suivez les instructions. L'écran changera de couleur plusieurs fois.",
    },
    "liveness_start": {"en-US": "Start", "nl-NL": "Starten", "fr-FR": "Commencer"},
    "look_straight": {
        "en-US": "Look straight at the camera",
        "nl-NL": "Kijk recht in de camera",
        "fr-FR": "Regardez droit vers la caméra",
    },
    "head_left": {
        "en-US": "Turn your head to the left",
        "nl-NL": "Draai uw hoofd naar links",
        "fr-FR": "Tournez la tête vers la gauche",
    },
    "head_right": {
        "en-US": "Turn your head to the right",
        "nl-NL": "Draai uw hoofd naar rechts",
        "fr-FR": "Tournez la tête vers la droite",
    },
    "blink": {"en-US": "Blink once", "nl-NL": "Knipper één keer", "fr-FR": "Clignez des yeux une fois"},
    "smile": {"en-US": "Smile", "nl-NL": "Glimlach", "fr-FR": "Souriez"},
    "sending": {"en-US": "Sending…", "nl-NL": "Versturen…", "fr-FR": "Envoi…"},
    "camera_denied": {
        "en-US": "We need your camera for this step. Allow camera access and try again.",
        "nl-NL": "Voor deze stap is uw camera nodig. Sta cameratoegang toe en probeer het opnieuw.",
        "fr-FR": "Cette étape nécessite votre caméra. Autorisez l'accès à la caméra et réessayez.",
    },
    "take_photo": {"en-US": "Take photo", "nl-NL": "Foto maken", "fr-FR": "Prendre la photo"},
    "use_camera": {"en-US": "Use the camera", "nl-NL": "Camera gebruiken", "fr-FR": "Utiliser la caméra"},
    "frame_document": {
        "en-US": "Place the whole document inside the frame, flat and without glare.",
        "nl-NL": "Plaats het hele document in het kader, plat en zonder glans.",
        "fr-FR": "Placez tout le document dans le cadre, à plat et sans reflet.",
    },
}

REASONS: dict[str, dict[str, str]] = {
    "plan_expired": {
        "en-US": "The check took too long. Please start it again.",
        "nl-NL": "De controle duurde te lang. Begin opnieuw.",
        "fr-FR": "Le contrôle a pris trop de temps. Recommencez.",
    },
    "too_few_frames": {
        "en-US": "We received too little video. Keep the camera on until the check ends.",
        "nl-NL": "We ontvingen te weinig beeld. Laat de camera aan tot de controle klaar is.",
        "fr-FR": "Trop peu d'images reçues. Gardez la caméra active jusqu'à la fin.",
    },
    "timing_irregular": {
        "en-US": "The video was interrupted. Please try again on a steadier connection.",
        "nl-NL": "Het beeld werd onderbroken. Probeer het opnieuw met een stabielere verbinding.",
        "fr-FR": "La vidéo a été interrompue. Réessayez avec une connexion plus stable.",
    },
    "capture_too_short": {
        "en-US": "Keep looking at the camera until all the steps are done.",
        "nl-NL": "Blijf in de camera kijken tot alle stappen klaar zijn.",
        "fr-FR": "Regardez la caméra jusqu'à la fin de toutes les étapes.",
    },
    "frozen_video": {
        "en-US": "The camera picture seemed frozen. Please try again.",
        "nl-NL": "Het camerabeeld leek stil te staan. Probeer het opnieuw.",
        "fr-FR": "L'image de la caméra semblait figée. Réessayez.",
    },
    "no_face": {
        "en-US": "We could not see your face. Keep your whole face inside the frame.",
        "nl-NL": "We zagen uw gezicht niet. Houd uw hele gezicht in beeld.",
        "fr-FR": "Nous ne voyons pas votre visage. Gardez tout le visage dans le cadre.",
    },
    "multiple_faces": {
        "en-US": "Make sure only you are in the picture.",
        "nl-NL": "Zorg dat alleen u in beeld bent.",
        "fr-FR": "Assurez-vous d'être seul dans l'image.",
    },
    "face_changed": {
        "en-US": "The face changed during the check. Please do the whole check yourself.",
        "nl-NL": "Het gezicht veranderde tijdens de controle. Doe de hele controle zelf.",
        "fr-FR": "Le visage a changé pendant le contrôle. Faites tout le contrôle vous-même.",
    },
    "not_frontal_at_start": {
        "en-US": "Look straight at the camera at the start.",
        "nl-NL": "Kijk aan het begin recht in de camera.",
        "fr-FR": "Regardez droit vers la caméra au début.",
    },
    "head_left_missed": {
        "en-US": "Turn your head further to the left when asked.",
        "nl-NL": "Draai uw hoofd verder naar links als daarom gevraagd wordt.",
        "fr-FR": "Tournez davantage la tête vers la gauche quand c'est demandé.",
    },
    "head_right_missed": {
        "en-US": "Turn your head further to the right when asked.",
        "nl-NL": "Draai uw hoofd verder naar rechts als daarom gevraagd wordt.",
        "fr-FR": "Tournez davantage la tête vers la droite quand c'est demandé.",
    },
    "blink_missed": {
        "en-US": "Blink clearly once when asked, looking straight at the camera.",
        "nl-NL": "Knipper duidelijk één keer als daarom gevraagd wordt, recht in de camera kijkend.",
        "fr-FR": "Clignez nettement une fois quand c'est demandé, en regardant la caméra.",
    },
    "smile_missed": {
        "en-US": "Smile broadly when asked, looking straight at the camera.",
        "nl-NL": "Glimlach breed als daarom gevraagd wordt, recht in de camera kijkend.",
        "fr-FR": "Souriez largement quand c'est demandé, en regardant la caméra.",
    },
    "unexpected_action": {
        "en-US": "Do only what the current step asks, then look straight at the camera.",
        "nl-NL": "Doe alleen wat de huidige stap vraagt en kijk daarna recht in de camera.",
        "fr-FR": "Faites seulement ce que demande l'étape, puis regardez la caméra.",
    },
    "flash_not_reflected": {
        "en-US": "Turn up the screen brightness and keep your face close to the screen.",
        "nl-NL": "Zet de schermhelderheid hoger en houd uw gezicht dicht bij het scherm.",
        "fr-FR": "Augmentez la luminosité de l'écran et approchez le visage de l'écran.",
    },
    "passive_spoof_suspected": {
        "en-US": "Please use your own face, live, not a photo or a screen.",
        "nl-NL": "Gebruik uw eigen gezicht, live, geen foto of scherm.",
        "fr-FR": "Utilisez votre propre visage, en direct, pas une photo ni un écran.",
    },
    "no_frames": {
        "en-US": "No usable video arrived. Please try again.",
        "nl-NL": "Er kwam geen bruikbaar beeld binnen. Probeer het opnieuw.",
        "fr-FR": "Aucune vidéo exploitable n'est arrivée. Réessayez.",
    },
}


def reason_hint(code: str, locale: str) -> str:
    entry = REASONS.get(code)
    return entry[locale] if entry else REASONS["no_frames"][locale]
