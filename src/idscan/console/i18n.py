"""Messages of the operator console. English source strings live here, keyed by what they are for;
the nl-NL and fr-FR translations are Babel catalogs in `locales/` (gettext .po, msgid = the English
text), like the hosted pages' (`hosted/i18n.py`), whose attempt-code hints the console reuses."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALES = ("en-US", "nl-NL", "fr-FR")
CATALOG_DIR = Path(__file__).with_name("locales")

MESSAGES: dict[str, str] = {
    "console": "Operator console",
    "skip": "Skip to the content",
    "nav_label": "Console sections",
    "nav_overview": "Overview",
    "nav_transactions": "Transactions",
    "nav_accounts": "Accounts",
    "nav_users": "Console users",
    "nav_audit": "Audit log",
    "logout": "Sign out",
    "language": "Language",
    "role_admin": "admin",
    "role_reviewer": "reviewer",
    "role_viewer": "viewer",
    "login_title": "Sign in",
    "login": "Sign in",
    "email": "Email address",
    "password": "Password",
    "totp_code": "Code from your authenticator app",
    "totp_help": "Six digits; required for admins and for everyone who set up a second factor.",
    "login_failed": "Wrong email, password or code.",
    "too_many_logins": "Too many sign-in attempts. Wait a minute, then try again.",
    "setup_title": "Set up your console access",
    "setup_intro": "Choose a password for {email}.",
    "setup_invalid": "This setup link is not valid: it was used, it expired, or it was never issued.",
    "new_password": "New password",
    "password_again": "The same password again",
    "password_rule": "At least 12 characters. A passphrase of several words works well.",
    "password_short": "The password is too short: use at least 12 characters.",
    "passwords_differ": "The two passwords differ.",
    "code_wrong": "The code does not match. Scan the QR code again and enter the current code.",
    "totp_title": "Second factor",
    "totp_required": "Admins must use a second factor: scan this code with an authenticator app, then enter the code it shows.",
    "totp_optional": "Optional: scan this code with an authenticator app and enter the code it shows, or leave the code empty.",
    "totp_secret": "Or type this key into the app:",
    "setup_submit": "Save and go to sign-in",
    "filters": "Filters",
    "search": "Transaction ID, result ID or document number",
    "search_help": "Document numbers are matched by a keyed digest; the numbers themselves are not stored for searching.",
    "state": "State",
    "any": "Any",
    "account": "Account",
    "mode": "Live or test",
    "mode_live": "live",
    "mode_test": "TEST",
    "task": "Task",
    "attempt_code": "Attempt code",
    "date_from": "Created from",
    "date_to": "Created until",
    "apply": "Apply",
    "transaction": "Transaction",
    "tasks": "Tasks",
    "created": "Created",
    "completed": "Finished",
    "erased": "erased",
    "next_page": "Next page",
    "no_transactions": "No transactions match.",
    "state_pending": "pending",
    "state_completed": "completed",
    "state_expired": "expired",
    "state_cancelled": "cancelled",
    "task_state_pending": "to do",
    "task_state_completed": "done",
    "task_state_failed": "failed",
    "task_document_scan": "Document scan",
    "task_face_liveness": "Liveness check",
    "task_face_match": "Face match",
    "back_to_list": "All transactions",
    "result_id": "Result ID",
    "attempts": "Attempts",
    "score": "Score",
    "threshold": "threshold",
    "passed": "passed",
    "not_passed": "not passed",
    "document_attempts": "Document attempts",
    "none": "None.",
    "processing": "being processed",
    "source": "Source",
    "side": "side",
    "image_document": "Redacted document image",
    "image_portrait": "Portrait from the document",
    "image_selfie": "Selfie from the liveness check",
    "images_hidden": "Images are shown to reviewers and admins only.",
    "liveness_checks": "Liveness checks",
    "result": "Result",
    "result_help": "The result as the integrator receives it, without its download links.",
    "no_result": "No result (not completed, or erased).",
    "report_simple": "Download the simple report",
    "report_extended": "Download the extended (sealed) report",
    "deliveries": "Webhook deliveries",
    "started": "Started",
    "outcome": "Outcome",
    "error": "Error",
    "resend": "Send again now",
    "notes": "Reviewer notes",
    "add_note": "Add a note",
    "save_note": "Save note",
    "erase_title": "Cancel and erase",
    "erase_help": "A pending transaction is cancelled; its personal data (images, fields, reports) is erased now, through the same path as the API's DELETE. The stub stays for the audit trail.",
    "erase_error": "Give a reason and type the first eight characters of the transaction ID.",
    "reason": "Reason",
    "erase_type": "Type {prefix} to confirm",
    "erase_button": "Erase now",
    "erase_confirm_dialog": "Erase this transaction's personal data? This cannot be undone.",
    "done_erased": "The transaction's personal data was erased.",
    "done_noted": "Note saved.",
    "done_note_empty": "Write a note first.",
    "done_resent": "Sent again; the attempt is listed below.",
    "window": "Period",
    "last_days": "Last {days} days",
    "verifications": "Verifications",
    "completion_rate": "Completion rate",
    "median_time": "Median time to complete",
    "liveness_rate": "Liveness pass rate",
    "match_rate": "Face-match pass rate",
    "no_data": "no data",
    "chart_per_day": "Verifications per day",
    "chart_codes": "Attempt codes that fail most",
    "rates": "Pass rates",
    "setup_link_for": "Setup link for {email}:",
    "shown_once": "Shown once: copy it now.",
    "role": "Role",
    "status": "Status",
    "actions": "Actions",
    "disabled": "disabled",
    "active": "active",
    "invited": "invited",
    "change_role": "Change role",
    "new_setup_link": "New setup link",
    "disable": "Disable",
    "new_user": "New console user",
    "create_user": "Create and show the setup link",
    "user_invalid": "Could not create the user: check the address (it may exist already).",
    "export_csv": "Export as CSV",
    "action": "Action",
    "when": "When",
    "who": "Who",
    "target": "Subject",
    "from_where": "From",
    "details": "Details",
    "no_accounts": "No accounts yet.",
    "new_secret": "New secret for {id}:",
    "credentials": "API credentials",
    "key_id": "Key ID",
    "revoked": "revoked",
    "rotate": "Rotate",
    "revoke": "Revoke",
    "revoke_confirm": "Revoke it? Integrations using it stop working at once.",
    "create_credential": "Create a credential",
    "webhooks": "Webhooks",
    "events": "Events",
    "webhook_url": "Webhook URL",
    "create_webhook": "Add webhook",
    "login_oidc": "Sign in with your organisation's identity provider",
    "oidc_failed": "Signing in through the identity provider did not work. Try again, or sign in with your password.",
    "continue": "Continue",
    "webhook_invalid": "That URL cannot receive webhooks.",
}


@cache
def catalog(locale: str) -> Catalog | None:
    """The translations of a locale, read once per process (None for the source language)."""
    if locale == "en-US":
        return None
    with (CATALOG_DIR / locale.replace("-", "_") / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale.replace("-", "_"))


def translate(english: str, locale: str) -> str:
    entries = catalog(locale)
    if entries is None:
        return english
    message = entries.get(english)
    return str(message.string) if message is not None and message.string else english


def text(key: str, locale: str) -> str:
    return translate(MESSAGES[key], locale)
