#!/usr/bin/env python3
"""scipy reference for seglens' experiment table on tests/fixtures/events_ab.csv,
with segments defined by rules both sides compute independently
("Big spenders: monetary > 300", "Rest: *").

    python3 tests/reference/experiment_scipy.py tests/fixtures/events_ab.csv tests/fixtures/events_ab.experiment.json
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy import stats


def main(src, dst):
    df = pd.read_csv(src, dtype={"user_id": str})
    df["revenue"] = df["revenue"].fillna(0.0)
    refund = df["event"].str.contains("refund") | (df["revenue"] < 0)
    purchase = df["event"].eq("purchase") & ~refund
    g = df.groupby("user_id", sort=False)
    cust = pd.DataFrame({"variant": g["variant"].first()})
    cust["orders"] = df[purchase].groupby("user_id").size().reindex(cust.index, fill_value=0)
    gross = df[purchase].groupby("user_id")["revenue"].sum().reindex(cust.index, fill_value=0.0)
    refunds = df[refund].groupby("user_id")["revenue"].apply(lambda s: s.abs().sum()).reindex(cust.index, fill_value=0.0)
    cust["monetary"] = gross - refunds
    control, treatment = list(dict.fromkeys(df["variant"]))[:2]
    z975 = stats.norm.ppf(0.975)

    def wilson(x, n):
        p = x / n
        den = 1 + z975**2 / n
        c = (p + z975**2 / (2 * n)) / den
        h = z975 * np.sqrt(p * (1 - p) / n + z975**2 / (4 * n * n)) / den
        return [c - h, c + h]

    def group(name, sub):
        out = {"segment": name, "variants": []}
        parts = {}
        for v in [control, treatment]:
            s = sub[sub["variant"] == v]
            conv = (s["orders"] > 0).sum()
            rev = s["monetary"].to_numpy()
            parts[v] = (len(s), conv, rev)
            ci = stats.t.interval(0.95, len(rev) - 1, loc=rev.mean(), scale=stats.sem(rev))
            out["variants"].append({
                "variant": v, "customers": len(s), "conversion": conv / len(s),
                "conversion_ci": wilson(conv, len(s)), "revenue_per_customer": rev.mean(), "revenue_ci": list(ci),
            })
        (n1, x1, r1), (n2, x2, r2) = parts[control], parts[treatment]
        pooled = (x1 + x2) / (n1 + n2)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (x2 / n2 - x1 / n1) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        out["z"], out["p_conversion"] = z, 2 * stats.norm.sf(abs(z))
        w = stats.ttest_ind(r2, r1, equal_var=False)
        out["t"], out["p_revenue"] = w.statistic, w.pvalue
        return out

    big = cust["monetary"] > 300
    res = {"control": control, "treatment": treatment, "segments": [
        group("All customers", cust), group("Big spenders", cust[big]), group("Rest", cust[~big])]}
    def clean(o):  # NaN (an undefined test, e.g. everyone converted) becomes null, as in seglens
        if isinstance(o, dict):
            return {k: clean(v) for k, v in o.items()}
        if isinstance(o, list):
            return [clean(v) for v in o]
        o = float(o) if isinstance(o, (np.floating, np.integer, float)) and not isinstance(o, bool) else o
        return None if isinstance(o, float) and np.isnan(o) else o

    json.dump(clean(res), open(dst, "w"))
    print(f"wrote {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
