"""Webhook subscriptions, the event outbox and signed, retried deliveries. Imports no other domain."""
