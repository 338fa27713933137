"""Names of the settings the desktop app keeps in the store (one place, shared with benchmarks)."""

FACILITY = "facility"
OFFICER = "officer"
LANG = "lang"
