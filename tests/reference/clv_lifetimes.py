#!/usr/bin/env python3
"""Reference for seglens' BG/NBD and Gamma-Gamma models: the Python `lifetimes`
package (0.11.3) on the CDNOW data it ships.

Writes, under tests/fixtures/clv/ (committed, so CI needs no Python):
- cdnow_summary.csv: the CDNOW customer summary (weeks) lifetimes ships;
- cdnow_summary.expected.json: BG/NBD and Gamma-Gamma parameters fitted by
  lifetimes, and per customer P(alive), expected purchases in the next 39
  weeks and the expected average order value;
- cdnow_sample_orders.csv: lifetimes' CDNOW_sample transactions as a plain
  customer,date,amount orders table;
- cdnow_sample.expected.csv: lifetimes' day-level summary of it
  (summary_data_from_transaction_data, freq='D', observation end 1998-07-01)
  and, from models fitted on that summary, P(alive), expected purchases in the
  next 90 days, expected average value and their product (clv_90d).

    python3 -m venv .venv-ref && .venv-ref/bin/pip install lifetimes
    .venv-ref/bin/python tests/reference/clv_lifetimes.py
"""
import json
import os

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value, load_dataset
from lifetimes.utils import summary_data_from_transaction_data

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "clv")
os.makedirs(OUT, exist_ok=True)


def r12(v):
    return float(f"{v:.12g}")


def fit(summary):
    bgf = BetaGeoFitter()
    bgf.fit(summary["frequency"], summary["recency"], summary["T"])
    repeat = summary[summary["frequency"] > 0]
    ggf = GammaGammaFitter()
    ggf.fit(repeat["frequency"], repeat["monetary_value"])
    return bgf, ggf


# 1. The published summary (weeks).
df = load_cdnow_summary_data_with_monetary_value()
df.to_csv(os.path.join(OUT, "cdnow_summary.csv"), index_label="id")
bgf, ggf = fit(df)
alive = bgf.conditional_probability_alive(df["frequency"], df["recency"], df["T"])
purchases = bgf.conditional_expected_number_of_purchases_up_to_time(39, df["frequency"], df["recency"], df["T"])
value = ggf.conditional_expected_average_profit(df["frequency"], df["monetary_value"])
with open(os.path.join(OUT, "cdnow_summary.expected.json"), "w") as f:
    json.dump(
        {
            "source": "lifetimes 0.11.3, load_cdnow_summary_data_with_monetary_value()",
            "bgnbd": {k: float(v) for k, v in bgf.params_.items()},
            "gamma_gamma": {k: float(v) for k, v in ggf.params_.items()},
            "horizon": 39,
            "p_alive": [r12(v) for v in alive],
            "expected_purchases": [r12(v) for v in purchases],
            "expected_value": [r12(v) for v in value],
        },
        f,
    )

# 2. Transactions → day-level summary → models, as seglens does from an orders table.
tx = load_dataset("CDNOW_sample.txt", header=None, sep=r"\s+")
tx.columns = ["customer_id", "customer_index", "date", "quantity", "amount"]
tx["date"] = pd.to_datetime(tx["date"].astype(str), format="%Y%m%d")
orders = pd.DataFrame(
    {"customer": "c" + tx["customer_id"].astype(str), "date": tx["date"].dt.strftime("%Y-%m-%d"), "amount": tx["amount"]}
)
orders.to_csv(os.path.join(OUT, "cdnow_sample_orders.csv"), index=False)
summary = summary_data_from_transaction_data(
    orders.assign(date=pd.to_datetime(orders["date"])),
    "customer",
    "date",
    monetary_value_col="amount",
    observation_period_end="1998-07-01",
    freq="D",
)
bgf, ggf = fit(summary)
summary["p_alive"] = bgf.conditional_probability_alive(summary["frequency"], summary["recency"], summary["T"])
summary["expected_purchases_90d"] = bgf.conditional_expected_number_of_purchases_up_to_time(
    90, summary["frequency"], summary["recency"], summary["T"]
)
summary["expected_value"] = ggf.conditional_expected_average_profit(summary["frequency"], summary["monetary_value"])
summary["clv_90d"] = summary["expected_purchases_90d"] * summary["expected_value"]
summary.to_csv(os.path.join(OUT, "cdnow_sample.expected.csv"), index_label="customer", float_format="%.12g")
with open(os.path.join(OUT, "cdnow_sample.params.json"), "w") as f:
    json.dump(
        {
            "bgnbd": {k: float(v) for k, v in bgf.params_.items()},
            "gamma_gamma": {k: float(v) for k, v in ggf.params_.items()},
        },
        f,
        indent=1,
    )
print(summary.describe())
