"""Messages of the hosted pages in en-US, nl-NL and fr-FR.

A plain table for now (the page has few strings); the capture pages of the end-user flow move these
to Babel catalogs shared with the JavaScript.
"""

from __future__ import annotations

from idscan.hosted.i18n_liveness import PROMPTS

LOCALES = ("en-US", "nl-NL", "fr-FR")
PATH_LOCALES = {loc.lower(): loc for loc in LOCALES}

MESSAGES: dict[str, dict[str, str]] = {
    "title": {
        "en-US": "Verify your identity",
        "nl-NL": "Verifieer uw identiteit",
        "fr-FR": "Vérifiez votre identité",
    },
    "intro": {
        "en-US": "Take a photo of your identity document, or upload one.",
        "nl-NL": "Maak een foto van uw identiteitsbewijs, of upload er een.",
        "fr-FR": "Prenez une photo de votre pièce d'identité, ou téléversez-en une.",
    },
    "file_label": {
        "en-US": "Photo of your document",
        "nl-NL": "Foto van uw document",
        "fr-FR": "Photo de votre document",
    },
    "submit": {"en-US": "Send", "nl-NL": "Versturen", "fr-FR": "Envoyer"},
    "completed": {
        "en-US": "Thank you. Your identity check is complete.",
        "nl-NL": "Bedankt. Uw identiteitscontrole is voltooid.",
        "fr-FR": "Merci. Votre vérification d'identité est terminée.",
    },
    "expired": {
        "en-US": "This link has expired. Ask for a new one.",
        "nl-NL": "Deze link is verlopen. Vraag een nieuwe aan.",
        "fr-FR": "Ce lien a expiré. Demandez-en un nouveau.",
    },
    "cancelled": {
        "en-US": "This verification was cancelled.",
        "nl-NL": "Deze verificatie is geannuleerd.",
        "fr-FR": "Cette vérification a été annulée.",
    },
    "unknown": {
        "en-US": "This link is not valid.",
        "nl-NL": "Deze link is niet geldig.",
        "fr-FR": "Ce lien n'est pas valide.",
    },
    "handoff_used": {
        "en-US": "This link was already used or has expired. Scan a new code on your computer.",
        "nl-NL": "Deze link is al gebruikt of verlopen. Scan een nieuwe code op uw computer.",
        "fr-FR": "Ce lien a déjà servi ou a expiré. Scannez un nouveau code sur votre ordinateur.",
    },
    "checking": {
        "en-US": "Checking your photo…",
        "nl-NL": "Uw foto wordt gecontroleerd…",
        "fr-FR": "Vérification de votre photo…",
    },
    "phone_title": {
        "en-US": "Continue on your phone",
        "nl-NL": "Ga verder op uw telefoon",
        "fr-FR": "Continuer sur votre téléphone",
    },
    "phone_intro": {
        "en-US": "Scan this code with your phone's camera. The link works once, for 15 minutes.",
        "nl-NL": "Scan deze code met de camera van uw telefoon. De link werkt één keer, 15 minuten lang.",
        "fr-FR": "Scannez ce code avec l'appareil photo de votre téléphone. Le lien sert une fois, 15 minutes.",
    },
    "phone_button": {
        "en-US": "Use my phone instead",
        "nl-NL": "Gebruik liever mijn telefoon",
        "fr-FR": "Utiliser plutôt mon téléphone",
    },
    "qr_alt": {
        "en-US": "QR code with a link to continue on your phone",
        "nl-NL": "QR-code met een link om verder te gaan op uw telefoon",
        "fr-FR": "Code QR avec un lien pour continuer sur votre téléphone",
    },
    "upload_failed": {
        "en-US": "The photo could not be sent. Check your connection and try again.",
        "nl-NL": "De foto kon niet worden verstuurd. Controleer uw verbinding en probeer het opnieuw.",
        "fr-FR": "La photo n'a pas pu être envoyée. Vérifiez votre connexion et réessayez.",
    },
    "too_large": {
        "en-US": "The photo is too large. Use a smaller one.",
        "nl-NL": "De foto is te groot. Gebruik een kleinere.",
        "fr-FR": "La photo est trop volumineuse. Utilisez-en une plus petite.",
    },
    "done_here": {
        "en-US": "Done. You can go back to your computer.",
        "nl-NL": "Klaar. U kunt teruggaan naar uw computer.",
        "fr-FR": "Terminé. Vous pouvez retourner sur votre ordinateur.",
    },
}

# The strings the page script needs, handed to it in the page's configuration.
SCRIPT_KEYS = (
    "checking", "completed", "expired", "cancelled", "upload_failed", "too_large", "done_here", "qr_alt",
    "look_straight", "head_left", "head_right", "blink", "smile", "sending", "camera_denied", "take_photo",
)  # fmt: skip

