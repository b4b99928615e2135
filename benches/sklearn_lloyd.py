#!/usr/bin/env python3
"""Times scikit-learn's Lloyd iterations on the matrix benches/run.mjs wrote.

    python3 benches/sklearn_lloyd.py DATA.f64 N D K INIT.f64 THREADS [ROUNDS]
Prints JSON: seconds per iteration, iterations, inertia.
Per iteration = (time of a 20-iteration fit − time of a 2-iteration fit) / (their
iteration difference), so fixed costs (input checks, norms, the final
assignment) are not counted as iteration time — the same method benches/run.mjs
uses for every implementation: the two fits alternate ROUNDS times (default 3),
each keeping its best.
"""
import json
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits


def main(path, n, d, k, init_path, threads, rounds="3"):
    n, d, k, threads, rounds = int(n), int(d), int(k), int(threads), int(rounds)
    X = np.fromfile(path, dtype="<f8").reshape(n, d)
    init = np.fromfile(init_path, dtype="<f8").reshape(k, d)
    def timed(iters, best):
        km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=iters, tol=0.0, algorithm="lloyd")
        t = time.perf_counter()
        km.fit(X)
        dt = time.perf_counter() - t
        if best is None or dt < best[0]:
            best = (dt, int(km.n_iter_), float(km.inertia_))
        return best

    short = long = None
    with threadpool_limits(limits=threads):
        for _ in range(rounds):
            short, long = timed(2, short), timed(20, long)
    per_iter = (long[0] - short[0]) / max(1, long[1] - short[1])
    print(json.dumps({"per_iter": per_iter, "n_iter": long[1], "inertia": long[2]}))


if __name__ == "__main__":
    main(*sys.argv[1:])
