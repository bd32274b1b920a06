"""Fitting the model to observed milk-flow sessions: `mer.fit.fit(overrides) -> FitResult`."""

from mer.fit.data import DataError, Session, load_sessions
from mer.fit.run import FitResult, fit

__all__ = ["DataError", "FitResult", "Session", "fit", "load_sessions"]
