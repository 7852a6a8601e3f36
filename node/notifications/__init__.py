"""Notifications: coordinators and admins hear about what needs them.

Two sweeps do the work, both stepped with ``run_once()``: the scanner
(:mod:`node.notifications.scanner`) derives events from the database into rows
(the in-app list, and one delivery row per email, digest or webhook call), and
the sender (:mod:`node.notifications.sender`) delivers due rows with retries,
quiet hours and a history. :mod:`node.notifications.service` holds preferences,
webhook endpoints and unsubscribe links for the API; :mod:`.sweeps` builds the
two sweeps for the application and for tests.
"""
