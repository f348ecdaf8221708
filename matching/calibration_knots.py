"""Calibration steps (score log2 odds, observed precision).

Written by benchmarks/fit_calibration.py on development seeds [1, 2, 3], sizes [2000, 10000],
families ['EUR', 'CNY'] (61204 proposals). Do not edit by hand; re-run the script after changing
the matcher."""

KNOTS: dict[str, tuple[tuple[float, float], ...]] = {
    "fits": (
        (-12.251390110307723, 0.6942148760330579),
        (-1.0507851988291073, 0.831858407079646),
        (-0.22460331346346685, 0.8801369863013698),
        (-0.005405718727262254, 0.9259259259259259),
        (0.8010415982473535, 0.9999817631396579),
    ),
    "differs": (
        (-19.42745478582929, 0.5),
        (2.5008256447930197, 0.9997956264050685),
    ),
    "amount_only": (
        (-0.6357558376863923, 0.1458625525946704),
    ),
    "contradicted": (
        (-15.50004831599435, 0.9866666666666667),
    ),
}
