"""Reference side of `npm run bench:ml`: trains XGBoost on the exact matrices Vigil trained on.

Run only by bench/ml/run.mjs, inside the bench's own virtual environment. Vigil never depends on
Python at run time; this script exists so that every figure in docs/benchmarks.md is measured
against XGBoost in the same run, on the same rows, features, folds and parameters.

Input: a task directory written by run.mjs with task.json, X_train.f32, y_train.i32 and one
X_<name>.f32 per test set. Output: proba_<name>.f64 (row-major probabilities) and result.json.
"""
import json
import os
import sys
import time

import numpy as np
import xgboost as xgb


def load_matrix(path, n_rows, n_cols):
    return np.fromfile(path, dtype="<f4").reshape(n_rows, n_cols)


def main(task_dir):
    with open(os.path.join(task_dir, "task.json")) as f:
        task = json.load(f)
    p = task["params"]
    n_cols = task["nFeatures"]
    n_classes = task["nClasses"]
    x_train = load_matrix(os.path.join(task_dir, "X_train.f32"), task["trainRows"], n_cols)
    y_train = np.fromfile(os.path.join(task_dir, "y_train.i32"), dtype="<i4")

    params = {
        "tree_method": "hist",
        "max_depth": p["maxDepth"],
        "eta": p["learningRate"],
        "max_bin": p["maxBins"],
        "min_child_weight": p["minChildWeight"],
        "lambda": p["lambda"],
        "gamma": p["gamma"],
        "subsample": p["subsample"],
        "colsample_bytree": p["colsampleBytree"],
        "nthread": task["threads"],
        "seed": p["seed"],
    }
    if n_classes > 2:
        params["objective"] = "multi:softprob"
        params["num_class"] = n_classes
    else:
        params["objective"] = "binary:logistic"

    started = time.perf_counter()
    dtrain = xgb.DMatrix(x_train, label=y_train, nthread=task["threads"])
    booster = xgb.train(params, dtrain, num_boost_round=p["nEstimators"])
    train_seconds = time.perf_counter() - started

    result = {"xgboostVersion": xgb.__version__, "trainSeconds": train_seconds, "tests": {}}
    for test in task["tests"]:
        x_test = load_matrix(os.path.join(task_dir, f"X_{test['name']}.f32"), test["rows"], n_cols)
        proba = booster.inplace_predict(x_test)
        proba = np.asarray(proba, dtype="<f8").reshape(test["rows"], -1)
        proba.tofile(os.path.join(task_dir, f"proba_{test['name']}.f64"))
        result["tests"][test["name"]] = {"outputs": int(proba.shape[1])}

    if task.get("measureInference"):
        x_test = load_matrix(os.path.join(task_dir, f"X_{task['tests'][0]['name']}.f32"), task["tests"][0]["rows"], n_cols)
        result["inference"] = measure_inference(booster, x_test)

    with open(os.path.join(task_dir, "result.json"), "w") as f:
        json.dump(result, f)


def measure_inference(booster, x):
    """Single-row latency (one inplace_predict call per row, the fastest XGBoost path from Python)
    and single-thread batch throughput."""
    booster.set_param({"nthread": 1})
    rows = x[:2000]
    for i in range(200):
        booster.inplace_predict(rows[i : i + 1])
    lat = np.empty(len(rows))
    for i in range(len(rows)):
        t0 = time.perf_counter_ns()
        booster.inplace_predict(rows[i : i + 1])
        lat[i] = (time.perf_counter_ns() - t0) / 1000.0
    booster.inplace_predict(x)
    reps = 5
    t0 = time.perf_counter()
    for _ in range(reps):
        booster.inplace_predict(x)
    batch_seconds = (time.perf_counter() - t0) / reps
    return {
        "singleRowP50Us": float(np.percentile(lat, 50)),
        "singleRowP99Us": float(np.percentile(lat, 99)),
        "batchRowsPerSecond": float(len(x) / batch_seconds),
    }


if __name__ == "__main__":
    main(sys.argv[1])
