"""SQL export on real engines: the query `seglens export-sql` writes must give
every customer the segment `seglens predict` gives, and the same features.

For each case (a dataset, a way to fit the model, export options) this fits a
model with the seglens CLI, labels the data with `seglens predict`, reads
seglens's own features (tests/engines/features.mjs), then runs the exported
SQL on DuckDB (duckdb and ansi dialects) and on Apache Spark in local mode
(spark dialect) and compares customer by customer: labels exactly, features
to 1e-9 relative. Prints one line per case and engine and a closing
'N passed, N failed' line; exits non-zero on any difference.

    python tests/engines/check.py [--no-spark] [--customers N]

Run through `bash tests/engines/run.sh` (creates the virtual environment).
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "out", "engines")
CLI = os.path.join(ROOT, "www", "cli.mjs")

RULES = "\n".join(
    [
        "Big spenders: monetary > 300 and orders >= 4",
        "Regulars: inter_purchase_days < 40 and not (trend < -0.5)",
        "Quiet: days_since_active > 120 or `count:it's a \"quoted\" \\ search; --` = 0 and sessions <= 3",
        "Everyone else: *",
    ]
)
ALL_FEATURES = ",".join(
    [
        "recency_days",
        "days_since_active",
        "tenure_days",
        "orders",
        "monetary",
        "aov",
        "refunds",
        "events",
        "active_days",
        "distinct_events",
        "sessions",
        "time_in_app_min",
        "avg_session_min",
        "events_per_session",
        "inter_purchase_days",
        "trend",
        "count:purchase",
        "used:add_to_wishlist",
        'count:it\'s a "quoted" \\ search; --',
    ]
)

# name, data file, `seglens segment` flags, export options (besides dialect), as_of for predict
CASES = [
    ("kmeans-defaults", "events_iso.csv", ["--k", "4"], {}, None),
    (
        "kmeans-every-feature",
        "events_iso.csv",
        ["--k", "5", "--features", ALL_FEATURES, "--lookback-days", "200", "--session-gap", "20"],
        {},
        None,
    ),
    ("kmeans-as-of", "events_iso.csv", ["--k", "3"], {"asOf": "2024-10-01"}, "2024-10-01"),
    ("kmeans-iso-text", "events_iso.csv", ["--k", "4", "--scale", "robust"], {"timeType": "iso"}, None),
    ("rfm", "events_iso.csv", ["--method", "rfm"], {}, None),
    ("rfm-4-bins", "events_epoch.csv", ["--method", "rfm", "--rfm-bins", "4"], {}, None),
    ("rules", "events_iso.csv", ["--method", "rules", "--rules", RULES], {}, None),
    ("dbscan", "events_iso.csv", ["--method", "dbscan", "--min-samples", "8"], {}, None),
    (
        "kmeans-epoch-ms",
        "events_epoch.csv",
        ["--k", "4", "--purchase-events", "purchase", "--scale", "minmax", "--log", "all"],
        {},
        None,
    ),
    ("kmeans-table", "shop_400.csv", ["--k", "3"], {}, None),
    (
        "kmeans-clip-impute",
        "events_iso.csv",
        ["--k", "4", "--features", "recency_days,orders,monetary,inter_purchase_days,aov", "--clip", "iqr", "--impute", "mean"],
        {},
        None,
    ),
    ("kmeans-segment-anonymous-ids", "events_segment.csv", ["--k", "4"], {}, None),
    ("rules-clip", "events_iso.csv", ["--method", "rules", "--rules", RULES, "--clip", "percentile", "--clip-percentile", "5"], {}, None),
]


def node(*args, capture=True):
    r = subprocess.run(["node", *args], cwd=ROOT, capture_output=capture, text=True)
    if r.returncode != 0:
        sys.exit(f"node {' '.join(args[:3])} failed:\n{r.stderr}")
    return r.stdout


def read_labels(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {row["id"]: int(row["segment"]) for row in csv.DictReader(f)}


def read_features(text):
    rows = list(csv.reader(text.splitlines()))
    names = rows[0][1:]
    return names, {r[0]: [float(v) if v != "" else None for v in r[1:]] for r in rows[1:]}


def data_path(name):
    if name == "shop_400.csv":
        return os.path.join(ROOT, "tests", "fixtures", name)
    return os.path.join(OUT, name)


def prepare(case):
    """Fits the model, predicts, exports SQL for every dialect; returns what the engines need."""
    name, data, flags, opts, as_of = case
    path = data_path(data)
    model = os.path.join(OUT, f"{name}.model.json")
    labels = os.path.join(OUT, f"{name}.labels.csv")
    node(CLI, "segment", path, *flags, "--seed", "3", "--model-out", model)
    node(CLI, "predict", path, "--model", model, "--labels", labels, *(["--as-of", as_of] if as_of else []))
    names, feats = read_features(node("tests/engines/features.mjs", path, model, as_of or ""))
    sql = {}
    for dialect in ("duckdb", "ansi", "spark"):
        out = os.path.join(OUT, f"{name}.{dialect}.sql")
        extra = []
        for k, v in opts.items():
            flag = {"asOf": "--as-of", "timeType": "--time-type"}[k]
            extra += [flag, v]
        with open(out, "w", encoding="utf-8") as f:
            f.write(node(CLI, "export-sql", "--model", model, "--dialect", dialect, "--with-features", *extra))
        with open(out, encoding="utf-8") as f:
            sql[dialect] = f.read()
    used = set(read_labels(labels).values())
    if len(used) < 2:
        sys.exit(f"{name}: the fitted model puts every customer in one segment; the case checks nothing")
    return {
        "name": name,
        "data": path,
        "model": json.load(open(model, encoding="utf-8")),
        "labels": read_labels(labels),
        "names": names,
        "features": feats,
        "sql": sql,
        "time_type": opts.get("timeType"),
    }


def compare(p, engine, rows):
    """rows: (id, segment_id, segment, *features). Returns a list of problems."""
    problems = []
    got = {str(r[0]): r for r in rows}
    want = p["labels"]
    names = [s["name"] for s in p["model"]["segments"]]
    if set(got) != set(want):
        missing = sorted(set(want) - set(got))[:3]
        extra = sorted(set(got) - set(want))[:3]
        problems.append(f"customers differ: {len(got)} vs {len(want)} (missing {missing}, extra {extra})")
    worst = 0.0
    for cid, seg in want.items():
        r = got.get(cid)
        if r is None:
            continue
        if r[1] != seg or r[2] != names[seg]:
            problems.append(f"customer {cid}: SQL says {r[1]} {r[2]!r}, predict says {seg} {names[seg]!r}")
        for j, (a, b) in enumerate(zip(r[3:], p["features"][cid])):
            if (a is None) != (b is None):
                problems.append(f"customer {cid} {p['names'][j]}: SQL {a}, seglens {b}")
            elif a is not None:
                if isinstance(a, float) and math.isnan(a):
                    a = None
                rel = abs(a - b) / max(1.0, abs(b)) if a is not None else math.inf
                worst = max(worst, rel)
                if rel > 1e-9:
                    problems.append(f"customer {cid} {p['names'][j]}: SQL {a}, seglens {b}")
    print(
        f"{'ok  ' if not problems else 'FAIL'} {p['name']:<22} {engine:<12} {len(got)} customers,"
        f" {len(set(want.values()))} segments, labels {'equal' if not problems else 'DIFFER'},"
        f" features max rel. diff {worst:.1e}"
    )
    for line in problems[:8]:
        print(f"       {line}")
    return problems


def table_sql(p, engine):
    """How the test loads the data: text columns, the time column as TIMESTAMP unless the case reads text."""
    roles = p["model"]["roles"]
    t = roles.get("time_column")
    if p["model"]["input"] != "events" or p["time_type"] == "iso" or roles.get("time_format") != "iso8601":
        return None
    return t


def run_duckdb(prepared):
    import duckdb

    failures = 0
    for p in prepared:
        con = duckdb.connect()
        con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv('{p['data']}', all_varchar = true, header = true)")
        t = table_sql(p, "duckdb")
        if t:
            con.execute(f'CREATE TABLE events AS SELECT * REPLACE (CAST("{t}" AS TIMESTAMP) AS "{t}") FROM raw')
        else:
            con.execute("CREATE TABLE events AS SELECT * FROM raw")
        for dialect in ("duckdb", "ansi"):
            start = time.time()
            rows = con.execute(p["sql"][dialect]).fetchall()
            failures += bool(compare(p, f"duckdb/{dialect}", rows))
            print(f"       ({time.time() - start:.2f} s)")
        con.close()
    return failures


def run_spark(prepared):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("seglens-sql-check")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    failures = 0
    try:
        for p in prepared:
            raw = spark.read.option("header", True).option("escape", '"').csv(p["data"])
            raw.createOrReplaceTempView("raw")
            t = table_sql(p, "spark")
            if t:
                cols = ", ".join(
                    f"CAST(`{c}` AS TIMESTAMP) AS `{c}`" if c == t else f"`{c}`" for c in raw.columns
                )
                spark.sql(f"SELECT {cols} FROM raw").createOrReplaceTempView("events")
            else:
                raw.createOrReplaceTempView("events")
            start = time.time()
            rows = [tuple(r) for r in spark.sql(p["sql"]["spark"]).collect()]
            failures += bool(compare(p, "spark", rows))
            print(f"       ({time.time() - start:.2f} s)")
    finally:
        spark.stop()
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-spark", action="store_true", help="DuckDB only")
    ap.add_argument("--customers", type=int, default=1500)
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    node("tests/engines/make-data.mjs", OUT, str(args.customers), "11", capture=False)
    prepared = [prepare(c) for c in CASES]
    checks = len(prepared) * (2 if args.no_spark else 3)
    failures = run_duckdb(prepared)
    if not args.no_spark:
        failures += run_spark(prepared)
    print(f"engines: {checks - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
