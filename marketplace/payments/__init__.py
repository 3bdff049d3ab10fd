"""Payments the way Vietnam pays: VietQR bank transfers straight into each producer's account.

Pure library code, no database and no web: the VietQR codec (`vietqr`), QR images
(`qrimage`), order references in transfer messages (`references`) and the bank-transfer
webhooks of SePay, Casso and payOS (`providers`).
"""
