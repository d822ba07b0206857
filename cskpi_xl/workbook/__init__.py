"""Workbook engine: templates, fill, batch, LibreOffice checks."""
