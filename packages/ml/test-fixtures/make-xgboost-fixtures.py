#!/usr/bin/env python3
"""Regenerates the XGBoost fixtures used by packages/ml/src/model/xgboost-import.test.ts.

Usage (from the repository root):
    python3 -m venv /tmp/xgbfix && /tmp/xgbfix/bin/pip install xgboost numpy
    /tmp/xgbfix/bin/python packages/ml/test-fixtures/make-xgboost-fixtures.py

For each model it writes, into test-fixtures/xgboost/:
    <name>.model.json  exactly what Booster.save_model() wrote
    <name>.cases.json  xgboost version, objective, test rows (null = missing), XGBoost's own
                       predictions (output_margin=False) and raw margins (output_margin=True)
Everything is seeded, so re-running with the same XGBoost version reproduces the files.
"""

import json
import pathlib

import numpy as np
import xgboost as xgb

OUT = pathlib.Path(__file__).resolve().parent / "xgboost"
FEATURES = ["duration", "bytes_in", "bytes_out", "packets", "port_entropy", "syn_ratio"]
N_TRAIN, N_TEST = 2000, 200


def make_data(rng: np.random.Generator, n: int) -> np.ndarray:
    x = np.column_stack(
        [
            rng.exponential(2.0, n),
            rng.lognormal(6.0, 1.5, n),
            rng.lognormal(5.0, 2.0, n),
            rng.poisson(20, n).astype(float),
            rng.uniform(0.0, 4.0, n),
            rng.beta(2.0, 5.0, n),
        ]
    ).astype(np.float32)
    x[rng.random(x.shape) < 0.07] = np.nan  # missing values exercise default directions
    return x


def score(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    z = np.nan_to_num(x, nan=0.0)
    return (
        0.8 * np.log1p(z[:, 1]) / 6
        - 0.5 * z[:, 0] / 2
        + 1.5 * z[:, 5]
        + 0.4 * (z[:, 4] > 2)
        + rng.normal(0, 0.3, len(z))
    )


def rows_json(x: np.ndarray) -> list:
    return [[None if np.isnan(v) else float(v) for v in row] for row in x]


def save(name: str, booster: xgb.Booster, objective: str, x_test: np.ndarray) -> None:
    booster.save_model(str(OUT / f"{name}.model.json"))
    dtest = xgb.DMatrix(x_test, feature_names=FEATURES, missing=np.nan)
    pred = booster.predict(dtest, output_margin=False)
    margin = booster.predict(dtest, output_margin=True)
    cases = {
        "xgboostVersion": xgb.__version__,
        "objective": objective,
        "featureNames": FEATURES,
        "rows": rows_json(x_test),
        "predictions": np.asarray(pred, dtype=np.float64).tolist(),
        "margins": np.asarray(margin, dtype=np.float64).tolist(),
    }
    (OUT / f"{name}.cases.json").write_text(json.dumps(cases, separators=(",", ":")) + "\n")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20240611)
    x_train, x_test = make_data(rng, N_TRAIN), make_data(rng, N_TEST)
    s_train = score(x_train, rng)

    y_bin = (s_train > np.quantile(s_train, 0.7)).astype(np.int32)  # imbalanced: base_score != 0.5
    dtrain = xgb.DMatrix(x_train, label=y_bin, feature_names=FEATURES, missing=np.nan)
    params = {"max_depth": 4, "eta": 0.3, "seed": 7, "tree_method": "hist"}
    binary = xgb.train({**params, "objective": "binary:logistic"}, dtrain, num_boost_round=20)
    save("binary-logistic", binary, "binary:logistic", x_test)
    logitraw = xgb.train({**params, "max_depth": 2, "objective": "binary:logitraw"}, dtrain, num_boost_round=5)
    save("binary-logitraw", logitraw, "binary:logitraw", x_test)
    dart_params = {**params, "max_depth": 2, "booster": "dart", "rate_drop": 0.3, "skip_drop": 0.0}
    dart = xgb.train({**dart_params, "objective": "binary:logistic"}, dtrain, num_boost_round=6)
    save("dart-logistic", dart, "binary:logistic", x_test)

    y_multi = np.digitize(s_train, np.quantile(s_train, [1 / 3, 2 / 3])).astype(np.int32)
    dmulti = xgb.DMatrix(x_train, label=y_multi, feature_names=FEATURES, missing=np.nan)
    multi = {**params, "max_depth": 3, "num_class": 3}
    softprob = xgb.train({**multi, "objective": "multi:softprob"}, dmulti, num_boost_round=10)
    save("multi-softprob", softprob, "multi:softprob", x_test)
    softmax = xgb.train({**multi, "objective": "multi:softmax"}, dmulti, num_boost_round=4)
    save("multi-softmax", softmax, "multi:softmax", x_test)

    dreg = xgb.DMatrix(x_train, label=s_train, feature_names=FEATURES, missing=np.nan)
    reg = xgb.train({**params, "max_depth": 3, "objective": "reg:squarederror"}, dreg, num_boost_round=8)
    save("reg-squarederror", reg, "reg:squarederror", x_test)

    for f in sorted(OUT.iterdir()):
        print(f"{f.name:32s} {f.stat().st_size / 1024:7.1f} KB")


if __name__ == "__main__":
    main()
