"""Tests of the sync protocol encoding and merge rules (pure, no server)."""
