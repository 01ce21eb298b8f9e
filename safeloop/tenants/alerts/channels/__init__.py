"""Delivery backends, one per channel. Each takes a Notification and raises on failure."""
