"""Write a second family of benchmark sessions: other shapes and other recordings than gamma_*.

    python benchmarks/sessions/make_other_sessions.py

Written with NumPy alone, neither by the model nor by mer.fit.synthetic, so that the fit is also
judged on curves whose shape no part of `mer` proposed:
- each ejection rises linearly to its peak in 5-25 s and falls away exponentially (time constant
  25-90 s), where the gamma family rises and falls smoothly: a shape chosen to differ, not
  measured; what is measured is that an ejection lasts 45 s - 3.5 min (Ramsay 2004, Pediatrics
  113:361, as cited by Gardner et al. 2015, BMC Pregnancy Childbirth, doi 10.1186/s12884-015-0583-3);
- ejections 50-220 s apart, so some overlap; peaks 0.3-0.9 g/s for the first, smaller later
  (0.5 +/- 0.2 g/s, Idei 2024; later ejections carry less, Prime 2011);
- the balance's noise as a balance gives it: flow below zero where no milk flows, and a cumulative
  reading that falls by its resolution; some files give only one of the two columns, some are
  10 or 20 min long, sampled every 1-10 s.

Eight files, seeds 31-38 in order (none chosen or dropped), each with its true onsets in a
comment. Nothing in `mer` was tuned on them; keep it so.
"""

import pathlib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent / "other"

# (name, duration s, sample step s, columns, flow noise g/s, scale noise g, ejections, first onset s)
RECORDINGS = [
    ("rise_fall_1s", 900.0, 1.0, ("flow", "cumulative"), 0.02, 0.0, None, (45.0, 150.0)),
    ("rise_fall_2s_flow_only", 900.0, 2.0, ("flow",), 0.03, 0.0, None, (45.0, 150.0)),
    ("rise_fall_5s_scale_only", 900.0, 5.0, ("cumulative",), 0.0, 0.1, None, (45.0, 150.0)),
    ("rise_fall_10s", 900.0, 10.0, ("flow", "cumulative"), 0.01, 0.0, None, (45.0, 150.0)),
    ("rise_fall_20min", 1200.0, 1.0, ("flow", "cumulative"), 0.02, 0.0, 8, (45.0, 150.0)),
    ("rise_fall_10min_late", 600.0, 1.0, ("flow", "cumulative"), 0.02, 0.0, 2, (150.0, 200.0)),
    ("rise_fall_1s_scale_only", 900.0, 1.0, ("cumulative",), 0.0, 0.1, None, (45.0, 150.0)),
    ("rise_fall_low_supply", 900.0, 1.0, ("flow", "cumulative"), 0.01, 0.0, 3, (60.0, 150.0)),
]


def ejection(t, onset, peak, rise_s, decay_s):
    """Flow rising linearly from `onset` to `peak` in `rise_s`, then falling exponentially."""
    x = t - onset
    return peak * np.where(x < 0, 0.0, np.where(x < rise_s, x / rise_s, np.exp(-(x - rise_s) / decay_s)))


def session(seed, duration_s, dt_s, flow_noise, scale_noise, n, first, low_supply=False):
    rng = np.random.default_rng(seed)
    n = int(n or rng.integers(3, 8))
    onsets = rng.uniform(*first) + np.concatenate([[0.0], np.cumsum(rng.uniform(50.0, 220.0, n - 1))])
    onsets = onsets[onsets < duration_s - 90.0]
    rise = rng.uniform(5.0, 25.0, onsets.size)
    decay = rng.uniform(25.0, 90.0, onsets.size)
    first_peak = rng.uniform(0.1, 0.2) if low_supply else rng.uniform(0.3, 0.9)
    peaks = first_peak * rng.uniform(0.6, 1.1, onsets.size) * 0.85 ** np.arange(onsets.size)
    fine = np.arange(0.0, duration_s + dt_s, 0.25)  # the breast's flow, before the balance reads it
    flow = sum(ejection(fine, *p) for p in zip(onsets, peaks, rise, decay))
    flow = flow + rng.uniform(0.05, 0.2) * np.exp(-fine / rng.uniform(5.0, 15.0))  # milk in the ducts
    t = np.arange(0.0, duration_s + 1e-9, dt_s)
    cumulative = np.interp(t, fine, np.concatenate([[0.0], np.cumsum(0.5 * (flow[1:] + flow[:-1]) * 0.25)]))
    read_flow = np.gradient(cumulative, t) + flow_noise * rng.standard_normal(t.size)  # the mean over each sample
    read_cumulative = np.round(cumulative + scale_noise * rng.standard_normal(t.size), 1)  # read to 0.1 g
    return t, read_flow, read_cumulative, onsets


def write(seed, name, duration_s, dt_s, columns, flow_noise, scale_noise, n, first):
    t, flow, cumulative, onsets = session(
        seed, duration_s, dt_s, flow_noise, scale_noise, n, first, low_supply="low_supply" in name
    )
    header = ["time_s"] + [{"flow": "flow_g_per_s", "cumulative": "cumulative_g"}[c] for c in columns]
    rows = [
        ",".join([f"{t[i]:g}"] + [f"{flow[i]:.4f}" if c == "flow" else f"{cumulative[i]:.1f}" for c in columns])
        for i in range(t.size)
    ]
    note = (
        f"written by benchmarks/sessions/make_other_sessions.py (linear rise, exponential fall; not mer): seed {seed}, "
        f"{duration_s / 60:g} min, {dt_s:g}-s samples, {' and '.join(columns)}, flow noise {flow_noise:g} g/s, "
        f"scale noise {scale_noise:g} g"
    )
    text = [f"# {note}", "# true ejection onsets_s: " + " ".join(f"{o:.1f}" for o in onsets), ",".join(header)]
    (HERE / f"{name}.csv").write_text("\n".join(text + rows) + "\n")
    print(f"other/{name}.csv: {onsets.size} ejections, {cumulative[-1]:.1f} g")


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    for seed, recording in enumerate(RECORDINGS, start=31):
        write(seed, *recording)
