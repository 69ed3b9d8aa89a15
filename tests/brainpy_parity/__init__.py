"""Ports of BrainPy 2.8's own tests: the behaviour each BrainPy test checks, checked on
eqbrain. BrainPy is GPL-3.0; these tests are written from scratch from what BrainPy's
tests check (no code or text copied). Each file names the BrainPy file it follows, and
lists the BrainPy cases it leaves out with the reason."""
