"""Branding per account: the look of the hosted pages and the simple report."""
