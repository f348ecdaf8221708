"""Bank files fetched over SFTP into the inbox (``recon inbox fetch``, first step of the daily
run): `sources` reads the configured sources, `sftp` downloads new files atomically, once.
Owns the ``fetched_file`` table (`recon.models.FetchedFile`)."""
