"""Tests written from what BrainPy 2.8's own tests check (each file names its source)."""
