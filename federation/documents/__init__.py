"""Builders for the documents a node serves: actor, WebFinger, NodeInfo, collections."""
