"""Circulation: plasma OT and drugs that act on the OT receptor."""
