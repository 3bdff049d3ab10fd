"""Langso's commerce core: producers, OCOP products, accounts, search, orders and payments.

Usable as a library without the web application; see the README's "Python API" section.
"""
