"""Parsers for the layouts found in published disclosures."""
