"""ICAO 9303 alpha-3 codes to English short names, plus national-language hints for EU documents.

ISO 3166-1 alpha-3 covers nearly every issuer; ICAO adds its own codes (Germany is `D`, the EU `EUE`,
UN bodies, stateless persons and refugees, British nationality classes, the specimen state `UTO`).
Names follow CLDR English short forms ("Netherlands", not "Netherlands (Kingdom of the)").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# ISO 3166-1 alpha-3 with CLDR English short names, packed as CODE=Name pairs separated by `;`.
_ISO_TABLE = (
    "ABW=Aruba;AFG=Afghanistan;AGO=Angola;AIA=Anguilla;ALA=Åland Islands;ALB=Albania;AND=Andorra;"
    "ARE=United Arab Emirates;ARG=Argentina;ARM=Armenia;ASM=American Samoa;ATA=Antarctica;"
    "ATF=French Southern Territories;ATG=Antigua and Barbuda;AUS=Australia;AUT=Austria;AZE=Azerbaijan;"
    "BDI=Burundi;BEL=Belgium;BEN=Benin;BES=Caribbean Netherlands;BFA=Burkina Faso;BGD=Bangladesh;"
    "BGR=Bulgaria;BHR=Bahrain;BHS=Bahamas;BIH=Bosnia and Herzegovina;BLM=Saint Barthélemy;BLR=Belarus;"
    "BLZ=Belize;BMU=Bermuda;BOL=Bolivia;BRA=Brazil;BRB=Barbados;BRN=Brunei;BTN=Bhutan;BVT=Bouvet Island;"
    "BWA=Botswana;CAF=Central African Republic;CAN=Canada;CCK=Cocos (Keeling) Islands;CHE=Switzerland;"
    "CHL=Chile;CHN=China;CIV=Côte d'Ivoire;CMR=Cameroon;COD=Democratic Republic of the Congo;"
    "COG=Republic of the Congo;COK=Cook Islands;COL=Colombia;COM=Comoros;CPV=Cape Verde;CRI=Costa Rica;"
    "CUB=Cuba;CUW=Curaçao;CXR=Christmas Island;CYM=Cayman Islands;CYP=Cyprus;CZE=Czechia;DEU=Germany;"
    "DJI=Djibouti;DMA=Dominica;DNK=Denmark;DOM=Dominican Republic;DZA=Algeria;ECU=Ecuador;EGY=Egypt;"
    "ERI=Eritrea;ESH=Western Sahara;ESP=Spain;EST=Estonia;ETH=Ethiopia;FIN=Finland;FJI=Fiji;"
    "FLK=Falkland Islands;FRA=France;FRO=Faroe Islands;FSM=Micronesia;GAB=Gabon;GBR=United Kingdom;"
    "GEO=Georgia;GGY=Guernsey;GHA=Ghana;GIB=Gibraltar;GIN=Guinea;GLP=Guadeloupe;GMB=Gambia;"
    "GNB=Guinea-Bissau;GNQ=Equatorial Guinea;GRC=Greece;GRD=Grenada;GRL=Greenland;GTM=Guatemala;"
    "GUF=French Guiana;GUM=Guam;GUY=Guyana;HKG=Hong Kong;HMD=Heard and McDonald Islands;HND=Honduras;"
    "HRV=Croatia;HTI=Haiti;HUN=Hungary;IDN=Indonesia;IMN=Isle of Man;IND=India;"
    "IOT=British Indian Ocean Territory;IRL=Ireland;IRN=Iran;IRQ=Iraq;ISL=Iceland;ISR=Israel;ITA=Italy;"
    "JAM=Jamaica;JEY=Jersey;JOR=Jordan;JPN=Japan;KAZ=Kazakhstan;KEN=Kenya;KGZ=Kyrgyzstan;KHM=Cambodia;"
    "KIR=Kiribati;KNA=Saint Kitts and Nevis;KOR=South Korea;KWT=Kuwait;LAO=Laos;LBN=Lebanon;LBR=Liberia;"
    "LBY=Libya;LCA=Saint Lucia;LIE=Liechtenstein;LKA=Sri Lanka;LSO=Lesotho;LTU=Lithuania;LUX=Luxembourg;"
    "LVA=Latvia;MAC=Macao;MAF=Saint Martin;MAR=Morocco;MCO=Monaco;MDA=Moldova;MDG=Madagascar;"
    "MDV=Maldives;MEX=Mexico;MHL=Marshall Islands;MKD=North Macedonia;MLI=Mali;MLT=Malta;MMR=Myanmar;"
    "MNE=Montenegro;MNG=Mongolia;MNP=Northern Mariana Islands;MOZ=Mozambique;MRT=Mauritania;"
    "MSR=Montserrat;MTQ=Martinique;MUS=Mauritius;MWI=Malawi;MYS=Malaysia;MYT=Mayotte;NAM=Namibia;"
    "NCL=New Caledonia;NER=Niger;NFK=Norfolk Island;NGA=Nigeria;NIC=Nicaragua;NIU=Niue;NLD=Netherlands;"
    "NOR=Norway;NPL=Nepal;NRU=Nauru;NZL=New Zealand;OMN=Oman;PAK=Pakistan;PAN=Panama;"
    "PCN=Pitcairn Islands;PER=Peru;PHL=Philippines;PLW=Palau;PNG=Papua New Guinea;POL=Poland;"
    "PRI=Puerto Rico;PRK=North Korea;PRT=Portugal;PRY=Paraguay;PSE=Palestine;PYF=French Polynesia;"
    "QAT=Qatar;REU=Réunion;ROU=Romania;RUS=Russia;RWA=Rwanda;SAU=Saudi Arabia;SDN=Sudan;SEN=Senegal;"
    "SGP=Singapore;SGS=South Georgia and South Sandwich Islands;SHN=Saint Helena;"
    "SJM=Svalbard and Jan Mayen;SLB=Solomon Islands;SLE=Sierra Leone;SLV=El Salvador;SMR=San Marino;"
    "SOM=Somalia;SPM=Saint Pierre and Miquelon;SRB=Serbia;SSD=South Sudan;STP=São Tomé and Príncipe;"
    "SUR=Suriname;SVK=Slovakia;SVN=Slovenia;SWE=Sweden;SWZ=Eswatini;SXM=Sint Maarten;SYC=Seychelles;"
    "SYR=Syria;TCA=Turks and Caicos Islands;TCD=Chad;TGO=Togo;THA=Thailand;TJK=Tajikistan;TKL=Tokelau;"
    "TKM=Turkmenistan;TLS=Timor-Leste;TON=Tonga;TTO=Trinidad and Tobago;TUN=Tunisia;TUR=Türkiye;"
    "TUV=Tuvalu;TWN=Taiwan;TZA=Tanzania;UGA=Uganda;UKR=Ukraine;UMI=U.S. Outlying Islands;URY=Uruguay;"
    "USA=United States;UZB=Uzbekistan;VAT=Vatican City;VCT=Saint Vincent and Grenadines;VEN=Venezuela;"
    "VGB=British Virgin Islands;VIR=U.S. Virgin Islands;VNM=Vietnam;VUT=Vanuatu;WLF=Wallis and Futuna;"
    "WSM=Samoa;YEM=Yemen;ZAF=South Africa;ZMB=Zambia;ZWE=Zimbabwe"
)
ISO_ALPHA3: dict[str, str] = dict(pair.split("=", 1) for pair in _ISO_TABLE.split(";"))

# Codes ICAO 9303 part 3 adds to ISO 3166 (plus `UTO`, the fictional state of the specimens).
ICAO_SPECIAL: dict[str, str] = {
    "D": "Germany",
    "EUE": "European Union",
    "UNO": "United Nations",
    "UNA": "United Nations specialized agency",
    "UNK": "Kosovo (UNMIK)",
    "RKS": "Kosovo",
    "XXA": "Stateless person",
    "XXB": "Refugee (1951 Convention)",
    "XXC": "Refugee (other)",
    "XXX": "Unspecified nationality",
    "XOM": "Sovereign Military Order of Malta",
    "XPO": "Interpol",
    "XCC": "Caribbean Community",
    "XCE": "Council of Europe",
    "XEC": "Economic Community of West African States",
    "XES": "Organisation of Eastern Caribbean States",
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XDC": "Southern African Development Community",
    "GBD": "United Kingdom (British Overseas Territories Citizen)",
    "GBN": "United Kingdom (British National (Overseas))",
    "GBO": "United Kingdom (British Overseas Citizen)",
    "GBP": "United Kingdom (British Protected Person)",
    "GBS": "United Kingdom (British Subject)",
    "UTO": "Utopia",
}

COUNTRY_NAMES: dict[str, str] = {**ISO_ALPHA3, **ICAO_SPECIAL}


def normalise_code(code: str) -> str:
    """Strip MRZ fillers and blanks: `D<<` and `D` are both Germany."""
    return code.replace("<", "").strip().upper()


def country_name(code: str) -> str | None:
    """English short name for an ICAO code (`D<<`, `NLD`, `UTO` ...), None when unknown."""
    return COUNTRY_NAMES.get(normalise_code(code))


def is_known_code(code: str) -> bool:
    return normalise_code(code) in COUNTRY_NAMES


@dataclass(frozen=True)
class NationalHint:
    """How an EU issuer prints the holder's nationality, for matching the visual zone."""

    locale: str
    nationality_words: tuple[str, ...]


