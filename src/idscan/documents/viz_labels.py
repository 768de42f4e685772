"""Label words of the visual zone in the main EU languages (data for `viz.py`)."""

from __future__ import annotations

# fmt: off
# Whole-word phrases, accents removed, lower case. Longer phrases win over shorter ones.
LABELS: dict[str, tuple[str, ...]] = {
    "given_names": (
        "given names", "given name", "forenames", "first name", "prenoms", "prenom", "vornamen", "vorname",
        "voornamen", "nombre", "nombres", "nome", "nomes", "imiona", "imie", "fornamn", "fornavn",
        "etunimet", "jmeno", "jmena", "utonev", "eesnimi", "vardas", "vardai", "vards", "ime", "prenume",
        "meno", "ainm", "onomata", "keresztnev",
    ),
    "surname": (
        "surname", "surnames", "family name", "last name", "nom", "nom de famille", "name", "nachname",
        "familienname", "naam", "achternaam", "geslachtsnaam", "apellidos", "apellido", "cognome",
        "apelido", "apelidos", "nazwisko", "efternamn", "efternavn", "sukunimi", "prijmeni", "vezeteknev",
        "perekonnanimi", "pavarde", "uzvards", "prezime", "nume", "priezvisko", "sloinne", "eponymo",
    ),
    "date_of_birth": (
        "date of birth", "birth date", "born", "date de naissance", "ne le", "nee le", "ne e le",
        "geburtsdatum",
        "geburtstag", "geboortedatum", "geboren", "fecha de nacimiento", "data di nascita",
        "data de nascimento", "data urodzenia", "fodelsedatum", "fodselsdato", "syntymaaika",
        "datum narozeni", "szuletesi ido", "gimimo data", "dzimsanas datums", "datum rodjenja",
        "data nasterii", "datum rojstva", "synnipaev",
    ),
    "place_of_birth": (
        "place of birth", "birthplace", "lieu de naissance", "ne a", "geburtsort", "geboorteplaats",
        "lugar de nacimiento", "luogo di nascita", "local de nascimento", "miejsce urodzenia", "fodelseort",
        "fodested", "syntymapaikka", "misto narozeni", "szuletesi hely", "gimimo vieta", "dzimsanas vieta",
        "mjesto rodjenja", "locul nasterii", "kraj rojstva", "synnikoht",
    ),
    "date_of_issue": (
        "date of issue", "issue date", "date de delivrance", "delivree le", "delivre le",
        "ausstellungsdatum", "ausgestellt am", "datum verstrekking", "datum afgifte", "afgiftedatum",
        "fecha de expedicion", "fecha de emision", "expedicion", "data di rilascio", "data de emissao",
        "data wydania", "utfardandedatum", "utfardat", "udstedelsesdato", "myontamispaiva", "datum vydani",
        "kiallitas datuma", "kiallitas kelte", "izdavanja", "data emiterii", "valjaantud",
    ),
    "date_of_expiry": (
        "date of expiry", "expiry date", "expiry", "expires", "valid until", "date d expiration",
        "expiration", "valable jusqu au", "gultig bis", "geldig tot", "vervaldatum", "fecha de caducidad",
        "caducidad", "valido hasta", "validez", "data di scadenza", "scadenza", "data de validade",
        "valido ate", "data waznosci", "termin waznosci", "giltig till", "giltig tom", "giltig t o m",
        "udlobsdato", "voimassa", "platnost do", "ervenyes", "ervenyessegi ido", "galioja iki",
        "deriguma termins", "vrijedi do", "data expirarii", "kehtiv kuni",
    ),
    "nationality": (
        "nationality", "nationalite", "staatsangehorigkeit", "nationaliteit", "nacionalidad",
        "cittadinanza", "nazionalita", "nacionalidade", "obywatelstwo", "medborgarskap", "nationalitet",
        "statsborgerskab", "kansalaisuus", "statni obcanstvi", "allampolgarsag", "pilietybe", "pilsoniba",
        "drzavljanstvo", "cetatenie", "kodakondsus", "ithageneia",
    ),
    "sex": (
        "sex", "sexe", "geschlecht", "geslacht", "sexo", "sesso", "plec", "kon", "sukupuoli", "pohlavi",
        "nem", "lytis", "dzimums", "spol", "sugu", "fylo",
    ),
    "document_number": (
        "document no", "document number", "document nr", "passport no", "passport number", "card no",
        "documentnummer", "document nummer", "paspoortnummer", "n du document", "numero du document",
        "carte nationale d identite n",
        "n du passeport", "no du passeport", "numero de passeport", "ausweisnummer", "pass nr",
        "passnummer", "dokumentennummer", "num de documento", "numero de documento", "n documento",
        "numero documento", "n del passaporto", "numero passaporto", "nr dokumentu", "nr paszportu",
        "seria i numer", "dokumentnummer", "passinumero", "cislo pasu", "cislo dokladu", "okmany azonosito",
        "utlevel szama", "n o do documento", "n do documento", "numero do passaporte",
    ),
    "personal_number": (
        "personal no", "personal number", "personal id", "persoonsnummer", "bsn", "n personnel",
        "persoenliche nr", "personliche nr", "personenkennziffer", "dni", "codice fiscale", "pesel",
        "nr pesel", "personnummer", "personnr", "cpr nr", "henkilotunnus", "rodne cislo",
        "szemelyi azonosito", "isikukood", "asmens kodas", "personas kods", "emso", "cnp", "nif",
        "n de identificacao", "n identificacao civil", "numero de identificacao", "rijksregisternummer",
    ),
}
# Labels that plain words cannot tell apart from other text: matched on the raw OCR text.
RAW_LABELS: dict[str, tuple[str, ...]] = {
    "place_of_birth": (r"^\s*[àÀ]\s*:",),  # French identity card: "Né(e) le: ... / à: PARIS"
}
# EU driving licence field numbers (directive 2006/126/EC, annex I).
LICENCE_NUMBERS = {
    "1": "surname", "2": "given_names", "3": "date_of_birth", "4a": "date_of_issue", "4b": "date_of_expiry",
    "4d": "personal_number", "5": "document_number",
}
# fmt: on
