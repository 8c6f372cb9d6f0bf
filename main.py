"""Entry point: `python main.py` opens the console on the bundled Shanghai demo; see --help."""
import sys

from console.cli import main

if __name__ == "__main__":
    sys.exit(main())
