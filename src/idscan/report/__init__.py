"""Audit reports: the model a report shows (`model`), its PDF rendering (`render`), the PAdES seal
(`seal`), the self-signed default seal identity (`selfsigned`) and `idscan report verify` (`commands`).
"""
