"""What a run will need, estimated from its configuration before anything is built: memory for
the solve and its saved curves, disk for the archive. Both are rough (a factor of two either
way); they exist to refuse a billion agents or a millisecond save step up front instead of after
a 7 GiB allocation or a full disk."""

from __future__ import annotations

import os
import shutil

GIB = 2.0**30
MIB = 2.0**20
BASE_BYTES = 0.8 * GIB  # the Python process with JAX and a compiled solve (README: 0.7 GB peak)
AGENT_WORK = 200  # float64 per agent while solving: 4 state variables x Tsit5's 7 stages, the
# vector field's temporaries and the compiled program's buffers (README: 0.9 GB in all at 1e5 agents;
# this estimate gives 1.4 GB there)
CURVES = 40  # saved scalar curves per time (timeseries, balance terms; both breasts' suffixes)
OUTPUT_COPIES = 3  # saved arrays live on the device, in NumPy and in the archive's in-memory image
SHARE_OF_MEMORY = 0.8  # leave the rest to the system
FIGURES_BYTES = 2 * MIB  # flow.png and neurons.png


def _saves(duration_s, dt_s):
    return int(duration_s / dt_s) + 2


def sizes(cfg: dict) -> dict:
    """Counts the estimate is built from: agents, duct segments, neurons and save times."""
    an, solver = cfg["anatomy"], cfg["solver"]
    breasts = int(cfg.get("breasts", 1))
    lobes = an["n_lobes"] if an["kind"] == "average" else an["n_lobes_max"]
    duration = float(cfg["duration_s"])
    neurons = cfg["neuro"].get("n_neurons", 0) if cfg["neuro"]["mode"] == "network" else 0
    return {
        "agents": breasts * int(an["n_alveoli"]),
        "segments": breasts * int(lobes) * (2 ** int(an["generations"]) - 1),
        "neurons": int(neurons),
        "saves": _saves(duration, float(solver["save_dt_s"])),
        "agent_saves": _saves(duration, float(solver["agent_save_dt_s"])),
        "tree_saves": _saves(duration, float(solver["tree_save_dt_s"])),
    }


def _saved_values(cfg: dict) -> dict:
    """float64 values saved: per-agent volumes, and the curves (timeseries, neurons, duct tree)."""
    n = sizes(cfg)
    return {
        "agents": n["agent_saves"] * 2 * n["agents"],  # volume; capacity and lobule are small beside it
        "curves": n["saves"] * (CURVES + n["neurons"]) + n["tree_saves"] * 4 * n["segments"],
    }


def archive_bytes(cfg: dict) -> float:
    """The archive: every saved array once."""
    return 8.0 * sum(_saved_values(cfg).values()) + 1 * MIB  # + configuration, parameters, attributes


def memory_bytes(cfg: dict) -> dict:
    """Peak memory by cause: what grows with the agents (solve and their saves), what grows with
    the number of save times (curves)."""
    n, saved = sizes(cfg), _saved_values(cfg)
    agents = 8.0 * (AGENT_WORK * (n["agents"] + n["segments"]) + OUTPUT_COPIES * saved["agents"])
    curves = 8.0 * OUTPUT_COPIES * saved["curves"]
    return {"agents": agents, "curves": curves, "total": BASE_BYTES + agents + curves}


def machine_memory() -> float:
    """Physical memory, or the container's limit where that is lower (cgroup v2 and v1)."""
    total = float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(limit_file) as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, float(text))
    return total


def _size(nbytes: float) -> str:
    return f"{nbytes / GIB:.1f} GiB" if nbytes >= GIB else f"{nbytes / MIB:.1f} MiB"


def memory_problem(cfg: dict, available: float | None = None) -> str | None:
    """A message naming the knobs when the run would not fit in memory, else None."""
    available = machine_memory() if available is None else available
    need = memory_bytes(cfg)
    if need["total"] <= SHARE_OF_MEMORY * available:
        return None
    s = cfg["solver"]
    knobs = (
        f"anatomy.n_alveoli={cfg['anatomy']['n_alveoli']}",
        f"duration_s={cfg['duration_s']}",
        f"solver.save_dt_s={s['save_dt_s']}, agent_save_dt_s={s['agent_save_dt_s']}, "
        f"tree_save_dt_s={s['tree_save_dt_s']}",
    )
    # the field that drives the estimate comes first, so the message starts with it
    if need["agents"] < need["curves"]:
        knobs = (knobs[2], knobs[1], knobs[0])
    return (
        f"{knobs[0].split('=')[0]}: the run needs about {_size(need['total'])} of memory and this machine has "
        f"{_size(available)} ({'; '.join(knobs)}); lower anatomy.n_alveoli or duration_s, or raise "
        "solver.save_dt_s, solver.agent_save_dt_s and solver.tree_save_dt_s"
    )


def disk_problem(cfg: dict, folder, field: str = "hydra.run.dir") -> str | None:
    """A message when `folder` lacks the free space for the archive and figures, else None."""
    need = 1.2 * archive_bytes(cfg) + FIGURES_BYTES
    free = float(shutil.disk_usage(folder).free)
    if free >= need:
        return None
    return (
        f"{field}: {folder} has {_size(free)} free; the archive and figures need about {_size(need)} "
        "(anatomy.n_alveoli, duration_s and solver.*save_dt_s set the size); free some space or choose "
        "another folder"
    )
