"""Write a run to HDF5 atomically: built in memory, written to a temporary file in the same
folder, then renamed into place. Every dataset carries a CRC-32 of its values (`crc32`), and
arrays HDF5's own Fletcher-32 checksum, so that `load` can say which dataset is damaged."""

from __future__ import annotations

import datetime
import errno
import os
import pathlib
import secrets
import subprocess
import zlib

import h5py
import jax
import numpy as np
import yaml

import mer
from mer.parameters import SPECS

SCHEMA = "mer-archive"
SCHEMA_VERSION = "1.0"


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=pathlib.Path(__file__).parent, capture_output=True, text=True, timeout=5
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


class ArchiveWriteError(OSError):
    """The archive could not be written (full disk, read-only or forbidden folder); nothing was
    left behind and an older archive at the same path is untouched."""


WHY = {
    errno.ENOSPC: "no space left on the device: free some space or choose another folder (hydra.run.dir)",
    errno.EDQUOT: "disk quota exceeded: free some space or choose another folder (hydra.run.dir)",
    errno.EROFS: "the file system is read-only: choose another folder (hydra.run.dir)",
    errno.EACCES: "no permission to write there: choose another folder (hydra.run.dir)",
    errno.EPERM: "no permission to write there: choose another folder (hydra.run.dir)",
}


def checksum(value) -> int:
    """CRC-32 of a dataset's values as h5py reads them back (strings as their bytes)."""
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return zlib.crc32(value)
    a = np.asarray(value)
    return zlib.crc32(repr(a.tolist()).encode() if a.dtype == object else np.ascontiguousarray(a).tobytes())


def dataset(group, name, data, unit, **attrs):
    """Create `group/name` with its `unit` attribute (and any other attributes) and checksums."""
    array = np.asarray(data)
    # Fletcher-32 needs chunks (scalars have none) and fixed-size values (not variable-length text)
    chunked = array.ndim > 0 and array.size > 0 and array.dtype.kind in "biufcS"
    ds = group.create_dataset(name, data=data, chunks=True if chunked else None, fletcher32=chunked)
    ds.attrs["unit"] = unit
    for k, v in attrs.items():
        ds.attrs[k] = v
    ds.attrs["crc32"] = checksum(ds[()])
    return ds


def _write_file(fd, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def write_atomically(path, fill):
    """Call `fill(h5file)` on an HDF5 file built in memory, write its bytes to a temporary file
    beside `path` and rename that into place. HDF5 never writes to the disk itself: a full disk
    or a read-only folder is a plain OSError here (h5py crashed on ENOSPC), the temporary file is
    removed, and an archive already at `path` stays as it was. Raises ArchiveWriteError."""
    path = pathlib.Path(path)
    with h5py.File(f"{path.name}.in-memory", "w", driver="core", backing_store=False) as f:
        fill(f)
        f.flush()
        image = f.id.get_file_image()
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask decides, as for any file
        _write_file(fd, image)
        os.close(fd)
        fd = None
        os.replace(tmp, path)
    except BaseException as err:
        if fd is not None:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError) and not isinstance(err, ArchiveWriteError):
            why = WHY.get(err.errno, err.strerror or str(err))
            kept = "; the archive already there is untouched" if path.exists() else ""
            failure = ArchiveWriteError(f"{path}: could not write the archive: {why}{kept}")
            failure.errno = err.errno
            raise failure from None
        raise
    return path


def root_attrs(f, kind, config):
    """Schema and provenance attributes, and the resolved configuration as YAML."""
    f.attrs["schema"] = SCHEMA
    f.attrs["schema_version"] = SCHEMA_VERSION
    f.attrs["kind"] = kind
    f.attrs["mer_version"] = mer.__version__
    f.attrs["jax_version"] = jax.__version__
    f.attrs["git_commit"] = git_commit()
    f.attrs["seed"] = int(config.get("seed", -1))  # -1: not a single seeded run (ablation, sweep)
    f.attrs["created"] = datetime.datetime.now(datetime.UTC).isoformat()
    dataset(f, "config", yaml.safe_dump(config, sort_keys=False), "yaml")


