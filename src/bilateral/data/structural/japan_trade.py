"""Japan's monthly trade with partners, Ministry of Finance figures (``opinion/trade_gdp.csv``).

Values are thousands of yen (their annual sums match COW's dollar flows at the year's exchange
rate, e.g. imports from Russia in 2000: 493.8 bn yen ≈ 4.55 bn US$).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilateral.data.structural.files import numeric, read_csv, reader
from bilateral.errors import BilateralError

DATASET = "opinion"
FILE = "opinion/trade_gdp.csv"
#: Country partners in the file (column prefix → ISO3); regional aggregates are not read.
PARTNERS = {"us": "USA", "chn": "CHN", "skor": "KOR", "nkor": "PRK", "rus": "RUS", "turkey": "TUR",
            "india": "IND", "taiwan": "TWN"}


@reader(DATASET, FILE)
def read_japan_monthly_trade(file: Path) -> pd.DataFrame:
    """``month, partner, exports, imports``: Japan's exports to and imports from each partner,
    thousand yen (NaN where the file has none, e.g. India before 1988)."""
    columns = [f"{p}_{flow}" for p in PARTNERS for flow in ("export", "import")]
    raw = numeric(read_csv(file, ["ymonth", *columns]), ["ymonth", *columns], file)
    months = raw["ymonth"].astype(int)
    if months.duplicated().any():
        row = int(months.duplicated().idxmax())
        raise BilateralError(f"{file}:{row + 2}: ymonth {months[row]} appears twice")
    index = pd.PeriodIndex.from_fields(year=months // 100, month=months % 100, freq="M")
    parts = [pd.DataFrame({"month": index, "partner": iso3, "exports": raw[f"{p}_export"].to_numpy(),
                           "imports": raw[f"{p}_import"].to_numpy()}) for p, iso3 in PARTNERS.items()]
    return pd.concat(parts, ignore_index=True)
