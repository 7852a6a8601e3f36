"""Interop tests against independent ActivityPub implementations, over loopback only."""
