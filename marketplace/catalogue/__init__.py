"""Catalogue: producers ("chủ thể") and their OCOP products."""
