"""The node's ActivityPub side: its actor, inbox processing, outbox and follows.

Protocol mechanics (signatures, fetches, documents, delivery) live in
``federation/``; this package applies them to the node's own data.
"""