# One plain hint per attempt code (API section 2), shown right after each attempt.
HINTS: dict[str, dict[str, str]] = {
    "accepted": {
        "en-US": "Your document was accepted.",
        "nl-NL": "Uw document is geaccepteerd.",
        "fr-FR": "Votre document a été accepté.",
    },
    "front_side_provided_back_side_required": {
        "en-US": "Thanks. Now take a photo of the back of the document.",
        "nl-NL": "Bedankt. Maak nu een foto van de achterkant van het document.",
        "fr-FR": "Merci. Prenez maintenant une photo du verso du document.",
    },
    "back_side_provided_front_side_required": {
        "en-US": "That is the back. Now take a photo of the front.",
        "nl-NL": "Dat is de achterkant. Maak nu een foto van de voorkant.",
        "fr-FR": "C'est le verso. Prenez maintenant une photo du recto.",
    },
    "unknown_type_back": {
        "en-US": "This back side does not belong to the front. Use both sides of the same document.",
        "nl-NL": "Deze achterkant hoort niet bij de voorkant. Gebruik beide kanten van hetzelfde document.",
        "fr-FR": "Ce verso ne correspond pas au recto. Utilisez les deux faces du même document.",
    },
    "unknown_document": {
        "en-US": "We could not recognise this document. Use a passport, identity card or driving licence.",
        "nl-NL": "We herkennen dit document niet. Gebruik een paspoort, identiteitskaart of rijbewijs.",
        "fr-FR": "Nous ne reconnaissons pas ce document. Utilisez un passeport, une carte d'identité ou un permis.",
    },
    "mrz_not_found": {
        "en-US": "We could not find the machine-readable lines. Show the whole document, lines included.",
        "nl-NL": "We vinden de machineleesbare regels niet. Laat het hele document zien, regels inbegrepen.",
        "fr-FR": "Nous ne trouvons pas les lignes lisibles par machine. Montrez tout le document, lignes comprises.",
    },
    "mrz_invalid": {
        "en-US": "The machine-readable lines could not be read reliably. Try a sharper photo without glare.",
        "nl-NL": "De machineleesbare regels zijn niet betrouwbaar leesbaar. Probeer een scherpere foto zonder glans.",
        "fr-FR": "Les lignes lisibles par machine sont illisibles. Essayez une photo plus nette, sans reflet.",
    },
    "document_expired": {
        "en-US": "This document has expired. Use a valid document.",
        "nl-NL": "Dit document is verlopen. Gebruik een geldig document.",
        "fr-FR": "Ce document a expiré. Utilisez un document valide.",
    },
    "age_below_minimum": {
        "en-US": "You do not meet the minimum age for this service.",
        "nl-NL": "U voldoet niet aan de minimumleeftijd voor deze dienst.",
        "fr-FR": "Vous n'avez pas l'âge minimum requis pour ce service.",
    },
    "age_above_maximum": {
        "en-US": "You are above the maximum age for this service.",
        "nl-NL": "U bent ouder dan de maximumleeftijd voor deze dienst.",
        "fr-FR": "Vous dépassez l'âge maximum pour ce service.",
    },
    "field_invalid": {
        "en-US": "A number on the document did not pass its check. Try again with a clearer photo.",
        "nl-NL": "Een nummer op het document klopt niet. Probeer het opnieuw met een duidelijkere foto.",
        "fr-FR": "Un numéro du document n'a pas passé le contrôle. Réessayez avec une photo plus nette.",
    },
    "comparison_mismatch": {
        "en-US": "The printed data and the machine-readable lines do not match. Try a clearer photo.",
        "nl-NL": "De gedrukte gegevens en de machineleesbare regels komen niet overeen. Probeer een duidelijkere foto.",
        "fr-FR": "Les données imprimées et les lignes lisibles par machine diffèrent. Essayez une photo plus nette.",
    },
    "image_too_blurry": {
        "en-US": "The photo is blurry. Hold still and make sure the document is in focus.",
        "nl-NL": "De foto is onscherp. Houd stil en zorg dat het document scherp is.",
        "fr-FR": "La photo est floue. Ne bougez pas et faites la mise au point sur le document.",
    },
    "image_glare": {
        "en-US": "There is glare on the document. Tilt it slightly or move away from the light.",
        "nl-NL": "Er zit glans op het document. Kantel het iets of ga uit het licht.",
        "fr-FR": "Il y a un reflet sur le document. Inclinez-le un peu ou éloignez-vous de la lumière.",
    },
    "image_too_small": {
        "en-US": "The document is too small in the photo. Move closer.",
        "nl-NL": "Het document is te klein op de foto. Kom dichterbij.",
        "fr-FR": "Le document est trop petit sur la photo. Rapprochez-vous.",
    },
    "document_not_fully_visible": {
        "en-US": "Part of the document is missing. Keep all four corners in the photo.",
        "nl-NL": "Een deel van het document ontbreekt. Houd alle vier de hoeken in beeld.",
        "fr-FR": "Une partie du document manque. Gardez les quatre coins dans la photo.",
    },
    "portrait_not_found": {
        "en-US": "We could not find the photo of the holder on the document. Use the side with the photo.",
        "nl-NL": "We vinden de pasfoto op het document niet. Gebruik de kant met de foto.",
        "fr-FR": "Nous ne trouvons pas la photo du titulaire. Utilisez la face avec la photo.",
    },
    "unsupported_file": {
        "en-US": "This file cannot be used. Send a JPEG, PNG, WebP or HEIC photo.",
        "nl-NL": "Dit bestand is niet bruikbaar. Stuur een JPEG-, PNG-, WebP- of HEIC-foto.",
        "fr-FR": "Ce fichier est inutilisable. Envoyez une photo JPEG, PNG, WebP ou HEIC.",
    },
}


def text(key: str, locale: str) -> str:
    entry = MESSAGES.get(key) or PROMPTS[key]
    return entry[locale]


def hint(code: str, locale: str) -> str:
    entry = HINTS.get(code)
    return entry[locale] if entry else code
