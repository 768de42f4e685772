"""The hosted end-user pages: capture, hand-off and completion (the capability token is the key)."""
