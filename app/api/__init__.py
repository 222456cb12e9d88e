"""Thin transports: REST and WebSocket translate, authorise and hand over to the engine."""
