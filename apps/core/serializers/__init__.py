"""Serializers: input validation and output shapes for the controllers."""
