"""Published layouts of event datasets, each mapped to the fields of the normalised event row.

A layout names the file's columns and says, as SQL over those columns, where each raw field of
the normalised row comes from (DESIGN.md §4). All columns are read as text; the store parses,
checks and converts them (``bilateral.data.store``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bilateral.errors import BilateralError

_DIRECTIVES = {"Y": "[0-9]{4}", "y": "[0-9]{2}", "m": "[0-9]{2}", "d": "[0-9]{2}", "j": "[0-9]{3}",
               "H": "[0-9]{2}", "M": "[0-9]{2}", "S": "[0-9]{2}", "b": "[A-Za-z]{3}", "B": "[A-Za-z]+", "%": "%"}


def date_pattern(date_format: str) -> str:
    """The regular expression a date text must match in full to be read with ``date_format``.

    strptime alone accepts unpadded fields (``2019022`` as ``%Y%m%d`` would be 2019-02-02); the
    pattern asks for every digit. Directives: ``%Y %y %m %d %j %H %M %S %b %B %%``; a format without a
    year, or with another directive, is a :class:`BilateralError`.
    """
    pattern, i = [], 0
    while i < len(date_format):
        ch = date_format[i]
        if ch == "%":
            directive = date_format[i + 1:i + 2]
            if directive not in _DIRECTIVES:
                raise BilateralError(f"date format {date_format!r}: %{directive} is not supported — use "
                                     f"{' '.join('%' + d for d in _DIRECTIVES)} (e.g. %Y-%m-%d or %d/%m/%Y)")
            pattern.append(_DIRECTIVES[directive])
            i += 2
        else:
            pattern.append(re.escape(ch))
            i += 1
    if "%Y" not in date_format and "%y" not in date_format:
        raise BilateralError(f"date format {date_format!r} has no year — include %Y (e.g. %Y-%m-%d)")
    return "".join(pattern)

GDELT_EVENT = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor{n}{part}" for n in (1, 2) for part in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
        "Religion2Code", "Type1Code", "Type2Code", "Type3Code")),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
]


def _geo(adm2: bool) -> list[str]:
    parts = ["Type", "FullName", "CountryCode", "ADM1Code", *(["ADM2Code"] if adm2 else []),
             "Lat", "Long", "FeatureID"]
    return [f"{who}Geo_{part}" for who in ("Actor1", "Actor2", "Action") for part in parts]


@dataclass(frozen=True)
class Layout:
    """A published file layout.

    ``fields`` maps each raw field of the normalised row to a SQL expression over the file's
    columns: ``event_id``, ``date`` (text), ``source_country``, ``source_sector``,
    ``target_country``, ``target_sector``, ``cameo`` (CAMEO code text) or ``plover`` (PLOVER event
    type), ``mentions`` and ``url``. ``date_format`` is a strptime format. ``header`` says whether
    the first line names the columns; with a header, ``columns`` may be a subset of it (read by
    name), without one it is the full, ordered list.
    """

    name: str
    dataset: str
    columns: list[str]
    header: bool
    date_format: str
    fields: dict[str, str]
    missing: list[str] = field(default_factory=lambda: [""])
    description: str = ""
    countries: str = "code"  # "code": CAMEO actor country codes; "name": English country names
    first_date: str = "1800-01-01"
    """The earliest plausible event date (ISO); later than a year from today is implausible too."""

    @property
    def code_kind(self) -> str:
        return "plover" if "plover" in self.fields else "cameo"


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


ICEWS = Layout(
    name="icews",
    dataset="icews",
    description="ICEWS Coded Event Data, Dataverse daily-update and yearly .tab files (20 columns, header)",
    columns=["Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
             "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
             "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
             "Longitude"],
    header=True,
    date_format="%Y-%m-%d",
    missing=["", "NA"],
    countries="name",
    first_date="1995-01-01",
    fields={"event_id": _q("Event ID"), "date": _q("Event Date"),
            "source_country": _q("Source Country"), "source_sector": _q("Source Sectors"),
            "target_country": _q("Target Country"), "target_sector": _q("Target Sectors"),
            "cameo": _q("CAMEO Code"), "mentions": "NULL", "url": "NULL"},
)

_GDELT_FIELDS = {"event_id": "GLOBALEVENTID", "date": "SQLDATE",
                 "source_country": "Actor1CountryCode", "source_sector": "Actor1Type1Code",
                 "target_country": "Actor2CountryCode", "target_sector": "Actor2Type1Code",
                 "cameo": "EventCode", "mentions": "NumMentions", "url": "SOURCEURL"}

GDELT2 = Layout(
    name="gdelt2", dataset="gdelt",
    description="GDELT 2.0 event export (61 tab-separated columns, no header)",
    columns=[*GDELT_EVENT, *_geo(adm2=True), "DATEADDED", "SOURCEURL"],
    header=False, date_format="%Y%m%d", fields=_GDELT_FIELDS, first_date="1979-01-01",
)
GDELT1 = Layout(
    name="gdelt1", dataset="gdelt",
    description="GDELT 1.0 daily file, from April 2013 (58 tab-separated columns, no header)",
    columns=[*GDELT_EVENT, *_geo(adm2=False), "DATEADDED", "SOURCEURL"],
    header=False, date_format="%Y%m%d", fields=_GDELT_FIELDS, first_date="1979-01-01",
)
GDELT1_HISTORICAL = Layout(
    name="gdelt1-historical", dataset="gdelt",
    description="GDELT 1.0 historical backfile, 1979 to March 2013 (57 columns, no header, no URL)",
    columns=[*GDELT_EVENT, *_geo(adm2=False), "DATEADDED"],
    header=False, date_format="%Y%m%d", fields={**_GDELT_FIELDS, "url": "NULL"}, first_date="1979-01-01",
)
PHOENIX = Layout(
    name="phoenix", dataset="phoenix",
    description="Phoenix daily files of the Open Event Data Alliance (26 columns, no header)",
    columns=["EventID", "Date", "Year", "Month", "Day", "SourceActorFull", "SourceActorEntity",
             "SourceActorRole", "SourceActorAttribute", "TargetActorFull", "TargetActorEntity",
             "TargetActorRole", "TargetActorAttribute", "EventCode", "EventRootCode", "QuadClass",
             "GoldsteinScore", "Issues", "ActionLat", "ActionLong", "LocationName", "GeoCountryName",
             "GeoStateName", "SentenceID", "URLs", "NewsSources"],
    header=False, date_format="%Y%m%d", first_date="1945-01-01",
    fields={"event_id": "EventID", "date": "Date", "source_country": "SourceActorEntity",
            "source_sector": "SourceActorRole", "target_country": "TargetActorEntity",
            "target_sector": "TargetActorRole", "cameo": "EventCode", "mentions": "NULL",
            "url": "split_part(URLs, ';', 1)"},
)
POLECAT = Layout(
    name="polecat", dataset="polecat",
    description="POLECAT weekly files (PLOVER-coded, tab-separated with a header; read by column name)",
    columns=["Event ID", "Event Date", "Event Type", "Actor Country", "Recipient Country",
             "Primary Actor Sector", "Primary Recipient Sector"],
    header=True, date_format="%Y-%m-%d", first_date="2018-01-01",
    fields={"event_id": _q("Event ID"), "date": _q("Event Date"),
            "source_country": _q("Actor Country"), "source_sector": _q("Primary Actor Sector"),
            "target_country": _q("Recipient Country"), "target_sector": _q("Primary Recipient Sector"),
            "plover": f"upper({_q('Event Type')})", "mentions": "NULL", "url": "NULL"},
)

LAYOUTS: dict[str, Layout] = {
    layout.name: layout for layout in (ICEWS, GDELT2, GDELT1, GDELT1_HISTORICAL, PHOENIX, POLECAT)
}


def csv_layout(mapping: dict[str, str], *, date_format: str = "%Y-%m-%d", dataset: str = "csv",
               countries: str = "name") -> Layout:
    """A layout for any delimited file with a header, from ``field=column`` pairs.

    Required fields: ``date``, ``source``, ``target`` and ``cameo`` (or ``plover``); optional:
    ``id``, ``source_sector``, ``target_sector``, ``mentions``, ``url``.
    """
    aliases = {"source": "source_country", "target": "target_country", "id": "event_id"}
    fields = {aliases.get(k, k): v for k, v in mapping.items()}
    known = {"event_id", "date", "source_country", "target_country", "cameo", "plover",
             "source_sector", "target_sector", "mentions", "url"}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise BilateralError(f"unknown field(s) in the column mapping: {', '.join(unknown)} — use date, source, "
                             "target, cameo or plover, and optionally id, source_sector, target_sector, mentions, url")
    required = {"date": "date", "source": "source_country", "target": "target_country"}
    lacking = [name for name, key in required.items() if key not in fields]
    if not {"cameo", "plover"} & fields.keys():
        lacking.append("cameo")
    if lacking:
        raise BilateralError(f"the column mapping lacks {', '.join(lacking)} — map each field to a column, e.g. "
                             "date=Date, source=Actor1, target=Actor2, cameo=Code")
    date_pattern(date_format)
    columns = sorted(set(fields.values()))
    sql = {k: _q(v) for k, v in fields.items()}
    defaults = {"event_id": "NULL", "source_sector": "NULL", "target_sector": "NULL",
                "mentions": "NULL", "url": "NULL"}
    return Layout(name="csv", dataset=dataset, columns=columns, header=True,
                  date_format=date_format, fields={**defaults, **sql}, countries=countries,
                  description="a delimited file with a header and a column mapping")
