#!/usr/bin/env python3
"""Independent pandas reference for seglens' cohort tables (monthly and weekly):
first-time and recurring retention counts and PostHog lifecycle counts.

    python3 tests/reference/cohorts_pandas.py tests/fixtures/events_small.csv tests/fixtures/events_small.cohorts.json
"""
import json
import sys

import pandas as pd


def tables(df, freq):
    # period index per event; weeks are ISO (Monday start): to_period("W-SUN")
    p = df["timestamp"].dt.tz_localize(None).dt.to_period(freq)
    act = pd.DataFrame({"u": df["user_id"], "p": p}).drop_duplicates()
    periods = pd.period_range(act["p"].min(), act["p"].max(), freq=freq)
    last = periods[-1]
    active = act.groupby("u")["p"].apply(set).to_dict()
    first = act.groupby("u")["p"].min()

    def retention(members):
        out = []
        for c in sorted(members):
            who = members[c]
            horizon = min((last - c).n, 12)
            out.append({"cohort": str(c.start_time.date()) if freq != "M" else str(c),
                        "size": len(who),
                        "retained": [sum(1 for u in who if c + n in active[u]) for n in range(horizon + 1)]})
        return out

    first_members = {}
    for u, c in first.items():
        first_members.setdefault(c, []).append(u)
    recurring_members = {}
    for u, ps in active.items():
        for c in ps:
            recurring_members.setdefault(c, []).append(u)
    lifecycle = []
    for k in periods:
        new = ret = res = dor = 0
        for u, ps in active.items():
            now, before = k in ps, (k - 1) in ps
            if now:
                if first[u] == k:
                    new += 1
                elif before:
                    ret += 1
                else:
                    res += 1
            elif before:
                dor += 1
        lifecycle.append([new, ret, res, dor])
    return {"first_time": retention(first_members), "recurring": retention(recurring_members), "lifecycle": lifecycle}


def main(src, dst):
    df = pd.read_csv(src, dtype={"user_id": str})
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    out = {"month": tables(df, "M"), "week": tables(df, "W-SUN")}
    with open(dst, "w") as f:
        json.dump(out, f)
    print(f"wrote {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
