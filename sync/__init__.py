"""The offline replica, change tracking, and (later) the sync engine. No Qt."""
