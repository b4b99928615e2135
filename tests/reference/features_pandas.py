#!/usr/bin/env python3
"""Independent reference for seglens' behavioural features and RFM, in pandas.

Reads an event log (user_id,timestamp,event,revenue) and writes one row per
customer (first-appearance order) with the features seglens documents and
the RFM scores/segments computed the way analysts do it in pandas
(qcut on rank(method="first")). The output is committed next to the input so
CI needs no Python; tests/features.rs compares seglens with it.

    python3 tests/reference/features_pandas.py tests/fixtures/events_small.csv tests/fixtures/events_small.expected.csv
"""
import re
import sys

import numpy as np
import pandas as pd

DAY = pd.Timedelta(days=1)
GAP = pd.Timedelta(minutes=30)
WINDOW = pd.Timedelta(days=30)

SEG_MAP = {  # R then F; the map seglens documents as its default
    r"5[4-5]": "Champions",
    r"[3-4][4-5]": "Loyal Customers",
    r"[4-5][2-3]": "Potential Loyalists",
    r"51": "New Customers",
    r"41": "Promising",
    r"33": "Need Attention",
    r"3[1-2]": "About to Sleep",
    r"[1-2][3-4]": "At Risk",
    r"[1-2]5": "Can't Lose Them",
    r"[1-2][1-2]": "Hibernating",
}


def main(src, dst):
    df = pd.read_csv(src, dtype={"user_id": str})
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    df["revenue"] = df["revenue"].fillna(0.0)
    as_of = df["timestamp"].max() + DAY
    is_refund = df["event"].str.lower().str.contains("refund|return|chargeback|cancel") | (df["revenue"] < 0)
    is_purchase = df["event"].str.lower().str.contains("purchase|order|checkout|transaction|payment|buy|subscribe") & ~is_refund
    df["purchase"] = is_purchase
    df["refund"] = is_refund
    order = list(dict.fromkeys(df["user_id"]))  # first appearance
    counts = df["event"].value_counts(sort=False)
    first_seen = {e: i for i, e in enumerate(dict.fromkeys(df["event"]))}
    top = sorted(counts.index, key=lambda e: (-counts[e], first_seen[e]))[:10]

    rows = []
    for cid, g in df.groupby("user_id", sort=False):
        g = g.sort_values("timestamp", kind="stable")
        t = g["timestamp"]
        p = g[g["purchase"]]
        first, last = t.min(), t.max()
        last_p = p["timestamp"].max() if len(p) else first
        gaps = t.diff() > GAP
        session_id = gaps.cumsum()
        sess = g.assign(s=session_id.values).groupby("s")["timestamp"].agg(["min", "max"])
        sessions = len(sess)
        minutes = ((sess["max"] - sess["min"]).dt.total_seconds().sum()) / 60.0
        ptimes = p["timestamp"].drop_duplicates()
        ipd = ((ptimes.max() - ptimes.min()).total_seconds() / 86400.0 / (len(ptimes) - 1)) if len(ptimes) >= 2 else np.nan
        recent = (t > as_of - WINDOW).sum()
        previous = ((t > as_of - 2 * WINDOW) & (t <= as_of - WINDOW)).sum()
        gross = p["revenue"].sum()
        net = gross - g.loc[g["refund"], "revenue"].abs().sum()
        orders = len(p)
        row = {
            "id": cid,
            "recency_days": (as_of - last_p).days,
            "days_since_active": (as_of - last).days,
            "tenure_days": (as_of - first).days,
            "orders": orders,
            "monetary": net,
            "aov": gross / orders if orders else 0.0,
            "refunds": int(g["refund"].sum()),
            "events": len(g),
            "active_days": t.dt.floor("D").nunique(),
            "distinct_events": g["event"].nunique(),
            "sessions": sessions,
            "time_in_app_min": minutes,
            "avg_session_min": minutes / sessions,
            "events_per_session": len(g) / sessions,
            "inter_purchase_days": ipd,
            "trend": (recent - previous) / (recent + previous) if recent + previous else 0.0,
        }
        for e in top:
            row[f"count:{e}"] = int((g["event"] == e).sum())
        for e in top:
            row[f"used:{e}"] = int((g["event"] == e).any())
        rows.append(row)
    out = pd.DataFrame(rows).set_index("id").loc[order].reset_index()

    labels = [1, 2, 3, 4, 5]
    out["r"] = pd.qcut(out["recency_days"].rank(method="first"), 5, labels=labels[::-1]).astype(int)
    out["f"] = pd.qcut(out["orders"].rank(method="first"), 5, labels=labels).astype(int)
    out["m"] = pd.qcut(out["monetary"].rank(method="first"), 5, labels=labels).astype(int)
    rf = out["r"].astype(str) + out["f"].astype(str)
    out["segment"] = rf.replace(SEG_MAP, regex=True)
    assert all(re.fullmatch(r"[A-Za-z' ]+", s) for s in out["segment"]), "every R×F cell must be named"
    out.to_csv(dst, index=False, float_format="%.12g")
    print(f"wrote {len(out)} customers to {dst} (as_of {as_of})")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
