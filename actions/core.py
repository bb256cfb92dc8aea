"""Placeholder so the action server has a module to load."""
