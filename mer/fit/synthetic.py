"""Sessions shaped like published balance recordings, written without the model.

A check of the fit on curves that `mer` did not make: each ejection is a gamma-shaped episode of
flow (rising to its peak in 15-60 s and lasting 1-4 min: ejections last 45 s - 3.5 min, Ramsay
2004, Pediatrics 113:361), modulated by slow random wobble; ejections come 40-200 s apart (Prime
2011, Breastfeed Med 6:183: 5.1 +/- 2.0 ejections in 15 min), so some overlap and flow between
them stays above 0.1 g/s; their size declines through the session (the first two carry ~62 % of
the milk, Prime 2011), peak flow 0.3-0.8 g/s (0.5 +/- 0.2 g/s, Idei 2024); the milk already in the
ducts flows out in the first seconds of pumping; the balance adds white noise and reads flow
as the mean over each sample (1 s or 5 s, Ramsay 2006 Breastfeed Med 1:14) and mass to 0.1 g.
Seeded: the same seed gives the same session.
"""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass
class SyntheticSession:
    time_s: np.ndarray
    flow_g_per_s: np.ndarray  # as the balance reports it (noisy, >= 0)
    cumulative_g: np.ndarray  # read to 0.1 g
    onsets_s: np.ndarray  # where each ejection's flow begins (the truth)
    peaks_g_per_s: np.ndarray  # each episode's own peak flow


def episode(t, onset, peak, shape, scale):
    """A gamma-shaped flow episode starting at `onset`, peaking at `peak` g/s (shape k > 1, scale
    tau s: its peak comes (k - 1) tau after the onset)."""
    x = np.maximum(t - onset, 0.0) / scale
    mode = shape - 1.0
    return peak * np.where(x > 0, (x / mode) ** mode * np.exp(mode - x), 0.0)


def synthetic_session(
    seed: int,
    duration_s: float = 900.0,
    dt_s: float = 1.0,
    n_ejections: int | None = None,
    noise_g_per_s: float = 0.01,
    baseline_g_per_s: float = 0.0,
    overlap: bool = True,
) -> SyntheticSession:
    """One session: `n_ejections` (default 3-6) episodes, the first 45-150 s into pumping, then
    40-200 s apart (`overlap`: at least one gap of 40-70 s, where flow does not stop); a slowly
    declining `baseline_g_per_s` (time constant 10 min) under them; flow sampled every `dt_s`."""
    rng = np.random.default_rng(seed)
    n = int(n_ejections if n_ejections is not None else rng.integers(3, 7))
    shapes = rng.uniform(2.0, 4.0, n)
    scales = rng.uniform(8.0, 20.0, n)
    rise_s = (shapes - 1.0) * scales  # onset to peak, 8-60 s
    # the next ejection begins once this one has peaked (one that starts on the way up of another
    # is one ejection to any observer)
    gaps = np.maximum(rng.uniform(40.0, 200.0, max(n - 1, 0)), rise_s[:-1] + 20.0)
    if overlap and n > 1:
        k = rng.integers(0, n - 1)
        gaps[k] = max(rng.uniform(40.0, 70.0), rise_s[k] + 20.0)
    onsets = rng.uniform(45.0, 150.0) + np.concatenate([[0.0], np.cumsum(gaps)])
    keep = onsets < duration_s - 90.0
    onsets, shapes, scales = onsets[keep], shapes[keep], scales[keep]
    first_peak = rng.uniform(0.3, 0.8)
    decline = rng.uniform(0.7, 0.9)  # each ejection's peak relative to the one before
    peaks = first_peak * decline ** np.arange(onsets.size) * rng.uniform(0.85, 1.15, onsets.size)
    peaks = np.maximum(peaks, 0.1)  # a smaller one is lost in the balance's noise

    fine = np.arange(0.0, duration_s + dt_s, 0.5)  # the breast's flow, before the balance reads it
    wobble = 1.0 + 0.05 * np.convolve(rng.standard_normal(fine.size), np.ones(60) / np.sqrt(60), mode="same")
    flow = sum(episode(fine, *p) for p in zip(onsets, peaks, shapes, scales)) * np.clip(wobble, 0.5, 1.5)
    flow = flow + rng.uniform(0.1, 0.3) * np.exp(-fine / rng.uniform(5.0, 15.0))  # milk in the ducts
    flow = flow + baseline_g_per_s * np.exp(-fine / 600.0)

    t = np.arange(0.0, duration_s + 1e-9, dt_s)
    cum_fine = np.concatenate([[0.0], np.cumsum(0.5 * (flow[1:] + flow[:-1]) * np.diff(fine))])
    cumulative = np.interp(t, fine, cum_fine)
    mean_flow = np.gradient(cumulative, t)  # the mean over each sample, as a balance reports it
    observed = np.maximum(mean_flow + noise_g_per_s * rng.standard_normal(t.size), 0.0)
    return SyntheticSession(t, observed, np.round(cumulative, 1), onsets, peaks)


def write_csv(path, session: SyntheticSession, note: str = "") -> None:
    """The session as a CSV that `mer-fit` reads; the true onsets in a comment line."""
    onsets = " ".join(f"{o:.1f}" for o in session.onsets_s)
    lines = [
        "# written by mer.fit.synthetic (gamma-shaped episodes, not the model)" + (f": {note}" if note else ""),
        f"# true ejection onsets_s: {onsets}",
        "time_s,flow_g_per_s,cumulative_g",
    ]
    lines += [f"{t:g},{f:.4f},{c:.1f}" for t, f, c in zip(session.time_s, session.flow_g_per_s, session.cumulative_g)]
    path.write_text("\n".join(lines) + "\n")


def true_onsets(path) -> np.ndarray:
    """The true onsets written in a synthetic session file's comment."""
    for line in open(path):
        if line.startswith("# true ejection onsets_s:"):
            return np.array([float(v) for v in line.split(":", 1)[1].split()])
    raise ValueError(f"{path}: no true onsets recorded")
