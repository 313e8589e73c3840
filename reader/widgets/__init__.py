"""The reader's own widgets."""
