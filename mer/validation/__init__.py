"""Validation against published human measurements: targets as data, a virtual cohort of mothers,
and the report of where the model stands (`mer-validate`)."""
