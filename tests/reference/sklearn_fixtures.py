#!/usr/bin/env python3
"""Reference outputs from scikit-learn for seglens' clustering tests.

Writes, for a few generated data sets, the data (CSV) and what scikit-learn
computes on it (JSON): KMeans(n_init=10) labels and inertia, and silhouette,
Davies-Bouldin and Calinski-Harabasz on those labels. The files are
committed, so CI needs no Python.

    python3 tests/reference/sklearn_fixtures.py tests/fixtures/sklearn
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.cluster import DBSCAN, KMeans
from sklearn.datasets import make_blobs, make_moons
from sklearn.decomposition import PCA
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

CASES = [
    # name, n, centers, features, cluster_std, k
    ("blobs_2d_k3", 600, 3, 2, 1.0, 3),
    ("blobs_5d_k5", 2000, 5, 5, 1.5, 5),
    ("blobs_8d_k6_overlap", 3000, 6, 8, 3.0, 6),
    ("blobs_3d_k4_wrong_k", 1500, 4, 3, 1.0, 7),
]


def main(out):
    os.makedirs(out, exist_ok=True)
    for name, n, centers, d, std, k in CASES:
        X, y = make_blobs(n_samples=n, centers=centers, n_features=d, cluster_std=std, random_state=42)
        km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(X)
        labels = km.labels_
        header = ",".join(f"x{i}" for i in range(d))
        np.savetxt(os.path.join(out, f"{name}.csv"), X, delimiter=",", header=header, comments="", fmt="%.17g")
        ref = {
            "sklearn": sklearn.__version__,
            "k": k,
            "truth": y.tolist(),
            "labels": labels.tolist(),
            "inertia": float(km.inertia_),
            "silhouette": float(silhouette_score(X, labels)),
            "davies_bouldin": float(davies_bouldin_score(X, labels)),
            "calinski_harabasz": float(calinski_harabasz_score(X, labels)),
            "pca_explained": PCA(n_components=2).fit(X).explained_variance_ratio_.tolist(),
            "pca_first_point": PCA(n_components=2).fit_transform(X)[0].tolist(),
        }
        with open(os.path.join(out, f"{name}.json"), "w") as f:
            json.dump(ref, f)
        print(name, ref["inertia"], ref["silhouette"])


def dbscan_cases(out):
    X1, _ = make_moons(n_samples=500, noise=0.08, random_state=3)
    X2, _ = make_blobs(n_samples=800, centers=4, n_features=3, cluster_std=0.7, random_state=5)
    X2 = np.vstack([X2, np.random.RandomState(1).uniform(-12, 12, size=(40, 3))])
    for name, X, eps, ms in [("dbscan_moons", X1, 0.15, 5), ("dbscan_blobs_noise", X2, 0.9, 8)]:
        labels = DBSCAN(eps=eps, min_samples=ms).fit(X).labels_
        header = ",".join(f"x{i}" for i in range(X.shape[1]))
        np.savetxt(os.path.join(out, f"{name}.csv"), X, delimiter=",", header=header, comments="", fmt="%.17g")
        with open(os.path.join(out, f"{name}.json"), "w") as f:
            json.dump({"eps": eps, "min_samples": ms, "labels": labels.tolist()}, f)


if __name__ == "__main__":
    dbscan_cases(sys.argv[1])
    main(sys.argv[1])
