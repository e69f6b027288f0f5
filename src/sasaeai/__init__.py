"""Sasaeai (支え合い): the shared system for community care coordination."""
