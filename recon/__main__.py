"""``python -m recon``: the ``recon`` command line, where no ``recon`` script is on the PATH."""

from recon.cli import main

if __name__ == "__main__":
    main()