# The document's language (for the result's `locale` entry) and nationality words as printed in the
# visual zone, upper-case and without accents; English forms are matched separately by the caller.
NATIONAL_HINTS: dict[str, NationalHint] = {
    "AUT": NationalHint("de-AT", ("OSTERREICH", "OSTERREICHISCH")),
    "BEL": NationalHint("nl-BE", ("BELG", "BELGISCHE", "BELGE")),
    "BGR": NationalHint("bg-BG", ("BALGARSKO", "БЪЛГАРСКО")),
    "HRV": NationalHint("hr-HR", ("HRVATSKO", "HRVATSKA")),
    "CYP": NationalHint("el-CY", ("KYPRIAKI", "ΚΥΠΡΙΑΚΗ")),
    "CZE": NationalHint("cs-CZ", ("CESKA REPUBLIKA", "CESKE")),
    "DNK": NationalHint("da-DK", ("DANSK",)),
    "EST": NationalHint("et-EE", ("EESTI",)),
    "FIN": NationalHint("fi-FI", ("SUOMI", "SUOMEN")),
    "FRA": NationalHint("fr-FR", ("FRANCAISE", "FRANCAIS")),
    "D": NationalHint("de-DE", ("DEUTSCH",)),
    "DEU": NationalHint("de-DE", ("DEUTSCH",)),
    "GRC": NationalHint("el-GR", ("ELLINIKI", "ΕΛΛΗΝΙΚΗ")),
    "HUN": NationalHint("hu-HU", ("MAGYAR",)),
    "IRL": NationalHint("en-IE", ("EIREANNACH", "IRISH")),
    "ITA": NationalHint("it-IT", ("ITALIANA",)),
    "LVA": NationalHint("lv-LV", ("LATVIJAS", "LATVIJA")),
    "LTU": NationalHint("lt-LT", ("LIETUVOS RESPUBLIKOS", "LIETUVOS")),
    "LUX": NationalHint("fr-LU", ("LUXEMBOURGEOISE", "LUXEMBOURGEOIS")),
    "MLT": NationalHint("mt-MT", ("MALTI", "MALTESE")),
    "NLD": NationalHint("nl-NL", ("NEDERLANDSE",)),
    "POL": NationalHint("pl-PL", ("POLSKIE", "POLSKA")),
    "PRT": NationalHint("pt-PT", ("PORTUGUESA",)),
    "ROU": NationalHint("ro-RO", ("ROMANA", "ROMÂNĂ")),
    "SVK": NationalHint("sk-SK", ("SLOVENSKA REPUBLIKA", "SLOVENSKE")),
    "SVN": NationalHint("sl-SI", ("SLOVENSKO", "SLOVENIJA")),
    "ESP": NationalHint("es-ES", ("ESPANOLA", "ESPANOL")),
    "SWE": NationalHint("sv-SE", ("SVENSK",)),
}


