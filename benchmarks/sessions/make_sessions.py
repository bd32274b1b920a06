"""Write the benchmark's sessions: generated without the model (mer.fit.synthetic), true onsets kept.

    python benchmarks/sessions/make_sessions.py

Eight 15-min sessions, seeds 1-8 taken in order (none chosen or dropped): odd seeds sampled every
second with 0.02 g/s noise, even seeds every 5 s with 0.01 g/s (a balance read to 0.1 g per 5 s);
seeds 3 and 6 with a slowly declining baseline of 0.06 g/s under the ejections.

Six more, seeds 9-14 by the same rule (a baseline under every third seed: 9 and 12), are written
to heldout/: a check of the fit's settings on sessions they were not chosen on
(benchmarks/README.md). Nothing was tuned on them; keep it so.
"""

import pathlib

from mer.fit.synthetic import synthetic_session, write_csv

HERE = pathlib.Path(__file__).resolve().parent


def write(seed: int, folder: pathlib.Path) -> None:
    dt, noise = (1.0, 0.02) if seed % 2 else (5.0, 0.01)
    baseline = 0.06 if seed % 3 == 0 else 0.0
    s = synthetic_session(seed, dt_s=dt, noise_g_per_s=noise, baseline_g_per_s=baseline)
    note = f"seed {seed}, {dt:g}-s samples, noise {noise:g} g/s, baseline {baseline:g} g/s"
    write_csv(folder / f"gamma_{seed}.csv", s, note)
    print(f"{folder.name}/gamma_{seed}.csv: {s.onsets_s.size} ejections, {s.cumulative_g[-1]:.1f} g ({note})")


if __name__ == "__main__":
    for seed in range(1, 9):
        write(seed, HERE)
    (HERE / "heldout").mkdir(exist_ok=True)
    for seed in range(9, 15):
        write(seed, HERE / "heldout")
