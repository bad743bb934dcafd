"""Make the sample tables importable as ``samples`` by the reader tests."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
