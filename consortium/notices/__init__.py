"""Notices: e-mail about what waits for a person, written to an outbox with the event and
delivered by the worker."""
