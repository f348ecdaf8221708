"""Calibration steps (score log2 odds, observed precision).

Written by benchmarks/fit_calibration.py on development seeds [1, 2, 3], sizes [2000, 10000],
families ['EUR', 'CNY'] (61186 proposals). Do not edit by hand; re-run the script after changing
the matcher."""

KNOTS: tuple[tuple[float, float], ...] = (
    (-19.47485721714137, 0.4423076923076923),
    (-1.9467413312069377, 0.6571428571428571),
    (2.698111808726173, 0.8348623853211009),
    (2.8226170720108543, 0.9654427645788337),
    (3.185356672111914, 0.9791666666666666),
    (3.2523938051554584, 0.9999829237888698),
)
