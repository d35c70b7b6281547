"""Pure Python + numpy/pandas. Never imports Qt (tests/test_layers.py enforces it)."""
