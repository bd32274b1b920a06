"""Fitting the model to observed milk-flow sessions: `mer.fit.fit(overrides) -> FitResult`."""

from mer.facade import callable_module
from mer.fit.data import DataError, Session, load_sessions
from mer.fit.result import FitResult
from mer.fit.run import fit

callable_module(__name__, "fit")  # mer.fit(...) is mer.fit.fit(...) (mer/facade.py)

__all__ = ["DataError", "FitResult", "Session", "fit", "load_sessions"]
