"""The REST API and the WebSocket under /api/v1."""
