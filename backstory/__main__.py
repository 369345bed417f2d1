"""`python -m backstory` runs the command line."""

from backstory.cli import main

main()
