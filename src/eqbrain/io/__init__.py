"""Checkpoint files (safetensors, orbax), BrainPy interop and model summaries."""
