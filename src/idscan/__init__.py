"""idscan: self-hostable online identity verification."""

__version__ = "0.1.0"