def national_hint(code: str) -> NationalHint | None:
    return NATIONAL_HINTS.get(normalise_code(code))


# English nationality words that do not follow from the country name by a regular suffix.
_IRREGULAR_DEMONYMS: dict[str, tuple[str, ...]] = {
    "FRA": ("FRENCH",),
    "GBR": ("BRITISH", "BRITISH CITIZEN"),
    "NLD": ("DUTCH",),
    "POL": ("POLISH",),
    "ESP": ("SPANISH",),
    "DNK": ("DANISH",),
    "SWE": ("SWEDISH",),
    "FIN": ("FINNISH",),
    "IRL": ("IRISH",),
    "CHE": ("SWISS",),
    "GRC": ("GREEK", "HELLENIC"),
    "CYP": ("CYPRIOT",),
    "TUR": ("TURKISH",),
    "USA": ("AMERICAN",),
    "SVK": ("SLOVAK",),
    "SVN": ("SLOVENE", "SLOVENIAN"),
    "CZE": ("CZECH",),
    "HRV": ("CROATIAN",),
    "LUX": ("LUXEMBOURGER", "LUXEMBOURGISH"),
    "NER": ("NIGERIEN",),
    "NGA": ("NIGERIAN",),
    "PHL": ("FILIPINO",),
    "NZL": ("NEW ZEALANDER",),
    "D": ("GERMAN",),
    "DEU": ("GERMAN",),
}
_SUFFIXES = ("N", "AN", "IAN", "ESE", "ISH", "IC", "I")


