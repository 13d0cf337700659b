"""Shared by the benchmark scripts: latency percentiles in milliseconds."""

from __future__ import annotations

import numpy as np


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 of durations given in seconds, in milliseconds."""
    return {
        "p50": round(float(np.percentile(samples, 50)) * 1000, 1),
        "p95": round(float(np.percentile(samples, 95)) * 1000, 1),
    }
