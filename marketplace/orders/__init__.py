"""Carts, per-producer orders, delivery options and the payment records behind them.

Only the services of this package (and `marketplace.payments.intents` / `.transfers` /
`.connections`, which share its tables) write these tables.
"""
