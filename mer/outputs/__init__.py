"""Outputs: session metrics and figures."""
