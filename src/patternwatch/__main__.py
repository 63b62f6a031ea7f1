"""Entry point for ``python -m patternwatch``."""

from patternwatch.cli import main

if __name__ == "__main__":
    main()
