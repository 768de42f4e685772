"""The report's words in en-US, nl-NL and fr-FR, plus locale-aware dates and numbers (Babel).

Kept in one small module on purpose: hosted-page strings will move to Babel catalogs later, the
report only needs a few dozen labels.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_datetime
from babel.numbers import format_decimal

LOCALES = ("en-US", "nl-NL", "fr-FR")
DEFAULT_LOCALE = "en-US"

# key -> (en-US, nl-NL, fr-FR)
_CATALOGUE: dict[str, tuple[str, str, str]] = {
    "title": (
        "Identity verification report",
        "Rapport identiteitsverificatie",
        "Rapport de vérification d'identité",
    ),
    "kind.simple": ("Simple report", "Eenvoudig rapport", "Rapport simple"),
    "kind.extended": ("Extended report, sealed", "Uitgebreid rapport, verzegeld", "Rapport détaillé, scellé"),
    "account": ("Account", "Account", "Compte"),
    "transaction_id": ("Transaction ID", "Transactie-ID", "ID de transaction"),
    "result_id": ("Result ID", "Resultaat-ID", "ID de résultat"),
    "language": ("Language", "Taal", "Langue"),
    "created": ("Created", "Aangemaakt", "Créée"),
    "completed": ("Completed", "Afgerond", "Terminée"),
    "expires": ("Transaction expires", "Transactie verloopt", "Expiration de la transaction"),
    "generated": ("Report generated", "Rapport gemaakt", "Rapport généré"),
    "verdict": ("Verdict", "Oordeel", "Verdict"),
    "verdict.passed": (
        "Verified: every task passed",
        "Geverifieerd: alle taken geslaagd",
        "Vérifiée : toutes les tâches ont réussi",
    ),
    "verdict.failed": (
        "Not verified: a task did not pass",
        "Niet geverifieerd: een taak is niet geslaagd",
        "Non vérifiée : une tâche a échoué",
    ),
    "test_mode": (
        "TEST: a test key's transaction on a generated SPECIMEN, not a real person",
        "TEST: transactie van een testsleutel met een gegenereerd SPECIMEN, geen echt persoon",
        "TEST : transaction d'une clé de test sur un SPECIMEN généré, pas une vraie personne",
    ),
    "summary": ("Summary", "Samenvatting", "Synthèse"),
    "task": ("Task", "Taak", "Tâche"),
    "state": ("State", "Status", "État"),
    "score": ("Score", "Score", "Score"),
    "threshold": ("Threshold", "Drempel", "Seuil"),
    "passed": ("Passed", "Geslaagd", "Réussie"),
    "attempts": ("Attempts", "Pogingen", "Tentatives"),
    "document": ("Document", "Document", "Document"),
    "yes": ("yes", "ja", "oui"),
    "no": ("no", "nee", "non"),
    "none": ("—", "—", "—"),
    "settings": ("What was asked", "Wat is gevraagd", "Ce qui a été demandé"),
    "setting": ("Setting", "Instelling", "Paramètre"),
    "value": ("Value", "Waarde", "Valeur"),
    "fields": ("Extracted data", "Uitgelezen gegevens", "Données extraites"),
    "field": ("Field", "Veld", "Champ"),
    "validity": ("Validity", "Geldigheid", "Validité"),
    "comparison": ("Comparison", "Vergelijking", "Comparaison"),
    "redacted": ("redacted", "afgeschermd", "masqué"),
    "no_fields": ("No data was extracted.", "Er zijn geen gegevens uitgelezen.", "Aucune donnée extraite."),
    "fields_limited": (
        "Only these fields were asked: {fields}.",
        "Alleen deze velden zijn gevraagd: {fields}.",
        "Seuls ces champs ont été demandés : {fields}.",
    ),
    "redaction_note": (
        "Masked on request: {fields}.",
        "Op verzoek afgeschermd: {fields}.",
        "Masqués sur demande : {fields}.",
    ),
    "timeline": ("Timeline", "Tijdlijn", "Chronologie"),
    "history": ("Attempt history", "Pogingen", "Historique des tentatives"),
    "time": ("Time", "Tijd", "Heure"),
    "event": ("Event", "Gebeurtenis", "Événement"),
    "event.created": ("Transaction created", "Transactie aangemaakt", "Transaction créée"),
    "event.attempt": ("Attempt: {task}", "Poging: {task}", "Tentative : {task}"),
    "event.completed": ("Transaction completed", "Transactie afgerond", "Transaction terminée"),
    "code": ("Outcome", "Uitkomst", "Résultat"),
    "capture": ("Capture", "Opname", "Capture"),
    "linked": (
        "linked to the previous attempt",
        "hoort bij de vorige poging",
        "liée à la tentative précédente",
    ),
    "images": ("Images", "Afbeeldingen", "Images"),
    "image_note": (
        "Each image is embedded as received; its SHA-256 is printed below it.",
        "Elke afbeelding is opgenomen zoals ontvangen; de SHA-256 staat eronder.",
        "Chaque image est intégrée telle que reçue ; son SHA-256 figure en dessous.",
    ),
    "image.document_front": ("Document, front", "Document, voorzijde", "Document, recto"),
    "image.document_back": ("Document, back", "Document, achterzijde", "Document, verso"),
    "image.portrait": ("Portrait from the document", "Pasfoto uit het document", "Photo du document"),
    "image.selfie": ("Selfie", "Selfie", "Selfie"),
    "image.withheld": (
        "{image}: not included ({reason}).",
        "{image}: niet opgenomen ({reason}).",
        "{image} : non incluse ({reason}).",
    ),
    "reason.redacted": ("masked on request", "afgeschermd op verzoek", "masquée sur demande"),
    "reason.not_asked": ("not asked", "niet gevraagd", "non demandée"),
    "sha256": ("SHA-256", "SHA-256", "SHA-256"),
    "seal_note": (
        "This document carries an electronic seal. Any change to it breaks the seal; "
        "check it with a PDF reader or `idscan report verify`.",
        "Dit document draagt een elektronisch zegel. Elke wijziging verbreekt het zegel; "
        "controleer het met een PDF-lezer of `idscan report verify`.",
        "Ce document porte un cachet électronique. Toute modification rompt le cachet ; "
        "vérifiez-le avec un lecteur PDF ou `idscan report verify`.",
    ),
    "footer": (
        "Transaction {transaction} · Result {result}",
        "Transactie {transaction} · Resultaat {result}",
        "Transaction {transaction} · Résultat {result}",
    ),
    "page": ("Page {page} of {pages}", "Pagina {page} van {pages}", "Page {page} sur {pages}"),
    # tasks and states
    "task.document_scan": ("Document scan", "Documentscan", "Lecture du document"),
    "task.face_liveness": ("Liveness check", "Echtheidscontrole gezicht", "Détection du vivant"),
    "task.face_match": ("Face match", "Gezichtsvergelijking", "Comparaison faciale"),
    "state.pending": ("pending", "in behandeling", "en attente"),
    "state.completed": ("completed", "afgerond", "terminée"),
    "state.failed": ("failed", "mislukt", "échouée"),
    "state.expired": ("expired", "verlopen", "expirée"),
    "state.cancelled": ("cancelled", "geannuleerd", "annulée"),
    "validity.valid": ("valid", "geldig", "valide"),
    "validity.invalid": ("invalid", "ongeldig", "invalide"),
    "validity.not_checked": ("not checked", "niet gecontroleerd", "non vérifiée"),
    "comparison.match": ("match", "gelijk", "concordant"),
    "comparison.mismatch": ("mismatch", "verschillend", "discordant"),
    "comparison.not_performed": ("not performed", "niet uitgevoerd", "non effectuée"),
    "source.mrz": ("MRZ", "MRZ", "MRZ"),
    "source.visual": ("visual", "visueel", "visuel"),
    "source.barcode": ("barcode", "streepjescode", "code-barres"),
    "source.camera": ("camera", "camera", "caméra"),
    "source.file": ("file", "bestand", "fichier"),
    # fields
    "field.document_type": ("Document type", "Documentsoort", "Type de document"),
    "field.document_number": ("Document number", "Documentnummer", "Numéro du document"),
    "field.issuing_country": ("Issuing country", "Land van afgifte", "Pays de délivrance"),
    "field.nationality": ("Nationality", "Nationaliteit", "Nationalité"),
    "field.surname": ("Surname", "Achternaam", "Nom"),
    "field.given_names": ("Given names", "Voornamen", "Prénoms"),
    "field.date_of_birth": ("Date of birth", "Geboortedatum", "Date de naissance"),
    "field.age": ("Age", "Leeftijd", "Âge"),
    "field.sex": ("Sex", "Geslacht", "Sexe"),
    "field.date_of_issue": ("Date of issue", "Datum van afgifte", "Date de délivrance"),
    "field.date_of_expiry": ("Date of expiry", "Vervaldatum", "Date d'expiration"),
    "field.personal_number": ("Personal number", "Persoonsnummer", "Numéro personnel"),
    "field.place_of_birth": ("Place of birth", "Geboorteplaats", "Lieu de naissance"),
    "field.optional_data": ("Optional data", "Optionele gegevens", "Données facultatives"),
    "field.mrz": ("MRZ lines", "MRZ-regels", "Lignes MRZ"),
    "field.signature": ("Signature", "Handtekening", "Signature"),
    "field.address": ("Address", "Adres", "Adresse"),
    "field.categories": ("Vehicle categories", "Rijbewijscategorieën", "Catégories de véhicules"),
    "field.portrait": ("Portrait", "Pasfoto", "Photo"),
    "field.document_image": ("Document image", "Documentafbeelding", "Image du document"),
    "code_suffix": ("{field} (code)", "{field} (code)", "{field} (code)"),
    # settings
    "setting.tasks": ("Tasks", "Taken", "Tâches"),
    "setting.level": ("Level", "Niveau", "Niveau"),
    "setting.allowedExpiration": (
        "Allowed expiration (days)",
        "Toegestane verloopdatum (dagen)",
        "Expiration tolérée (jours)",
    ),
    "setting.redactFields": ("Masked fields", "Afgeschermde velden", "Champs masqués"),
    "setting.extractFields": ("Fields to extract", "Uit te lezen velden", "Champs à extraire"),
    "setting.validateFields": ("Issuer checks", "Controles van de uitgever", "Contrôles de l'émetteur"),
    "setting.captureSources": ("Capture sources", "Opnamebronnen", "Sources de capture"),
    "setting.minimumAge": ("Minimum age", "Minimumleeftijd", "Âge minimum"),
    "setting.maximumAge": ("Maximum age", "Maximumleeftijd", "Âge maximum"),
    "level.basic": ("basic", "basis", "basique"),
    "level.advanced": ("advanced", "geavanceerd", "avancé"),
    "all": ("all", "alle", "tous"),
}


def canonical_locale(locale: str | None) -> str:
    """`nl-nl` -> `nl-NL`; anything unknown falls back to en-US rather than failing a report."""
    wanted = (locale or "").lower()
    return next((loc for loc in LOCALES if loc.lower() == wanted), DEFAULT_LOCALE)


def text(locale: str, key: str, **values: object) -> str:
    """The message for `key`; an unknown key prints as itself so a new code never breaks a report."""
    entry = _CATALOGUE.get(key)
    message = entry[LOCALES.index(canonical_locale(locale))] if entry else key
    return message.format(**values) if values else message


def label(locale: str, prefix: str, value: str) -> str:
    """`label(loc, "state", "failed")`; unknown values (a new attempt code) print raw."""
    key = f"{prefix}.{value}"
    return text(locale, key) if key in _CATALOGUE else value


def field_label(locale: str, field: str) -> str:
    if field.endswith("_code") and f"field.{field[:-5]}" in _CATALOGUE:
        return text(locale, "code_suffix", field=text(locale, f"field.{field[:-5]}"))
    return label(locale, "field", field)


def datetime_text(locale: str, moment: dt.datetime | None) -> str:
    if moment is None:
        return text(locale, "none")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    # Auditors compare times across reports: always UTC, stated, to the second.
    stamp = format_datetime(moment.astimezone(dt.UTC), "medium", tzinfo=dt.UTC, locale=_babel(locale))
    # CLDR puts a narrow no-break space before AM/PM; not every embedded font has that glyph.
    return f"{stamp.replace(chr(0x202F), chr(0xA0))} UTC"


def number_text(locale: str, value: float | None) -> str:
    if value is None:
        return text(locale, "none")
    return format_decimal(value, format="0.00", locale=_babel(locale))


def _babel(locale: str) -> str:
    return canonical_locale(locale).replace("-", "_")