def _regular_forms(name: str) -> set[str]:
    """UTOPIA -> UTOPIAN, HUNGARY -> HUNGARIAN, GERMANY -> GERMAN, ICELAND -> ICELANDIC, ..."""
    upper = name.upper()
    forms = {upper + suffix for suffix in _SUFFIXES}
    if upper[-1:] in {"A", "E", "Y"}:
        forms |= {upper[:-1] + suffix for suffix in _SUFFIXES}
    if upper.endswith("Y"):
        forms.add(upper[:-1])
    return {form for form in forms if len(form) >= 5}


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, frozenset[str]]:
    """Code -> English nationality words; a derived word two codes would share (NIGERIAN from NIGER
    and NIGERIA) is dropped, so a match never confirms the wrong country."""
    forms = {code: _regular_forms(name) for code, name in ISO_ALPHA3.items()}
    forms["UTO"] = _regular_forms("UTOPIA")
    seen: dict[str, int] = {}
    for words in forms.values():
        for word in words:
            seen[word] = seen.get(word, 0) + 1
    out = {code: {w for w in words if seen[w] == 1} for code, words in forms.items()}
    for code, extra in _IRREGULAR_DEMONYMS.items():
        out.setdefault(code, set()).update(extra)
    return {code: frozenset(words) for code, words in out.items()}


def nationality_words(code: str) -> frozenset[str]:
    """English words a visual zone may print for the nationality `code` (UTOPIAN, GERMAN, DUTCH)."""
    normal = normalise_code(code)
    words = set(_demonyms().get(normal, frozenset()))
    name = country_name(normal)
    if name is not None:
        words.add(name.upper())
    hint = national_hint(normal)
    if hint is not None:
        words.update(hint.nationality_words)
    return frozenset(words)
