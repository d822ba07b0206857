"""Adopt a shop's own 考核表: read a hand-built appraisal sheet into a scheme and a template."""