def _used_value(path, config, used):
    """The value a run used: from the built parameters (after interventions and anatomy draws)
    where they hold it, else from the configuration."""
    parts = path.split(".")
    if parts[0] == "params":
        parts = parts[1:]
    node = used if used is not None and parts[0] in used else config
    if node is config:
        parts = path.split(".")
    for part in parts:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def params_group(f, config, used=None):
    g = f.create_group("params")
    for path, spec in SPECS.items():
        node = _used_value(path, config, used)
        if node is None or isinstance(node, (str, bool)):
            continue
        dataset(g, path.removeprefix("params."), np.asarray(node, dtype=float), spec.unit, source=spec.source)
    visc = config["params"]["ducts"]["milk_viscosity_mPa_s"]
    dataset(g, "milk_viscosity", visc, "mPa s", source=SPECS["params.ducts.milk_viscosity_mPa_s"].source)


METRIC_UNITS = {
    "total_yield_g": "g",
    "n_mer": "1",
    "mer_onsets_s": "s",
    "time_to_first_mer_s": "s",
    "peak_flow_g_per_s": "g/s",
    "first_mer_share": "1",
    "removed_fraction": "1",
    "alveolar_synchrony": "1",
    "neuron_synchrony": "1",
}


def _alveoli(group, setup, time_s, agents):
    al = group.create_group("alveoli")
    capacity = _capacity(setup)
    dataset(al, "time", time_s, "s")
    dataset(al, "volume", agents["fullness"] * capacity[None, :], "mL")
    dataset(al, "capacity", capacity, "mL")
    dataset(al, "lobule", setup.population.lobule, "1")


def _tree(group, setup, time_s, ducts):
    tree = setup.tree
    tr = group.create_group("tree")
    dataset(tr, "parent", tree.parent, "1")
    dataset(tr, "length", tree.length_mm, "mm")
    dataset(tr, "radius0", tree.radius_mm, "mm")
    dataset(tr, "generation", tree.generation, "1")
    dataset(tr, "lobe", tree.lobe, "1")
    dataset(tr, "start", setup.segment_start_mm, "mm", note="segment start (x, y, z), nipple at 0")
    dataset(tr, "end", setup.segment_end_mm, "mm")
    dataset(tr, "time", time_s, "s")
    dataset(tr, "radius", ducts["radius"], "mm")
    dataset(tr, "pressure_in", ducts["pressure_in"], "mmHg", note="upstream (distal) end")
    dataset(tr, "pressure_out", ducts["pressure_out"], "mmHg", note="downstream end, toward the nipple")
    dataset(tr, "flow", ducts["flow"], "mL/s", note="from the upstream end toward the nipple")


def _balance_and_metrics(group, balance, metrics):
    bal = group.create_group("balance")
    for k, v in balance.items():
        dataset(bal, k, v, "mL")
    me = group.create_group("metrics")
    for k, v in metrics.items():
        dataset(me, k, v, METRIC_UNITS[k])


def save_simulation(path, result) -> pathlib.Path:
    """Write `result` (a `mer.simulate.Result`) to `path`; returns the path. With two breasts the
    top-level curves, balance and metrics are the totals, `alveoli` and `tree` the left breast's,
    and `breasts/<left|right>/` holds each breast's balance, metrics, alveoli and tree;
    `timeseries/<name>_left` and `_right` each breast's curves."""
    from mer.simulate import UNITS

    def fill(f):
        root_attrs(f, "simulation", result.config)
        params_group(f, result.config, result.setup.params)
        ts = f.create_group("timeseries")
        dataset(ts, "time", result.time, "s")
        for name, unit in UNITS.items():
            for key in (name, f"{name}_left", f"{name}_right"):
                if key != "time" and key in result.timeseries:
                    dataset(ts, key, result.timeseries[key], unit)
        _alveoli(f, result.setup, result.alveoli_time, result.alveoli)
        _tree(f, result.setup, result.tree_time, result.tree)
        if "neuron_rate" in result.timeseries:
            ne = f.create_group("neurons")
            dataset(ne, "time", result.time, "s")
            dataset(ne, "rate", result.timeseries["neuron_rate"], "1", note="normalised to the burst peak ~60 spikes/s")
        _balance_and_metrics(f, result.balance, result.metrics)
        for side, b in result.breasts.items():
            g = f.create_group(f"breasts/{side}")
            setup = result.setup if side == "left" else result.setup.right
            _balance_and_metrics(g, b["balance"], b["metrics"])
            _alveoli(g, setup, result.alveoli_time, b["alveoli"])
            _tree(g, setup, result.tree_time, b["tree"])
        st = f.create_group("solver_stats")
        for k, v in result.stats.items():
            dataset(st, k, v, "s" if k.endswith("_s") else "1")

    return write_atomically(path, fill)


def _capacity(setup):
    from mer.model import agent_shares

    p = setup.params
    return np.asarray(agent_shares(p, setup.structure) * p["alveoli"]["capacity_mL"])
