"""Accounts: sign-up and login by Vietnamese phone number, roles, API tokens, reset codes."""
