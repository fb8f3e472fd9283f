"""Versioned notifications (topic ``versioned_notifications``)."""
