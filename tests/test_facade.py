"""The top-level calls: `import mer` stays light, `mer.simulate`/`fit`/`load`/`validate` are there
and are the functions the modules hold, whichever was imported first."""

import subprocess
import sys

CHECK = """
import sys
import mer
heavy = [m for m in ("mer.simulate", "mer.fit", "diffrax", "equinox", "optax", "xarray", "hydra") if m in sys.modules]
assert not heavy, f"import mer loaded {heavy}"
assert {"simulate", "fit", "load", "validate", "open_dataset"} <= set(dir(mer))
import mer.fit.run as run                      # the modules stay importable as modules
from mer.simulate import simulate
assert callable(mer.simulate) and callable(mer.fit)
assert mer.simulate.simulate is simulate and mer.fit.fit is run.fit
from mer.archive.read import load
from mer.facade import validate
assert mer.load is load and mer.validate is validate
print(mer.__version__)
"""


def test_import_is_light_and_the_facade_resolves():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() not in ("", "unknown")


def test_facade_calls_the_functions(monkeypatch):
    import mer

    seen = {}
    monkeypatch.setattr("mer.simulate.simulate", lambda overrides: seen.setdefault("simulate", overrides))
    monkeypatch.setattr("mer.fit.fit", lambda overrides: seen.setdefault("fit", overrides))
    mer.simulate(["neuro=pulses"])
    mer.fit(["data.path=x.csv"])
    assert seen == {"simulate": ["neuro=pulses"], "fit": ["data.path=x.csv"]}
