"""Deterministic, idempotent demo data drawn from real places of Thanh Hóa and Ninh Bình."""
