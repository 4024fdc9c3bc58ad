"""Fan-out of committed board events to the WebSocket clients of this process."""
