"""``python -m recon``: the ``recon`` command line (used to start `recon gateways worker`)."""

from recon.cli import main

if __name__ == "__main__":
    main()
