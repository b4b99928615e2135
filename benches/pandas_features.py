#!/usr/bin/env python3
"""The per-customer feature pipeline in pandas, timed, for benches/run.mjs:
read the event CSV, then recency / frequency / monetary / tenure / active days /
distinct events per customer (the core of seglens' features).

    python3 benches/pandas_features.py EVENTS.csv
Prints JSON: read seconds, aggregate seconds, customers.
"""
import json
import sys
import time

import pandas as pd


def main(path):
    t0 = time.perf_counter()
    df = pd.read_csv(path, dtype={"user_id": str})
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    t1 = time.perf_counter()
    as_of = df["timestamp"].max() + pd.Timedelta(days=1)
    df["revenue"] = df["revenue"].fillna(0.0)
    df["purchase"] = df["event"].eq("purchase")
    df["day"] = df["timestamp"].dt.floor("D")
    g = df.groupby("user_id", sort=False)
    p = df[df["purchase"]].groupby("user_id", sort=False)
    out = pd.DataFrame({
        "first": g["timestamp"].min(),
        "last": g["timestamp"].max(),
        "events": g.size(),
        "active_days": g["day"].nunique(),
        "distinct_events": g["event"].nunique(),
    })
    out["orders"] = p.size()
    out["monetary"] = p["revenue"].sum()
    out["last_purchase"] = p["timestamp"].max()
    out["recency_days"] = (as_of - out["last_purchase"].fillna(out["first"])).dt.days
    out["tenure_days"] = (as_of - out["first"]).dt.days
    t2 = time.perf_counter()
    print(json.dumps({"read": t1 - t0, "aggregate": t2 - t1, "customers": len(out)}))


if __name__ == "__main__":
    main(sys.argv[1])
