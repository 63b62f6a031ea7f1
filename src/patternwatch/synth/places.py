"""Hertfordshire's districts and towns: names, rough centres and postcode districts.

Town centres are approximate (general knowledge, to about 1 km; UNCONFIRMED). They are used only to
name the nearest town for an LSOA and to give synthetic addresses a plausible postcode district.
"""

from __future__ import annotations

from dataclasses import dataclass

# ONS local authority district code -> district name (the boundary files are named after them;
# /work/shared/data/boundaries/hertfordshire_lsoa_2011/).
DISTRICTS: dict[str, str] = {
    "E07000095": "Broxbourne",
    "E07000096": "Dacorum",
    "E07000097": "East Hertfordshire",
    "E07000098": "Hertsmere",
    "E07000099": "North Hertfordshire",
    "E07000100": "St Albans",
    "E07000101": "Stevenage",
    "E07000102": "Three Rivers",
    "E07000103": "Watford",
    "E07000104": "Welwyn Hatfield",
}


@dataclass(frozen=True, slots=True)
class Town:
    name: str
    district_code: str
    lat: float
    lon: float
    postcode_districts: tuple[str, ...]


TOWNS: tuple[Town, ...] = (
    Town("Cheshunt", "E07000095", 51.7005, -0.0337, ("EN7", "EN8")),
    Town("Hoddesdon", "E07000095", 51.7610, -0.0115, ("EN11",)),
    Town("Waltham Cross", "E07000095", 51.6862, -0.0330, ("EN8",)),
    Town("Broxbourne", "E07000095", 51.7467, -0.0194, ("EN10",)),
    Town("Hemel Hempstead", "E07000096", 51.7526, -0.4692, ("HP1", "HP2", "HP3")),
    Town("Berkhamsted", "E07000096", 51.7600, -0.5660, ("HP4",)),
    Town("Tring", "E07000096", 51.7950, -0.6590, ("HP23",)),
    Town("Kings Langley", "E07000096", 51.7140, -0.4560, ("WD4",)),
    Town("Hertford", "E07000097", 51.7960, -0.0780, ("SG13", "SG14")),
    Town("Ware", "E07000097", 51.8110, -0.0290, ("SG12",)),
    Town("Bishop's Stortford", "E07000097", 51.8720, 0.1590, ("CM23",)),
    Town("Sawbridgeworth", "E07000097", 51.8140, 0.1510, ("CM21",)),
    Town("Buntingford", "E07000097", 51.9460, -0.0180, ("SG9",)),
    Town("Borehamwood", "E07000098", 51.6570, -0.2720, ("WD6",)),
    Town("Potters Bar", "E07000098", 51.6980, -0.1810, ("EN6",)),
    Town("Bushey", "E07000098", 51.6430, -0.3600, ("WD23",)),
    Town("Radlett", "E07000098", 51.6850, -0.3180, ("WD7",)),
    Town("Hitchin", "E07000099", 51.9490, -0.2830, ("SG4", "SG5")),
    Town("Letchworth Garden City", "E07000099", 51.9790, -0.2300, ("SG6",)),
    Town("Baldock", "E07000099", 51.9890, -0.1880, ("SG7",)),
    Town("Royston", "E07000099", 52.0480, -0.0240, ("SG8",)),
    Town("Knebworth", "E07000099", 51.8660, -0.1840, ("SG3",)),
    Town("St Albans", "E07000100", 51.7527, -0.3394, ("AL1", "AL3", "AL4")),
    Town("Harpenden", "E07000100", 51.8160, -0.3560, ("AL5",)),
    Town("London Colney", "E07000100", 51.7260, -0.3000, ("AL2",)),
    Town("Stevenage", "E07000101", 51.9022, -0.2024, ("SG1", "SG2")),
    Town("Rickmansworth", "E07000102", 51.6390, -0.4710, ("WD3",)),
    Town("Abbots Langley", "E07000102", 51.7010, -0.4160, ("WD5",)),
    Town("Chorleywood", "E07000102", 51.6520, -0.5180, ("WD3",)),
    Town("South Oxhey", "E07000102", 51.6270, -0.3890, ("WD19",)),
    Town("Watford", "E07000103", 51.6565, -0.3903, ("WD17", "WD18", "WD24", "WD25")),
    Town("Hatfield", "E07000104", 51.7636, -0.2258, ("AL9", "AL10")),
    Town("Welwyn Garden City", "E07000104", 51.8010, -0.2040, ("AL7", "AL8")),
    Town("Welwyn", "E07000104", 51.8310, -0.2150, ("AL6",)),
)

TOWNS_BY_NAME: dict[str, Town] = {t.name: t for t in TOWNS}
