"""Alveolus agents: receptor occupancy, Ca2+-like activation, mechanics, secretion."""
