"""rasa-sdk actions: one module per conversation flow, one client for the backend."""
