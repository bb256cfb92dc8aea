"""The Rasa assistant: domain, endpoints, custom NLU components and channels."""
