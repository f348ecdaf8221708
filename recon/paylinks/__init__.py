"""Pay links per invoice (Stripe Checkout, Alipay precreate QR, WeChat Pay Native): created
through each gateway's API with the invoice number attached (``create``), read for reminders
and statements with their QR codes (``links``). The payment's webhook then settles the invoice
through the existing gateway path (``recon.gateway.txns.settle``) with no human step.
"""

from recon.paylinks.links import GATEWAY_ORDER, links_for, qr_png, qr_svg_uri

__all__ = ["GATEWAY_ORDER", "links_for", "qr_png", "qr_svg_uri"]
