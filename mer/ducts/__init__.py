"""Duct tree: anatomy and quasi-steady milk flow to the nipple."""
