#!/usr/bin/env python3
"""Reference for seglens' mini-batch k-means: scikit-learn's MiniBatchKMeans
and KMeans on overlapping blobs (10,000 × 3, 5 centres). Writes
tests/fixtures/sklearn/minibatch_blobs.csv and .json (committed; CI needs no
Python). tests/sklearn_reference.rs checks seglens's mini-batch inertia
against MiniBatchKMeans's and its partition against KMeans's.

    python3 tests/reference/sklearn_minibatch.py
"""
import json
import os

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.datasets import make_blobs

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "sklearn")
X, _ = make_blobs(n_samples=10_000, n_features=3, centers=5, cluster_std=1.6, random_state=7)
X = np.round(X, 4)
np.savetxt(os.path.join(OUT, "minibatch_blobs.csv"), X, delimiter=",", fmt="%.4f", header="a,b,c", comments="")
inertias = [
    MiniBatchKMeans(n_clusters=5, batch_size=256, n_init=3, random_state=s).fit(X).inertia_ for s in range(5)
]
km = KMeans(n_clusters=5, n_init=10, random_state=0).fit(X)
with open(os.path.join(OUT, "minibatch_blobs.json"), "w") as f:
    json.dump(
        {
            "batch_size": 256,
            "minibatch_inertia_median": float(np.median(inertias)),
            "kmeans_inertia": float(km.inertia_),
            "kmeans_labels": [int(v) for v in km.labels_],
        },
        f,
    )
print(inertias, km.inertia_)
