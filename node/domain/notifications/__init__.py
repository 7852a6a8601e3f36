"""Notifications: coordinators and admins hear about what needs them.

Two sweeps do the work, both stepped with ``run_once()``: the scanner
(:mod:`node.domain.notifications.scanner`) derives events from the database into rows
(the in-app list, and one delivery row per email, digest or webhook call), and
the sender (:mod:`node.domain.notifications.sender`) delivers due rows with retries,
quiet hours and a history. :mod:`node.domain.notifications.service` holds preferences,
webhook endpoints and unsubscribe links for the API; :mod:`.sweeps` builds the
two sweeps for the application and for tests.
"""
