"""Validation: located trees -> pydantic models, with every problem as a located diagnostic."""
