"""The domain core: every change to a board goes through these functions, whatever asked."""
