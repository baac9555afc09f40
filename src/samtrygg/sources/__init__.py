"""Readers for real-world formats that return validated rows; never imports Django."""
