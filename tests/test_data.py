"""Session files: every bad input gets a message naming the file, the column and what was expected."""

import h5py
import numpy as np
import pytest

from mer.fit.data import DataError, load_sessions, on_grid

# a short but plausible session: 250 s sampled every 25 s (mer.fit.data refuses sessions under 2 min)
T = np.arange(0.0, 11.0) * 25.0
FLOW = np.array([0, 0, 0.2, 0.5, 0.3, 0.1, 0, 0, 0.4, 0.2, 0.0])


def write(tmp_path, text, name="s.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def csv_text(header, rows):
    return (
        header + "\n" + "\n".join(",".join(f"{v:g}" if not isinstance(v, str) else v for v in r) for r in rows) + "\n"
    )


def good_rows():
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (FLOW[1:] + FLOW[:-1]) * np.diff(T))])
    return [(t, f, c) for t, f, c in zip(T, FLOW, cum)]


def test_a_good_file_loads_and_derives_the_missing_column(tmp_path):
    path = write(tmp_path, "# a comment line\n" + csv_text("time_s,flow_g_per_s", [(t, f) for t, f, _ in good_rows()]))
    (s,) = load_sessions(path)
    assert s.measured == ("flow_g_per_s",)
    np.testing.assert_allclose(s.cumulative_g, [r[2] for r in good_rows()], atol=1e-12)
    path = write(tmp_path, csv_text("time_s,cumulative_g", [(t, c) for t, _, c in good_rows()]), "c.csv")
    (s,) = load_sessions(path)
    assert s.measured == ("cumulative_g",)
    # centred differences of the trapezoid-integrated flow average neighbouring samples
    assert s.flow_g_per_s.sum() == pytest.approx(FLOW.sum(), rel=0.15)


def test_several_sessions_by_session_id(tmp_path):
    rows = [("a",) + r for r in good_rows()] + [("b",) + r for r in good_rows()[:6]]
    sessions = load_sessions(write(tmp_path, csv_text("session_id,time_s,flow_g_per_s,cumulative_g", rows)))
    assert [s.session_id for s in sessions] == ["a", "b"]
    assert sessions[1].duration_s == 125.0


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("time_s,flow_g_per_s\n", "header but no samples"),
        ("flow_g_per_s,cumulative_g\n0.1,0\n0.2,1\n", "missing column 'time_s'"),
        ("time_s\n0\n1\n", "missing column: give 'flow_g_per_s'"),
        ("time_s,flow_g_per_s,pressure_mmHg\n0,0,1\n1,0,1\n", "unknown column 'pressure_mmHg'"),
        ("time_s,flow_mL_per_min\n0,0\n1,1\n", "column 'flow_mL_per_min': unit mismatch"),
        ("time_s,cumulative_mL\n0,0\n1,1\n", "column 'cumulative_mL': unit mismatch"),
        ("time_min,flow_g_per_s\n0,0\n1,1\n", "column 'time_min': unit mismatch"),
        ("time_s,flow_g_per_s\n0,0\n2,0.1\n1,0.2\n", "time_s is not increasing: 2 s is followed by 1 s"),
        ("time_s,flow_g_per_s\n0,0\n1,0.1\n1,0.2\n", "duplicated time 1 s"),
        ("time_s,flow_g_per_s\n0,0\n1,nan\n2,0.2\n", "'flow_g_per_s' has NaN"),
        ("time_s,flow_g_per_s\n0,0\n1,-7.5\n2,0.2\n", "flow_g_per_s is -7.5 g/s at 1 s"),
        ("time_s,cumulative_g\n0,0\n1,5\n2,2.5\n", "cumulative_g decreases from 5 g to 2.5 g at 2 s"),
        ("time_s,flow_g_per_s\n0,0\n1,abc\n", "'abc' is not a number"),
        ("time_s,flow_g_per_s\n0,0,1\n1,0\n", "data row 2 has 3 fields"),
        ("time_s,flow_g_per_s\n5,0\n", "at least two samples"),
        ("time_s,time_s\n0,0\n1,1\n", "named twice"),
        ("time_s,flow_g_per_s\n-1,0\n1,0\n", "starts at -1 s"),
    ],
)
def test_bad_csv_is_refused_with_a_specific_message(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(DataError, match="s.csv") as err:
        load_sessions(path)
    assert message in str(err.value)


def test_flow_in_another_unit_than_cumulative_is_a_unit_mismatch(tmp_path):
    rows = [(t, 60.0 * f, c) for t, f, c in good_rows()]  # flow written in g/min under a g/s header
    with pytest.raises(DataError, match="unit mismatch between columns.*ratio 60"):
        load_sessions(write(tmp_path, csv_text("time_s,flow_g_per_s,cumulative_g", rows)))


def test_missing_file_and_unknown_type(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_sessions(tmp_path / "absent.csv")
    with pytest.raises(DataError, match="unknown file type '.xlsx'"):
        load_sessions(write(tmp_path, "x", "s.xlsx"))


def test_hdf5_sessions_and_their_units(tmp_path):
    path = tmp_path / "s.h5"
    with h5py.File(path, "w") as f:
        for sid in ("day1", "day2"):
            g = f.create_group(sid)
            g["time_s"] = T
            g["time_s"].attrs["unit"] = "s"
            g["flow_g_per_s"] = FLOW
            g["flow_g_per_s"].attrs["unit"] = "g/s"
    assert [s.session_id for s in load_sessions(path)] == ["day1", "day2"]
    with h5py.File(path, "a") as f:
        f["day2/flow_g_per_s"].attrs["unit"] = "mL/min"
    with pytest.raises(DataError, match=r"day2/flow_g_per_s: unit mismatch; expected 'g/s', the file says 'mL/min'"):
        load_sessions(path)
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"not hdf5 at all")
    with pytest.raises(DataError, match="not a readable HDF5 file"):
        load_sessions(bad)


def test_resampling_keeps_the_total_and_averages_fine_noise():
    rng = np.random.default_rng(0)
    t = np.arange(0.0, 600.0, 0.1)
    true = 0.3 * np.exp(-(((t - 200) / 40) ** 2))
    from mer.fit.data import Session, _cumulative_from_flow

    noisy = np.maximum(true + 0.05 * rng.standard_normal(t.size), 0)
    s = Session("x", t, noisy, _cumulative_from_flow(t, noisy), ("flow_g_per_s",), "mem")
    ts = np.arange(0.0, 601.0, 1.0)
    flow, cum, inside = on_grid(s, ts)
    assert cum[inside > 0][-1] == pytest.approx(s.cumulative_g[-1], rel=1e-3)
    # averaging 10 samples per model step cuts the noise about sqrt(10)-fold
    assert np.std(flow[inside > 0] - np.interp(ts, t, true)[inside > 0]) < 0.025
    assert inside[-1] == 0.0  # 600 s lies past the last sample (599.9 s)
