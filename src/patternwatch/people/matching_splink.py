"""Person matching with Splink (Fellegi-Sunter, DuckDB locally): the same fields and levels as
people/matching.py, with m probabilities trained by EM (no labels) and u by random sampling.

Used by ``benchmarks/bench_matching.py`` to compare against the hand-weighted engine and for
large batches (DuckDB runs the comparisons in C++ on every core). docs/matching.md has the
numbers. Splink and DuckDB are imported lazily so the application does not need them loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from patternwatch.people.matching import (
    DEFAULT_THRESHOLD,
    PersonRecord,
    clean_name,
    clean_postcode,
    first_name_token,
    nickname_groups,
    postcode_district,
)


def _rows(records: Sequence[PersonRecord]) -> dict[str, list[object]]:
    groups = nickname_groups()
    cols: dict[str, list[object]] = {
        k: []
        for k in (
            "unique_id",
            "forename",
            "surname",
            "fkey",
            "fgroups",
            "dob",
            "dob_y",
            "dob_m",
            "dob_d",
            "postcode",
            "district",
        )
    }
    for index, r in enumerate(records):
        fore = first_name_token(r.forename) or None
        sur = clean_name(r.surname) or None
        g = sorted(groups.get(fore or "", ()))
        pc = clean_postcode(r.postcode) or None
        dob = r.date_of_birth
        cols["unique_id"].append(index)
        cols["forename"].append(fore)
        cols["surname"].append(sur)
        cols["fkey"].append(f"g{g[0]}" if g else fore)
        cols["fgroups"].append([f"g{x}" for x in g] or ([fore] if fore else None))
        cols["dob"].append(dob.isoformat() if dob else None)
        cols["dob_y"].append(dob.year if dob else None)
        cols["dob_m"].append(dob.month if dob else None)
        cols["dob_d"].append(dob.day if dob else None)
        cols["postcode"].append(pc)
        cols["district"].append(postcode_district(pc) if pc else None)
    return cols


def _settings():  # type: ignore[no-untyped-def]
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    swapped = "forename_l = surname_r AND surname_l = forename_r"
    forename = cl.CustomComparison(
        output_column_name="forename",
        comparison_levels=[
            cll.NullLevel("forename"),
            cll.ExactMatchLevel("forename", term_frequency_adjustments=True),
            cll.CustomLevel(swapped, "swapped"),
            cll.CustomLevel("list_has_any(fgroups_l, fgroups_r)", "nickname"),
            cll.CustomLevel(
                "jaro_winkler_similarity(forename_l, forename_r) >= 0.92"
                " OR damerau_levenshtein(forename_l, forename_r) <= 1",
                "fuzzy",
            ),
            cll.ElseLevel(),
        ],
    )
    surname = cl.CustomComparison(
        output_column_name="surname",
        comparison_levels=[
            cll.NullLevel("surname"),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
            cll.CustomLevel(swapped, "swapped"),
            cll.CustomLevel(
                "jaro_winkler_similarity(surname_l, surname_r) >= 0.93"
                " OR damerau_levenshtein(surname_l, surname_r) <= 1",
                "fuzzy",
            ),
            cll.CustomLevel("jaro_winkler_similarity(surname_l, surname_r) >= 0.85", "similar"),
            cll.ElseLevel(),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(
                "dob_y_l = dob_y_r AND dob_d_l = dob_m_r AND dob_m_l = dob_d_r", "transposed"
            ),
            cll.CustomLevel(
                "dob_m_l = dob_m_r AND dob_d_l = dob_d_r AND abs(dob_y_l - dob_y_r) = 1",
                "year_off",
            ),
            cll.CustomLevel("hamming(dob_l, dob_r) = 1", "one_digit"),
            cll.ElseLevel(),
        ],
    )
    postcode = cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode"),
            cll.ExactMatchLevel("district"),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[forename, surname, dob, postcode],
        blocking_rules_to_generate_predictions=[
            block_on("surname", "dob"),
            block_on("fkey", "dob"),
            block_on("fkey", "surname"),
            block_on("surname", "postcode"),
            block_on("dob", "postcode"),
            block_on("fkey", "postcode"),
            block_on("fkey", "dob_y"),
            block_on("surname", "dob_y"),
            "l.forename = r.surname AND l.surname = r.forename",
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def dedupe_splink(
    records: Sequence[PersonRecord], *, threshold: float = DEFAULT_THRESHOLD, seed: int = 1
) -> list[str]:
    """Each record's person id (the record id of its cluster's first member) from Splink."""
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI, Linker, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    con = duckdb.connect()
    con.register("people_arrow", pa.table(_rows(records)))
    con.execute("CREATE TABLE people AS SELECT * FROM people_arrow")
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register("people"), _settings())
    linker.training.estimate_probability_two_random_records_match(
        ["l.forename = r.forename AND l.surname = r.surname AND l.dob = r.dob"], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname", "fkey"))
    predictions = linker.inference.predict(threshold_match_probability=min(threshold, 0.5))
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    table = clusters.physical_name
    rows = con.execute(f"SELECT unique_id, cluster_id FROM {table}").fetchall()
    cluster_of = {int(uid): cid for uid, cid in rows}
    first: dict[object, str] = {}
    out: list[str] = []
    for index, r in enumerate(records):
        cid = cluster_of.get(index, ("solo", index))
        out.append(first.setdefault(cid, r.record_id))
    return out
