"""Everything a printed QR code points at: batches and their event journal, QR labels and
heritage plaques, provenance data, GS1 Digital Link and EPCIS 2.0 export, heritage sites and
scan counting.

Depends on `marketplace` (a batch belongs to a product); nothing here depends on the web app.
"""
