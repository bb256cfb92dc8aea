"""Custom Rasa graph components used by the project's `config.yml`."""
