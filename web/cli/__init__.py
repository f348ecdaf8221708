"""Command-line commands that need the web application (``recon serve``, ``recon demo``).

They are registered as ``recon.commands`` entry points, so ``recon`` finds them without the core
package importing ``web``.
"""
